"""Hostile image files: only the formats a card photo comes in are opened, and within bounds.

Issue 18 item 4 (an 80-byte EPS named ``x.jpg`` ran Ghostscript for ever) and
issue 23 items 2 (a many-page TIFF loaded in quadratic time) and 3 (Pillow wrote
an uploaded EPS to a temp file).
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np
import pytest
from conftest import qr_gray
from PIL import Image

import vssid_id
from vssid_id import errors
from vssid_id.images import loading
from vssid_id.images.loading import CARD_PHOTO_FORMATS, load_image

#: The adversarial run's file: an endless PostScript loop, saved under a JPEG name.
EPS_LOOP = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n{ } loop showpage\n"

needs_ghostscript = pytest.mark.skipif(
    shutil.which("gs") is None,
    reason="Ghostscript (gs) is not installed: the EPS tests prove nothing without it (apt-get install ghostscript)",
)


def _registered_formats() -> list[str]:
    """Every format Pillow can open here, with pillow-heif's registered as the loader registers it."""
    loading._register_heif()
    Image.init()
    return sorted(Image.OPEN)


def _run_isolated(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter, in its own process group: a hang fails the test instead of
    hanging the suite, and whatever it started (Ghostscript) is ended with it."""
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@needs_ghostscript
def test_eps_named_jpg_is_refused_at_once_through_decode(tmp_path):
    path = tmp_path / "x.jpg"
    path.write_bytes(EPS_LOOP)
    started = time.monotonic()
    try:
        done = _run_isolated(f"""
            import vssid_id
            try:
                vssid_id.decode({str(path)!r})
            except vssid_id.errors.ImageError as error:
                print("refused:", error)
            else:
                print("decoded")
        """)
    except subprocess.TimeoutExpired:
        pytest.fail("decode() of an 80-byte EPS file did not return within 60 s")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("refused:") and "looks like EPS data, not a card photo format" in done.stdout
    assert time.monotonic() - started < 30


@needs_ghostscript
def test_eps_uploads_to_the_api_are_refused_at_once(tmp_path):
    pytest.importorskip("starlette", reason="the web extra is not installed: pip install -e '.[test]'")
    pytest.importorskip("python_multipart", reason="the web extra is not installed: pip install -e '.[test]'")
    path = tmp_path / "x.jpg"
    path.write_bytes(EPS_LOOP)
    try:
        done = _run_isolated(f"""
            import json
            from starlette.testclient import TestClient
            from vssid_id.web.app import create_app
            data = open({str(path)!r}, "rb").read()
            with TestClient(create_app()) as client:
                for _ in range(2):  # the adversarial run sent two: both Ghostscripts spun for ever
                    answer = client.post("/api/scan", files={{"image": ("x.jpg", data, "image/jpeg")}})
                    print(answer.status_code, json.dumps(answer.json()))
        """)
    except subprocess.TimeoutExpired:
        pytest.fail("/api/scan of an 80-byte EPS file did not answer within 60 s")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    for line in lines:
        status, body = line.split(" ", 1)
        assert status == "422" and "not a card photo format" in body and "ImageError" in body


@needs_ghostscript
def test_eps_is_never_handed_to_ghostscript_nor_written_to_a_temp_file(tmp_path, monkeypatch):
    spool = tmp_path / "tmp"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    calls = []
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: calls.append(a) or pytest.fail("a program was run"))
    for source in (EPS_LOOP, io.BytesIO(EPS_LOOP)):
        with pytest.raises(errors.ImageError, match="card photo format"):
            load_image(source)
    assert calls == [] and os.listdir(spool) == []


@needs_ghostscript
def test_an_unloaded_pil_eps_image_is_refused_rather_than_rendered(monkeypatch):
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: pytest.fail("a program was run"))
    image = Image.open(io.BytesIO(EPS_LOOP))  # Pillow reads the header only; load() would run gs
    assert image.format == "EPS"
    with pytest.raises(errors.ImageError, match="card photo format"):
        load_image(image)


def test_every_registered_format_outside_the_card_photo_formats_is_refused_by_content(tmp_path):
    """Every plugin registered here, not a list from memory: each one Pillow can write is written and refused."""
    registered = _registered_formats()
    assert set(CARD_PHOTO_FORMATS) <= set(registered)
    image = Image.fromarray(qr_gray("x" * 20)).convert("RGB").resize((64, 64))
    tried = []
    for name in registered:
        if name in CARD_PHOTO_FORMATS or name not in Image.SAVE:
            continue
        buffer = io.BytesIO()
        try:
            image.save(buffer, name)
        except Exception:  # a writer that needs another mode or size: try the grey image
            try:
                buffer = io.BytesIO()
                image.convert("L").save(buffer, name)
            except Exception:
                continue
        tried.append(name)
        with pytest.raises(errors.ImageError, match="card photo format"):
            load_image(buffer.getvalue())
        (tmp_path / "photo.jpg").write_bytes(buffer.getvalue())  # a name says nothing: content decides
        with pytest.raises(errors.ImageError, match="card photo format"):
            load_image(tmp_path / "photo.jpg")
    assert len(tried) >= 10, tried  # 13 of 44 here: AVIF, DDS, DIB, EPS, ICNS, ICO, IM, JPEG2000, PCX, QOI, SGI, …


@pytest.mark.parametrize("name", sorted(CARD_PHOTO_FORMATS))
def test_every_card_photo_format_still_loads(name, cccd_payload):
    if name == "HEIF":
        loading._register_heif()
    image = Image.fromarray(qr_gray(cccd_payload)).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, name)
    assert load_image(buffer.getvalue()).shape[:2] == image.size[::-1]


def test_a_phone_jpeg_with_a_second_picture_mpo_still_loads(cccd_payload):
    first = Image.fromarray(qr_gray(cccd_payload)).convert("RGB")
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[first.resize((32, 32))])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    assert {p.text for p in vssid_id.decode(buffer.getvalue())} == {cccd_payload}


# --- many-page TIFF (issue 23 item 2) --------------------------------------------------------





def _many_page_tiff(first_page: bytes, width: int, height: int, pages: int) -> bytes:
    """A little-endian TIFF: ``first_page`` (8-bit grey, uncompressed) then ``pages - 1`` 1x1 white pages,
    every IFD written by hand (Pillow's own writer is quadratic in the page count)."""
    header = b"II*\x00"
    white = b"\xff"
    data_start = 8
    body = bytearray(first_page + white)
    white_at = data_start + len(first_page)
    ifd_at = data_start + len(body)
    ifd_at += ifd_at % 2
    body += b"\x00" * ((data_start + len(body)) % 2)
    entries = 8
    ifd_size = 2 + entries * 12 + 4
    out = bytearray(header + struct.pack("<I", ifd_at)) + body
    for index in range(pages):
        w, h, strip, count = (width, height, data_start, len(first_page)) if index == 0 else (1, 1, white_at, 1)
        tags = [(256, 4, w), (257, 4, h), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, strip), (278, 4, h),
                (279, 4, count)]
        following = ifd_at + ifd_size if index < pages - 1 else 0
        out += struct.pack("<H", entries)
        for tag, kind, value in tags:
            if kind == 4:  # LONG
                out += struct.pack("<HHII", tag, kind, 1, value)
            else:  # SHORT, padded
                out += struct.pack("<HHIHH", tag, kind, 1, value, 0)
        out += struct.pack("<I", following)
        ifd_at += ifd_size
    return bytes(out)


def test_many_page_tiff_reads_the_first_page_only_in_bounded_time(cccd_payload):
    code = qr_gray(cccd_payload)
    height, width = code.shape
    data = _many_page_tiff(code.tobytes(), width, height, 20_000)  # 2 MB
    assert Image.open(io.BytesIO(data)).size == (width, height)
    started = time.process_time()
    loaded = load_image(data)
    elapsed = time.process_time() - started
    assert np.array_equal(loaded, code)
    # Before the fix the loader counted the pages, and Pillow walks every page header to count them,
    # in quadratic time (7 s of CPU here for these 20,000 pages; 40,000 took 16 s). The first page
    # alone takes milliseconds; the bound is loose because the machine is shared.
    assert elapsed < 1.0, elapsed
    assert {p.text for p in vssid_id.decode(data)} == {cccd_payload}


def test_first_frame_of_a_pil_image_positioned_elsewhere(cccd_payload, bhyt_payload):
    first = Image.fromarray(qr_gray(cccd_payload)).convert("P")
    second = Image.fromarray(qr_gray(bhyt_payload)).resize(first.size).convert("P")
    buffer = io.BytesIO()
    first.save(buffer, "GIF", save_all=True, append_images=[second])
    image = Image.open(io.BytesIO(buffer.getvalue()))
    image.seek(1)
    assert {p.text for p in vssid_id.decode(image)} == {cccd_payload}
    assert np.asarray(load_image(buffer.getvalue())).size
