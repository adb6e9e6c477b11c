"""vssid-scan batches: --jobs (worker processes, output in input order), a dying worker, Ctrl-C, fuzzing main()."""

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import without_backend_notices
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vssid_id.cli import scan as cli
from vssid_id.scanning import batch

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "fixtures" / "images"


def scan_or_die(item, options):
    """A worker that dies like a process killed for using too much memory on inputs named *crash*."""
    if "crash" in item.name:
        os.kill(os.getpid(), signal.SIGKILL)
    return batch.scan_item(item, options)


def without_timings(out: str) -> list[dict]:
    rows = [json.loads(line) for line in out.splitlines()]
    for row in rows:
        for code in row["codes"]:
            code.get("decoder", {}).pop("elapsed_ms", None)
    return rows


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    """The committed fixture photos, a text file named .jpg and a thin image, in one folder."""
    folder = tmp_path_factory.mktemp("batch")
    for image in sorted(IMAGES.glob("*.jpg"))[:6]:
        shutil.copy(image, folder / image.name)
    (folder / "fake.jpg").write_text("not an image")
    return folder


def test_jobs_2_gives_the_output_of_jobs_1_in_input_order(capsys, batch_dir):
    assert cli.main([str(batch_dir), "--json", "--jobs", "1"]) == cli.EXIT_NO_INPUT
    serial = without_timings(capsys.readouterr().out)
    assert cli.main([str(batch_dir), "--json", "--jobs", "2"]) == cli.EXIT_NO_INPUT
    parallel = without_timings(capsys.readouterr().out)
    assert parallel == serial
    assert [Path(row["input"]).name for row in parallel] == sorted(p.name for p in batch_dir.iterdir())
    assert sum("record" in row["codes"][0] for row in parallel if row["codes"]) == 6


def test_a_dying_worker_is_reported_for_its_input_and_the_batch_goes_on(batch_dir, tmp_path):
    names = sorted(p.name for p in batch_dir.glob("*.jpg") if p.name != "fake.jpg")[:4]
    paths = [str(batch_dir / name) for name in names]
    crash = tmp_path / "crash.jpg"
    shutil.copy(paths[0], crash)
    inputs = [paths[0], paths[1], str(crash), paths[2], paths[3]]
    items = batch.expand_inputs(inputs, lambda: b"")
    results = list(batch.run_batch(items, batch.ScanOptions(), jobs=2, worker=scan_or_die))
    assert [item.name for item, _ in results] == inputs
    entries = [entry for _, entry in results]
    assert entries[2]["internal_error"]["type"] == "WorkerCrash"
    assert all(entry["codes"][0]["record"] for i, entry in enumerate(entries) if i != 2)


def test_a_dying_worker_through_the_command_line(capsys, monkeypatch, batch_dir, tmp_path):
    crash = tmp_path / "crash.jpg"
    shutil.copy(next(batch_dir.glob("clean-*.jpg")), crash)
    monkeypatch.setattr(batch, "scan_item", scan_or_die)
    status = cli.main([str(crash), str(next(batch_dir.glob("clean-*.jpg"))), "--jobs", "2"])
    out, err = capsys.readouterr()
    assert status == cli.EXIT_SOFTWARE
    lines = out.splitlines()
    assert lines[0] == f"{crash}: error: the process decoding this input stopped abruptly " \
                       "(killed, e.g. for using too much memory)"
    assert "CCCD" in lines[1] or "BHYT" in lines[1]
    assert err == ""


@pytest.mark.parametrize("argv", [["{card}"], ["--payload", "{payload}"], ["{card}", "--payload", "{payload}"],
                                  ["{missing}", "{card}"]])
def test_no_pool_for_a_single_image_or_payloads(capsys, monkeypatch, tmp_path, argv):
    def no_pool(jobs):
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(batch, "_new_pool", no_pool)
    values = {"card": str(cli._sample_path()), "payload": "hello", "missing": str(tmp_path / "nope.png")}
    status = cli.main([arg.format(**values) for arg in argv] + ["--jobs", "4"])
    assert status in (cli.EXIT_OK, cli.EXIT_INVALID, cli.EXIT_NO_INPUT)
    assert "a worker pool" not in capsys.readouterr().out


def test_progress_bar_counts_parallel_results(capsys, monkeypatch, batch_dir):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    cli.main([str(batch_dir), "--jobs", "2"])
    err = capsys.readouterr().err
    total = len(list(batch_dir.iterdir()))
    assert f"{total}/{total}" in err and "Traceback" not in err


def test_the_ctrl_c_handler_is_only_in_place_while_a_batch_runs(batch_dir):
    seen = []
    real_report = cli.print_entry

    def spy(*args, **kwargs):
        seen.append(signal.getsignal(signal.SIGINT))
        return real_report(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "print_entry", spy)
        cli.main([str(batch_dir), "--jobs", "2"])
    assert seen and all(handler is cli._on_ctrl_c for handler in seen)  # during: Ctrl-C starts the watchdog
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # after: Python's own again


@pytest.mark.parametrize("then", ["nothing", "ImportError"])
def test_a_ctrl_c_whose_keyboardinterrupt_got_lost_still_ends_the_run(batch_dir, capsys, then):
    # As seen under load: the KeyboardInterrupt dropped in an import's weakref callback (the batch ran on,
    # exit 0), or turned into an ImportError by a C extension's import (exit 70, "internal error").
    calls = []
    real_report = cli.print_entry

    def report_after_a_lost_ctrl_c(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            cli._ctrl_c_seen.set()  # what the run's Ctrl-C handler notes before raising
            if then == "ImportError":
                raise ImportError("PyCapsule_Import could not import module \"datetime\"")
        return real_report(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "print_entry", report_after_a_lost_ctrl_c)
        status = cli.main([str(batch_dir), "--jobs", "2"])
    assert status == cli.EXIT_INTERRUPTED
    assert without_backend_notices(capsys.readouterr().err.encode()).decode().strip().splitlines() == [
        "vssid-scan: interrupted"]
    assert len(calls) <= 2  # the batch stopped at the next result, not at its end


def test_ctrl_c_stops_a_parallel_batch_cleanly(tmp_path):
    for index in range(60):
        shutil.copy(IMAGES / "noise-000.jpg", tmp_path / f"photo-{index:03d}.jpg")
    process = subprocess.Popen([sys.executable, "-m", "vssid_id.cli", str(tmp_path), "--jobs", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline()  # the pool is running
    process.send_signal(signal.SIGINT)
    started = time.monotonic()
    out, err = process.communicate(timeout=60)
    assert process.returncode == cli.EXIT_INTERRUPTED
    assert without_backend_notices(err).decode().strip().splitlines() == ["vssid-scan: interrupted"]
    assert time.monotonic() - started < 30
    assert out.count(b"\n") < 60 * 12  # stopped before the end


# --- fuzzing main() --------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    import cv2
    import numpy as np

    folder = tmp_path_factory.mktemp("bad")
    (folder / "text.jpg").write_text("hello")
    (folder / "empty.png").write_bytes(b"")
    (folder / "truncated.jpg").write_bytes((IMAGES / "clean-000.jpg").read_bytes()[:2000])
    cv2.imwrite(str(folder / "thin.png"), np.full((1, 3000), 255, np.uint8))
    cv2.imwrite(str(folder / "tall.png"), np.full((3000, 2), 0, np.uint8))
    (folder / "sub").mkdir()
    return folder


ARGUMENTS = st.one_of(
    st.sampled_from(["-", "", "--json", "--all", "--no-mask", "--mask", "--payload", "--max-bytes", "10", "1k",
                     "--jobs", "1", "--debug-dir", "--", "-j", "--timeout", "nan", "--help", "--version", "--bogus",
                     "0", "-1", "|", "001090123456||A|05031990|Nam|x|15082021"]),
    st.text(max_size=12),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=st.lists(ARGUMENTS | st.sampled_from(["@text.jpg", "@empty.png", "@truncated.jpg", "@thin.png",
                                                  "@tall.png", "@sub", "@missing.jpg"]), max_size=6),
       stdin=st.binary(max_size=64))
def test_main_returns_a_documented_code_and_never_raises(bad_files, tmp_path_factory, args, stdin):
    argv = [str(bad_files / arg[1:]) if arg.startswith("@") else arg for arg in args]
    if "--camera" in " ".join(argv):  # would open a real camera
        return
    workdir = tmp_path_factory.mktemp("cwd")  # relative names (and --debug-dir) land here
    old_cwd, old_stdin = os.getcwd(), sys.stdin
    out, err = io.StringIO(), io.StringIO()
    try:
        os.chdir(workdir)
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cli.main([*argv, "--jobs", "1"])
    finally:
        os.chdir(old_cwd)
        sys.stdin = old_stdin
    assert status in cli.EXIT_CODES
    assert "Traceback" not in err.getvalue()
    assert status != cli.EXIT_SOFTWARE or "internal_error" in out.getvalue() or "error:" in out.getvalue()
