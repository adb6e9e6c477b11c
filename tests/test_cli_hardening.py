"""vssid-scan under the adversarial run of issue 23: crashes (item 1), options (7), exit paths (8), output (3)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import without_backend_notices

from vssid_id.cli import scan as cli

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "fixtures" / "images"


def vssid_scan(*argv: str, env: dict[str, str] | None = None, stdin: bytes = b"", **kwargs: object):
    full_env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "PYTHONIO"))}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "vssid_id.cli", *argv], input=stdin, capture_output=True,
                          env=full_env, timeout=180, check=False, **kwargs)


# --- item 1: segfaults ------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_debug_dir_whose_name_is_not_utf8_gets_the_images(tmp_path, jobs):
    raw = os.fsencode(str(tmp_path)) + b"/debug-\xff\xfe"
    inputs = [str(cli._sample_path()), str(IMAGES / "clean-000.jpg")]
    result = vssid_scan(*inputs, "--debug-dir", os.fsdecode(raw), "--jobs", jobs)
    assert result.returncode == 0, (result.returncode, result.stderr)  # was -11 (SIGSEGV) in cv2.imwrite
    assert b"WorkerCrash" not in result.stdout
    written = [name for folder in os.listdir(raw) for name in os.listdir(os.path.join(raw, folder))]
    assert len(os.listdir(raw)) == 2 and any(name.endswith(b".png") for name in written)


@pytest.mark.parametrize("camera", ["-1", "-5", "99999999999999999999", "10000"])
def test_camera_index_out_of_range_is_a_usage_error(capsys, camera):
    status = cli.main(["--camera", camera])  # -1 was a segfault inside cv2.VideoCapture, 999…9 exit 70
    _out, err = capsys.readouterr()
    assert status == cli.EXIT_USAGE and "--camera" in err and "Traceback" not in err


def test_the_library_refuses_a_camera_index_out_of_range_too():
    from vssid_id.errors import CameraError
    from vssid_id.images.camera import scan_camera

    for camera in (-1, 10**20, True):
        with pytest.raises((CameraError, TypeError)):
            scan_camera(camera, timeout=0.1)
    for timeout in (float("nan"), -1.0, float("inf")):
        with pytest.raises(ValueError, match="timeout"):
            scan_camera(0, timeout=timeout)


# --- item 7: options ----------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["--camera", "0", "--timeout", "nan"], ["--camera", "0", "--timeout", "-1"], ["--camera", "0", "--timeout", "inf"],
    ["--camera", "0", "--timeout", "0"], ["--sample", "--jobs", "1000"], ["--sample", "--jobs", "65"],
    ["--sample", "--debug-dir", ""],
])
def test_bad_option_values_exit_64_with_a_message(capsys, argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status = cli.main(argv)
    out, err = capsys.readouterr()
    assert status == cli.EXIT_USAGE, (status, err)
    assert out == "" and "error:" in err and "Traceback" not in err
    assert os.listdir(tmp_path) == []  # --debug-dir "" wrote into the current directory


def test_a_pool_never_has_more_workers_than_images(monkeypatch, tmp_path):
    from vssid_id.scanning import batch

    sizes = []
    real = batch._new_pool
    monkeypatch.setattr(batch, "_new_pool", lambda jobs: sizes.append(jobs) or real(jobs))
    for index in range(3):
        shutil.copy(IMAGES / "clean-000.jpg", tmp_path / f"{index}.jpg")
    assert cli.main([str(tmp_path), "--jobs", "64", "--json"]) == 0
    assert sizes == [3]


# --- item 8: exit paths -------------------------------------------------------------------------


def test_output_to_a_full_disk_is_a_clear_message_and_exit_74():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "wb") as full:
        result = subprocess.run([sys.executable, "-m", "vssid_id.cli", "--sample"], stdout=full,
                                stderr=subprocess.PIPE, timeout=180, check=False)
    assert result.returncode == cli.EXIT_IO_ERROR, result.stderr
    assert b"cannot write the output" in result.stderr and b"internal error" not in result.stderr


def test_closed_stdout_is_a_clear_message_and_exit_74():
    result = subprocess.run([sys.executable, "-m", "vssid_id.cli", "--sample"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, timeout=180, check=False,
                            preexec_fn=lambda: os.close(1))  # the shell's `>&-`
    assert result.returncode == cli.EXIT_IO_ERROR, result.stderr
    assert b"stdout" in result.stderr and b"internal error" not in result.stderr


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    fields = stat.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc to see the worker pool start")
def test_ctrl_c_right_after_a_parallel_start_prints_no_traceback(tmp_path):
    # Enough photos that the batch is still running at the last delay on a loaded 2-core box (with 6, a
    # run with four busy processes beside it had finished and was exiting when Ctrl-C came).
    for index in range(40):
        shutil.copy(IMAGES / "noise-000.jpg", tmp_path / f"photo-{index}.jpg")
    failures = []
    # After the pool's first process appears (the resource tracker, then the fork server). Before the fix:
    # a traceback from the fork server's preload (KeyboardInterrupt) or from a worker still starting
    # (FileNotFoundError: the pool's semaphores gone), or a Ctrl-C lost while the server started.
    for delay in (0.0, 0.02, 0.1, 0.25, 0.5):
        process = subprocess.Popen([sys.executable, "-m", "vssid_id.cli", str(tmp_path), "--jobs", "2"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 60
        while not _children(process.pid) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: to every process of the group
        _, err = process.communicate(timeout=60)
        text = without_backend_notices(err).decode()
        if process.returncode != cli.EXIT_INTERRUPTED or text.strip().splitlines() != ["vssid-scan: interrupted"]:
            failures.append((delay, process.returncode, text[-3000:]))
    assert failures == []


_CTRL_C_INSIDE_EVAL = """
import sys
from vssid_id.cli import scan
try:
    eval("(_ for _ in ()).throw(KeyboardInterrupt)")  # as Ctrl-C inside a namedtuple's eval, in an import
except KeyboardInterrupt:
    pass  # handled, as main() does
if sys.argv[1] == "hook":
    scan._ignore_ctrl_c_at_exit()
sys.exit(130)
"""


@pytest.mark.parametrize("hook", ["hook", "none"])
def test_an_interrupted_run_exits_130_even_after_ctrl_c_inside_eval(hook, tmp_path):
    # Run with -m, as `python -m vssid_id.cli`: only there does CPython act on its flag at exit (a script's
    # sys.exit exits at once).
    (tmp_path / "ctrl_c_inside_eval.py").write_text(_CTRL_C_INSIDE_EVAL)
    result = subprocess.run([sys.executable, "-m", "ctrl_c_inside_eval", hook], capture_output=True, timeout=60,
                            check=False, cwd=tmp_path)
    # Without the exit hook CPython ends the process by SIGINT itself: that is what the hook is for.
    assert result.returncode == (cli.EXIT_INTERRUPTED if hook == "hook" else -signal.SIGINT), result.stderr
    assert result.stderr == b""


_LEAK_A_SEMAPHORE = """
import multiprocessing, os, sys
if sys.argv[1] == "quiet":
    from vssid_id.scanning.batch import start_resource_tracker_quietly
    start_resource_tracker_quietly()
lock = multiprocessing.get_context("forkserver").Lock()
print(lock._semlock.name, flush=True)
os._exit(0)  # as a thread frozen at exit would: the semaphore never unlinked by this process
"""


def _semaphore_left(name: str) -> bool:
    return os.path.exists("/dev/shm/sem." + name.lstrip("/"))


@pytest.mark.skipif(not os.path.isdir("/dev/shm"), reason="needs /dev/shm to see named semaphores")
@pytest.mark.parametrize("mode", ["quiet", "default"])
def test_the_cli_resource_tracker_cleans_up_without_warnings(mode):
    result = subprocess.run([sys.executable, "-c", _LEAK_A_SEMAPHORE, mode], capture_output=True, timeout=60,
                            check=False)
    name = result.stdout.decode().strip()
    assert name.startswith("/mp-"), result
    # The tracker exits once this process has gone (it holds the pipe's other end): wait for its clean-up.
    deadline = time.monotonic() + 10
    while _semaphore_left(name) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _semaphore_left(name)  # cleaned up either way
    warned = b"leaked semaphore" in result.stderr
    assert warned == (mode == "default"), result.stderr  # the default tracker warns: the quiet start matters


def test_a_missing_optional_backend_is_noticed_once_per_run_not_per_worker(tmp_path):
    fake = tmp_path / "fake"
    (fake / "pyzbar").mkdir(parents=True)
    (fake / "pyzbar" / "__init__.py").write_text("")
    (fake / "pyzbar" / "pyzbar.py").write_text("raise ImportError('Unable to find zbar shared library')\n")
    photos = tmp_path / "photos"
    photos.mkdir()
    for index in range(4):
        shutil.copy(IMAGES / "clean-000.jpg", photos / f"{index}.jpg")
    path = os.pathsep.join([str(fake), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    result = vssid_scan(str(photos), "--jobs", "2", env={"PYTHONPATH": path})
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(b"the zbar backend is off") == 1, result.stderr


# --- item 3: file names printed raw -----------------------------------------------------------


def test_text_output_escapes_terminal_controls_in_file_names(capsys, tmp_path):
    name = tmp_path / "card-\x1b]0;pwned\x07\x1b[2J-\u202e.png"
    shutil.copy(cli._sample_path(), name)
    status = cli.main([str(name), "--jobs", "1"])
    out, err = capsys.readouterr()
    assert status == 0
    for control in ("\x1b", "\x07", "\u202e"):
        assert control not in out and control not in err
    assert "\\x1b]0;pwned\\x07\\x1b[2J-\\u202e.png" in out
    status = cli.main([str(tmp_path / "missing-\x1b[31m.png")])
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "missing-\\x1b[31m.png" in out
