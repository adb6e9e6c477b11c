"""vssid-scan: output, JSON shape, masking, exit codes, bad input, what is reported."""

import argparse
import io
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import qr_gray, without_backend_notices

from vssid_id.cards.synthetic import synthetic_bhyt_record, synthetic_cccd_record
from vssid_id.cli import scan as cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

CCCD = synthetic_cccd_record(random.Random(11))
BHYT = synthetic_bhyt_record(random.Random(11))


def run(capsys, *argv, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", stdin)
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def byte_stdin(data: bytes) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")


def json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


# --- start-up, help, exit codes ---------------------------------------------------------


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys, contextlib, io\n"
        "from vssid_id.cli import scan as cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert cli.main(['--help']) == 0\n"
        "heavy = [m for m in ('cv2', 'zxingcpp', 'PIL', 'numpy', 'pydantic') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_help_documents_every_exit_code_and_option(capsys):
    status, out, _ = run(capsys, "--help")
    assert status == 0
    listed = re.search(r"exit codes:\n(.*?)\n\n", out, re.S)[1]
    assert [int(m) for m in re.findall(r"^  (\d+) ", listed, re.M)] == list(cli.EXIT_CODES)
    for text in ("--no-mask", "--json", "--camera", "--debug-dir", "--payload", "--jobs", "--max-bytes", "--all"):
        assert text in out


def test_readme_lists_every_exit_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The command line", 1)[1].split("\n## ", 1)[0]
    exit_part = section.split("Exit codes", 1)[1]
    assert sorted(int(m) for m in re.findall(r"`(\d+)`", exit_part)) == sorted(cli.EXIT_CODES)


def test_version(capsys):
    status, out, _ = run(capsys, "--version")
    assert status == 0 and "vssid-scan 0." in out


@pytest.mark.parametrize("argv", [[], ["--bogus"], ["--camera", "x"], ["--jobs", "0"], ["--max-bytes", "lots"],
                                  ["-", "--payload", "-"]])
def test_usage_errors_exit_64(capsys, argv):
    status, out, err = run(capsys, *argv)
    assert status == cli.EXIT_USAGE
    assert out == "" and "error:" in err and "Traceback" not in err


# --- payload mode ------------------------------------------------------------------


def test_payload_text_output_is_masked_by_default(capsys):
    status, out, _ = run(capsys, "--payload", CCCD.to_payload())
    assert status == 0
    assert CCCD.id_number not in out
    assert CCCD.id_number[-4:] in out
    assert CCCD.full_name not in out
    assert "Họ và tên" in out and "Giới tính" in out
    gender_line = next(line for line in out.splitlines() if "Giới tính" in line)
    assert gender_line.split()[-1] == CCCD.gender.label_vi  # Nam / Nữ, as printed on the card


def test_payload_no_mask_prints_the_card(capsys):
    status, out, _ = run(capsys, "--payload", CCCD.to_payload(), "--no-mask")
    assert status == 0
    assert CCCD.id_number in out and CCCD.full_name in out and CCCD.address in out


def test_payload_json_shape(capsys):
    status, out, _ = run(capsys, "--payload", BHYT.to_payload(), "--json", "--no-mask")
    assert status == 0
    (obj,) = json_lines(out)
    assert obj["input"] == "<payload>"
    record = obj["codes"][0]["record"]
    assert record["kind"] == "bhyt"
    assert record["bhxh_code"] == BHYT.bhxh_code
    assert record["full_name"] == BHYT.full_name


def test_payload_json_masked(capsys):
    _, out, _ = run(capsys, "--payload", BHYT.to_payload(), "--json")
    record = json.loads(out)["codes"][0]["record"]
    assert record["bhxh_code"] == "******" + BHYT.bhxh_code[-4:]
    assert BHYT.full_name not in out
    assert BHYT.bhxh_code not in out


def test_invalid_payload_exit_2_names_the_field(capsys):
    bad = CCCD.to_payload().replace("|Nam|", "|X|").replace("|Nữ|", "|X|")
    status, out, _ = run(capsys, "--payload", bad, "--json")
    assert status == cli.EXIT_INVALID
    error = json.loads(out)["codes"][0]["error"]
    assert error == {"type": "MalformedPayload", "field": "gender", "message": "must be 'Nam' or 'Nữ'"}


def test_payload_lines_from_stdin(capsys, monkeypatch):
    text = CCCD.to_payload() + "\r\n" + BHYT.to_payload() + "\n"
    status, out, _ = run(capsys, "--payload", "-", "--json", stdin=byte_stdin(text.encode()), monkeypatch=monkeypatch)
    assert status == 0
    assert [obj["codes"][0]["record"]["kind"] for obj in json_lines(out)] == ["cccd", "bhyt"]


def test_invalid_utf8_payload_line_is_an_invalid_payload(capsys, monkeypatch):
    data = b"\xff\xfe|broken\n" + CCCD.to_payload().encode() + b"\n"
    status, out, _ = run(capsys, "--payload", "-", "--json", stdin=byte_stdin(data), monkeypatch=monkeypatch)
    assert status == cli.EXIT_INVALID
    first, second = json_lines(out)
    assert first["codes"][0]["error"]["type"] in ("MalformedPayload", "UnknownPayloadKind")
    assert second["codes"][0]["record"]["kind"] == "cccd"


def test_payload_stdin_over_the_byte_cap(capsys, monkeypatch):
    data = (CCCD.to_payload() + "\n").encode() * 10
    status, out, _ = run(capsys, "--payload", "-", "--max-bytes", "100", stdin=byte_stdin(data),
                         monkeypatch=monkeypatch)
    assert status == cli.EXIT_NO_INPUT
    assert len(out.splitlines()) == 1 and "limit" in out


# --- files ------------------------------------------------------------------------------


def test_missing_file_exit_66_and_batch_continues(capsys, tmp_path):
    missing = tmp_path / "nope.jpg"
    status, out, _ = run(capsys, str(missing), "--payload", CCCD.to_payload())
    assert status == cli.EXIT_NO_INPUT
    assert f"{missing}: error: no such file" in out
    assert "CCCD" in out  # the payload was still processed


def test_directory_without_images(capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    status, out, _ = run(capsys, str(tmp_path))
    assert status == cli.EXIT_NO_INPUT
    assert "holds no image files" in out


def test_text_file_named_jpg(capsys, tmp_path):
    fake = tmp_path / "fake.jpg"
    fake.write_text("not an image")
    status, out, _ = run(capsys, str(fake), "--json")
    assert status == cli.EXIT_NO_INPUT
    obj = json.loads(out)
    assert obj["input"] == str(fake)
    assert obj["input_error"]["type"] == "ImageError"
    assert str(fake) not in obj["input_error"]["message"]  # said once, in "input"


def test_non_image_on_stdin(capsys, monkeypatch):
    status, out, _ = run(capsys, "-", stdin=byte_stdin(b"\x00\x01garbage"), monkeypatch=monkeypatch)
    assert status == cli.EXIT_NO_INPUT
    assert out.startswith("<stdin>: error:")


def test_image_on_stdin(capsys, monkeypatch):
    data = cli._sample_path().read_bytes()
    status, out, _ = run(capsys, "-", "--json", stdin=byte_stdin(data), monkeypatch=monkeypatch)
    assert status == 0
    assert json.loads(out)["codes"][0]["record"]


def test_sample_reads_the_bundled_card(capsys):
    status, out, _ = run(capsys, "--sample", "--json", "--no-mask")
    assert status == 0
    code = json.loads(out)["codes"][0]
    assert code["record"]["kind"] in ("cccd", "bhyt")
    assert code["decoder"]["backend"]
    assert len(code["decoder"]["corners"]) == 4


def test_directory_recursion_and_exit_codes(capsys, tmp_path):
    from PIL import Image

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "card.png").write_bytes(cli._sample_path().read_bytes())
    Image.new("RGB", (200, 200), "white").save(tmp_path / "a" / "blank.png")
    (tmp_path / "a" / "readme.txt").write_text("skip me")
    status, out, _ = run(capsys, str(tmp_path), "--json")
    rows = json_lines(out)
    # Files come in path order: "a/b/card.png" sorts before "a/blank.png".
    assert [Path(r["input"]).relative_to(tmp_path).as_posix() for r in rows] == ["a/b/card.png", "a/blank.png"]
    assert rows[0]["codes"][0]["record"] and rows[1]["codes"] == []
    assert status == cli.EXIT_NO_CODE


# --- issue 10 item 1: one bad input never stops a batch ------------------------------------


@pytest.fixture
def three_cards(tmp_path):
    paths = []
    for name in ("one.png", "two.png", "three.png"):
        path = tmp_path / name
        path.write_bytes(cli._sample_path().read_bytes())
        paths.append(str(path))
    return paths


@pytest.mark.parametrize("exception", [RuntimeError("boom"), MemoryError(), OSError(5, "I/O error"),
                                       cv2.error("resize"), ValueError("from a dependency")])
def test_an_exception_from_scan_is_reported_for_that_input_only(capsys, monkeypatch, three_cards, exception):
    import vssid_id.scanning.scanner

    real_scan = vssid_id.scanning.scanner.scan
    calls = []

    def flaky_scan(image, **options):
        calls.append(1)
        if len(calls) == 2:
            raise exception
        return real_scan(image, **options)

    monkeypatch.setattr(vssid_id.scanning.scanner, "scan", flaky_scan)
    status, out, err = run(capsys, *three_cards, "--json", "--jobs", "1")
    rows = json_lines(out)
    assert [row["input"] for row in rows] == three_cards
    assert rows[0]["codes"][0]["record"] and rows[2]["codes"][0]["record"]
    assert set(rows[1]) == {"input", "internal_error", "codes"}  # a failure inside decoding, not a bad file
    assert status == cli.EXIT_SOFTWARE
    assert "Traceback" not in err and "boom" not in out


def test_thin_image_does_not_stop_the_batch(capsys, tmp_path):
    thin = tmp_path / "thin.png"
    cv2.imwrite(str(thin), np.full((1, 3000), 255, np.uint8))
    status, out, err = run(capsys, str(thin), str(cli._sample_path()), "--jobs", "1")
    lines = out.splitlines()
    assert lines[0].startswith(f"{thin}: ")
    assert any("CCCD" in line or "BHYT" in line for line in lines[1:])
    assert status in (cli.EXIT_NO_CODE, cli.EXIT_SOFTWARE) and "Traceback" not in err


# --- issue 10 item 2: bounded reads, regular files only ------------------------------------


def test_dev_zero_is_refused_at_once():
    result = subprocess.run([sys.executable, "-m", "vssid_id.cli", "/dev/zero"], capture_output=True, timeout=60)
    assert result.returncode == cli.EXIT_NO_INPUT
    assert result.stdout.decode().splitlines() == [
        "/dev/zero: error: is not a regular file (a device, pipe or socket)"
    ]
    assert result.stderr == b""


def test_fifo_is_refused_without_waiting_for_a_writer(capsys, tmp_path):
    fifo = tmp_path / "photo.jpg"
    os.mkfifo(fifo)
    status, out, _ = run(capsys, str(fifo), "--json")
    assert status == cli.EXIT_NO_INPUT
    assert "not a regular file" in json.loads(out)["input_error"]["message"]


def test_file_over_max_bytes_is_refused(capsys, tmp_path):
    big = tmp_path / "big.png"
    big.write_bytes(cli._sample_path().read_bytes())
    status, out, _ = run(capsys, str(big), "--max-bytes", "1k", "--json")
    assert status == cli.EXIT_NO_INPUT
    error = json.loads(out)["input_error"]
    assert error["type"] == "ImageTooLarge" and "1,000" in error["message"]


def test_stdin_over_max_bytes_is_refused(capsys, monkeypatch):
    status, out, _ = run(capsys, "-", "--max-bytes", "10", stdin=byte_stdin(b"x" * 100), monkeypatch=monkeypatch)
    assert status == cli.EXIT_NO_INPUT
    assert out.startswith("<stdin>: error:") and "limit" in out


@pytest.mark.parametrize(("text", "size"), [("50M", 50_000_000), ("1k", 1000), ("123", 123), ("2G", 2 * 10**9),
                                           ("50Mi", 50 * 2**20), ("3KiB", 3072), ("7 MB", 7_000_000)])
def test_max_bytes_sizes(text, size):
    assert cli._byte_count(text) == size
    assert cli._byte_count(cli._size_text(size)) == size


@pytest.mark.parametrize("text", ["", "M", "-1", "1.5M", "0", "12X"])
def test_max_bytes_refuses_what_is_not_a_size(text):
    with pytest.raises(argparse.ArgumentTypeError):
        cli._byte_count(text)


# --- issue 10 item 5: encodings (subprocesses, as a shell runs them) ------------------------


def vssid_scan(*argv, env=None, stdin=b"", cwd=None):
    full_env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "PYTHONIO"))}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "vssid_id.cli", *argv], input=stdin, capture_output=True,
                          env=full_env, cwd=cwd, timeout=120)


@pytest.fixture
def undecodable_name(tmp_path):
    """A copy of the sample card under a file name that is not UTF-8."""
    raw = os.fsencode(str(tmp_path)) + b"/card-\xff\xfe.png"
    with open(raw, "wb") as handle:
        handle.write(cli._sample_path().read_bytes())
    return raw


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "utf-8:strict"}, {"LC_ALL": "C", "PYTHONUTF8": "0"},
                                 {"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "cp1252"}])
def test_json_lines_are_utf8_json_for_any_file_name(undecodable_name, env):
    result = vssid_scan(os.fsdecode(undecodable_name), "--json", "--jobs", "1", env=env)
    assert result.returncode == 0, result.stderr
    assert without_backend_notices(result.stderr) == b""
    (line,) = result.stdout.decode("utf-8").splitlines()  # strict: raises on invalid UTF-8
    obj = json.loads(line)
    assert os.fsencode(obj["input"]) == undecodable_name  # \udcXX escapes give the bytes back
    assert obj["codes"][0]["record"]["kind"] in ("cccd", "bhyt")


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "utf-8:strict"}, {"LC_ALL": "C", "PYTHONUTF8": "0"},
                                 {"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "cp1252"}])
def test_text_output_escapes_what_it_cannot_encode(undecodable_name, env):
    result = vssid_scan(os.fsdecode(undecodable_name), "--payload", CCCD.to_payload(), "--no-mask", "--jobs", "1",
                        env=env)
    assert result.returncode == 0, result.stderr
    assert without_backend_notices(result.stderr) == b""
    out = result.stdout.decode("cp1252" if "cp1252" in env.values() else "utf-8")
    assert "card-\\xff\\xfe.png" in out
    name_line = next(line for line in out.splitlines() if "Họ và tên" in line or "H\\u1ecd" in line)
    # Either the name itself or its escapes, never a crash.
    assert CCCD.full_name in name_line or CCCD.full_name.encode("ascii", "backslashreplace").decode() in name_line


def test_invalid_utf8_on_payload_stdin_under_strict_utf8():
    data = b"001090123456||Nguy\xe1\xbb|05031990|Nam|x|15082021\n\xc3\x28\n" + CCCD.to_payload().encode() + b"\n"
    result = vssid_scan("--payload", "-", "--json", env={"PYTHONIOENCODING": "utf-8:strict"}, stdin=data)
    assert result.returncode == cli.EXIT_INVALID, result.stderr
    assert result.stderr == b""
    rows = json_lines(result.stdout.decode("utf-8"))
    assert [("error" in row["codes"][0]) for row in rows] == [True, True, False]


# --- issue 10 item 6: --debug-dir that cannot be written, broken pipe ----------------------


def test_debug_dir_that_is_a_file_exits_73_before_any_input(capsys, tmp_path):
    target = tmp_path / "taken"
    target.write_text("a file")
    for debug_dir in (target, target / "sub"):
        status, out, err = run(capsys, "--payload", CCCD.to_payload(), "--debug-dir", str(debug_dir))
        assert status == cli.EXIT_CANT_CREATE
        assert out == ""  # checked before any input is read
        assert len(err.splitlines()) == 1 and "--debug-dir" in err


def test_debug_dir_not_writable_exits_73(capsys, monkeypatch, tmp_path):
    import tempfile

    def refuse(*args, **kwargs):  # what a chmod 555 folder gives a non-root user
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    status, out, err = run(capsys, "--sample", "--debug-dir", str(tmp_path))
    assert status == cli.EXIT_CANT_CREATE
    assert out == "" and "Permission denied" in err


def test_broken_pipe_exits_quietly():
    data = ("\n".join([CCCD.to_payload()] * 3000) + "\n").encode()
    process = subprocess.Popen([sys.executable, "-m", "vssid_id.cli", "--payload", "-"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdin.write(data)
    process.stdin.close()
    assert process.stdout.readline()
    process.stdout.close()  # like `| head -1`
    assert process.wait(timeout=120) == cli.EXIT_BROKEN_PIPE
    assert process.stderr.read() == b""


def test_debug_dir_writes_outline_and_steps(capsys, tmp_path):
    status, _, _ = run(capsys, "--sample", "--debug-dir", str(tmp_path / "dbg"))
    assert status == 0
    written = sorted(p.name for p in (tmp_path / "dbg").rglob("*.png"))
    assert "found.png" in written
    assert any(name.startswith("step") for name in written)


# --- issue 10 item 7: paths, what is reported ------------------------------------------------


def test_empty_path_does_not_scan_the_current_directory(capsys, monkeypatch, tmp_path):
    (tmp_path / "card.png").write_bytes(cli._sample_path().read_bytes())
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "", "--json")
    assert status == cli.EXIT_NO_INPUT
    (obj,) = json_lines(out)
    assert obj["input"] == "" and obj["input_error"]["message"] == "empty file name"


def test_unreadable_directory_is_reported_as_unreadable(capsys, monkeypatch, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "card.png").write_bytes(cli._sample_path().read_bytes())
    real_scandir = os.scandir

    def scandir(path="."):  # chmod 000 as a non-root user; root reads through it, so it is simulated
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    status, out, _ = run(capsys, str(tmp_path), "--json")
    assert status == cli.EXIT_NO_INPUT
    (obj,) = json_lines(out)
    assert obj["input"] == str(locked)
    assert obj["input_error"]["message"] == "directory cannot be read (permission denied)"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 folder; the simulated case above covers it")
def test_unreadable_directory_for_real(capsys, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        status, out, _ = run(capsys, str(locked))
    finally:
        locked.chmod(0o755)
    assert status == cli.EXIT_NO_INPUT and "permission denied" in out


def test_debug_dirs_of_two_inputs_with_the_same_name_do_not_collide(capsys, tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "card.png").write_bytes(cli._sample_path().read_bytes())
    debug = tmp_path / "debug"
    status, _, _ = run(capsys, str(tmp_path / "a" / "card.png"), str(tmp_path / "b" / "card.png"),
                       "--debug-dir", str(debug), "--jobs", "1")
    assert status == 0
    folders = sorted(p.name for p in debug.iterdir())
    assert len(folders) == 2 and all("card.png" in name for name in folders)
    assert all((debug / name / "found.png").is_file() for name in folders)


@pytest.fixture(scope="module")
def cards_and_a_url(tmp_path_factory):
    """Two cards' QR codes and a QR code that is not a card, on one white image."""
    cccd = synthetic_cccd_record(random.Random(5)).to_payload()
    bhyt = synthetic_bhyt_record(random.Random(6)).to_payload()
    canvas = np.full((700, 2100), 255, np.uint8)
    for x, payload in ((50, cccd), (750, bhyt), (1450, "https://example.org/not-a-card")):
        qr = qr_gray(payload, 4.0)
        canvas[50 : 50 + qr.shape[0], x : x + qr.shape[1]] = qr
    path = tmp_path_factory.mktemp("multi") / "three_codes.png"
    cv2.imwrite(str(path), canvas)
    return path


def test_default_reports_every_card_and_only_cards(capsys, cards_and_a_url):
    status, out, _ = run(capsys, str(cards_and_a_url), "--json")
    codes = json.loads(out)["codes"]
    assert sorted(code["record"]["kind"] for code in codes) == ["bhyt", "cccd"]
    assert status == 0


def test_all_reports_every_qr_code(capsys, cards_and_a_url):
    status, out, _ = run(capsys, str(cards_and_a_url), "--json", "--all")
    codes = json.loads(out)["codes"]
    assert len(codes) == 3
    assert [code["error"]["type"] for code in codes if "error" in code] == ["UnknownPayloadKind"]
    assert status == cli.EXIT_INVALID


def test_help_says_what_is_reported(capsys):
    _, out, _ = run(capsys, "--help")
    assert "every card found" in out and "every QR code" in out


def test_payload_argument_that_is_not_utf8():
    result = subprocess.run([sys.executable, "-m", "vssid_id.cli", "--json", "--payload", b"001090123456||\xff|x"],
                            capture_output=True, timeout=60, env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"})
    assert result.returncode == cli.EXIT_INVALID, result.stderr
    error = json.loads(result.stdout.decode("utf-8"))["codes"][0]["error"]
    assert (error["type"], error["field"]) == ("MalformedPayload", "payload")


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "utf-8:strict"}])
def test_help_and_usage_errors_never_crash_on_encodings(env):
    help_run = vssid_scan("--help", env=env)
    assert help_run.returncode == 0 and b"exit codes" in help_run.stdout and help_run.stderr == b""
    usage_run = subprocess.run([sys.executable, "-m", "vssid_id.cli", "--jobs", b"\xff"], capture_output=True,
                               timeout=60, env={**os.environ, **env})
    assert usage_run.returncode == cli.EXIT_USAGE
    assert b"Traceback" not in usage_run.stderr and b"--jobs" in usage_run.stderr


def test_closed_stdin_is_an_input_error(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)
    status, out, _ = run(capsys, "-", str(cli._sample_path()))
    assert status == cli.EXIT_NO_INPUT
    assert out.startswith("<stdin>: error: cannot be read") and ("CCCD" in out or "BHYT" in out)
