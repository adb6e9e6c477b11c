"""Archives: scan_many on the local pool and on a Dask LocalCluster, Parquet out, --resume, URLs, no network.

The reference for every row is ``vssid_id.scan()`` run on the same image in this process.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vssid_id
from vssid_id.cards.masking import mask_record
from vssid_id.cli import scan as cli
from vssid_id.scanning import archive, batch

pa = pytest.importorskip("pyarrow", reason="the archive tests need pyarrow (pip install 'vssid_id[dask]')")
import pyarrow.parquet as pq  # noqa: E402

from vssid_id.scanning import parquet  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))

import archive_set  # noqa: E402  (fixtures/archive_set.py)

# --- the reference: scan() image by image ---------------------------------------------------


def as_text(value):
    """A record field as the rows hold it: text as is, anything else as compact JSON."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def reference(path: str, *, mask: bool = True) -> dict:
    """What the row of ``path`` must say, from ``vssid_id.scan(path)``."""
    try:
        results = vssid_id.scan(path)
    except vssid_id.ImageError as error:
        return {"input": path, "status": "error", "exit_code": 66, "error_type": type(error).__name__,
                "error_field": None, "masked": mask, "codes": []}
    codes = []
    for result in results:
        record = {}
        if result.record is not None:
            record = mask_record(result.record) if mask else result.record.model_dump(mode="json")
        code = {"kind": record.get("kind"), "backend": result.payload.backend, "step": result.payload.step,
                "error_type": type(result.error).__name__ if result.error else None,
                "error_field": getattr(result.error, "field", None)}
        code.update((name, as_text(record.get(name))) for name in archive.RECORD_FIELDS)
        codes.append(code)
    failed = [code for code in codes if code["error_type"]]
    status, exit_code = ("no_code", 1) if not codes else ("invalid", 2) if failed else ("ok", 0)
    return {"input": path, "status": status, "exit_code": exit_code,
            "error_type": failed[0]["error_type"] if failed else None,
            "error_field": failed[0]["error_field"] if failed else None, "masked": mask, "codes": codes}


def view(row: dict) -> dict:
    """A row without its timings and messages (the reference has neither)."""
    kept = {key: row[key] for key in ("input", "status", "exit_code", "error_type", "error_field", "masked")}
    kept["codes"] = [{key: value for key, value in code.items() if key not in ("elapsed_ms", "error_message")}
                     for code in row["codes"]]
    return kept


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive")
    files = archive_set.archive_set(folder, count=100, seed=7)
    return folder, [str(path) for path in files]


@pytest.fixture(scope="module")
def expected(archive_dir):
    _, files = archive_dir
    return {path: reference(path) for path in files}


def within(seconds, rows):
    """The rows of an iterator, failing (not hanging) if the cluster stops delivering them."""
    import threading

    got, failure = [], []

    def collect():
        try:
            got.extend(rows)
        except BaseException as error:  # re-raised in the test's thread
            failure.append(error)

    thread = threading.Thread(target=collect, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"no end after {seconds} s: {len(got)} rows so far"
    if failure:
        raise failure[0]
    return got


def assert_rows_match(rows, expected, inputs=None):
    names = [row["input"] for row in rows]
    assert sorted(names) == sorted(inputs if inputs is not None else expected)  # each input exactly once
    assert len(set(names)) == len(names)
    for row in rows:
        assert view(row) == expected[row["input"]], row["input"]


def test_the_archive_holds_every_kind_of_input(expected):
    statuses = [row["status"] for row in expected.values()]
    assert len(statuses) >= 100
    assert {"ok", "no_code", "invalid", "error"} == set(statuses)
    assert sum(len(row["codes"]) == 2 for row in expected.values()) >= 2  # two cards on one photo


# --- the local pool -------------------------------------------------------------------------


def test_local_pool_rows_match_scan_image_by_image_in_input_order(archive_dir, expected):
    folder, files = archive_dir
    rows = list(vssid_id.scan_many(folder, jobs=2))
    assert [row["input"] for row in rows] == files  # the directory in path order (notes.txt left out)
    assert_rows_match(rows, expected)
    assert all(row["elapsed_ms"] > 0 for row in rows)
    broken = [row for row in rows if "/broken/" in row["input"]]
    assert {row["error_type"] for row in broken} == {"ImageError"} and all(row["error_message"] for row in broken)


def test_unmasked_rows_hold_the_card_as_it_is(archive_dir):
    _, files = archive_dir
    cards = [path for path in files if "card-000" in path][:3]
    rows = list(vssid_id.scan_many(cards, jobs=1, mask=False))
    assert [view(row) for row in rows] == [reference(path, mask=False) for path in cards]
    assert all(row["masked"] is False for row in rows)


def test_the_row_schema_has_every_record_field():
    import random

    from vssid_id.cards.synthetic import synthetic_bhyt_record, synthetic_cccd_record

    for record in (synthetic_cccd_record(random.Random(1)), synthetic_bhyt_record(random.Random(2))):
        assert set(record.model_dump(mode="json")) - {"kind"} <= set(archive.RECORD_FIELDS)
        assert set(mask_record(record)) - {"kind"} <= set(archive.RECORD_FIELDS)
    assert parquet.row_schema().names == list(archive.ROW_FIELDS)
    code = parquet.row_schema().field("codes").type.value_type
    assert [code.field(i).name for i in range(code.num_fields)] == list(archive.CODE_FIELDS)


@pytest.mark.parametrize("entry", [
    {"codes": []},
    {"codes": [{"record": {"kind": "cccd"}}]},
    {"codes": [{"record": {"kind": "cccd"}}, {"error": {"type": "UnknownPayloadKind", "field": None}}]},
    {"input_error": {"type": "ImageError", "field": None, "message": "is empty (0 bytes)"}, "codes": []},
    {"internal_error": {"type": "WorkerCrash", "field": None, "message": "…"}, "codes": []},
])
def test_a_rows_exit_code_is_the_one_vssid_scan_gives_its_input(entry):
    status, exit_code = archive.entry_status(entry)
    assert exit_code == cli._status(entry)
    assert status == {0: "ok", 1: "no_code", 2: "invalid", 66: "error", 70: "error"}[exit_code]


def scan_or_die(item, options):
    """A worker function that exits its process on inputs named *crash*, as a process killed for its memory."""
    if "crash" in item.name:
        os._exit(1)
    return archive.scan_timed(item, options)


def test_a_worker_that_dies_in_the_local_pool_gives_one_crash_row(archive_dir, tmp_path):
    import shutil

    _, files = archive_dir
    files = [path for path in files if "card-" in path]
    crash = tmp_path / "crash.jpg"
    shutil.copy(files[0], crash)
    inputs = [files[0], str(crash), files[1], files[2]]
    rows = list(vssid_id.scan_many(inputs, jobs=2, worker=scan_or_die))
    assert [row["input"] for row in rows] == inputs
    assert rows[1]["status"] == "error" and rows[1]["error_type"] == "WorkerCrash" and rows[1]["exit_code"] == 70
    assert [row["status"] for row in rows[:1] + rows[2:]] == ["ok"] * 3


# --- a Dask LocalCluster ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    pytest.importorskip("distributed", reason="the cluster tests need dask[distributed] (vssid_id[dask])")
    import dask
    from distributed import Client, LocalCluster

    # A task is given up (KilledWorker) at the first worker it kills: a poison input costs two worker restarts,
    # not eight, and scan_many's own rerun of a lost batch is what the kill test exercises.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address="127.0.0.1:0") as local, \
            Client(local, set_as_default=False) as client:
        yield client


def test_dask_rows_match_scan_image_by_image(cluster, archive_dir, expected):
    folder, _ = archive_dir
    rows = within(300, vssid_id.scan_many(folder, client=cluster, batch_size=8))
    assert_rows_match(rows, expected)


def test_a_worker_killed_mid_run_loses_no_input_and_repeats_none(cluster, archive_dir, expected):
    folder, _ = archive_dir
    killed = []

    def kill_a_worker_after_the_first_row(rows):
        for row in rows:
            yield row
            if not killed:
                pid = sorted(cluster.run(os.getpid).values())[0]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    rows = within(300, kill_a_worker_after_the_first_row(vssid_id.scan_many(folder, client=cluster, batch_size=4)))
    assert killed
    assert_rows_match(rows, expected)


def test_an_input_that_kills_every_worker_gets_one_crash_row(cluster, archive_dir, tmp_path, expected):
    import shutil

    _, files = archive_dir
    cards = [path for path in files if "card-" in path][:5]
    crash = tmp_path / "crash.jpg"
    shutil.copy(cards[0], crash)
    inputs = [cards[0], cards[1], str(crash), cards[2], cards[3], cards[4]]
    rows = within(300, archive.scan_many(inputs, client=cluster, batch_size=3, worker=scan_or_die))
    by_name = {row["input"]: row for row in rows}
    assert sorted(by_name) == sorted(inputs) and len(rows) == len(inputs)
    assert by_name[str(crash)]["status"] == "error" and by_name[str(crash)]["error_type"] == "WorkerCrash"
    for path in cards:
        assert view(by_name[path]) == expected[path]


def test_cli_out_on_the_cluster_matches_scan(cluster, archive_dir, expected, tmp_path, capsys, monkeypatch):
    folder, files = archive_dir
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    out = tmp_path / "x.parquet"
    address = cluster.scheduler.address
    status = cli.main([str(folder), "--out", str(out), "--scheduler", address])
    captured = capsys.readouterr()
    assert status == cli.EXIT_NO_INPUT  # the broken files (66) outrank no code (1) and not a card (2)
    # the worker count may be under 2 while the nannies restart the workers the tests before killed
    assert re.search(rf"Dask scheduler {re.escape(address)}: \d workers; .*http://127\.0\.0\.1:\d+/status",
                     captured.err)
    assert f"{len(files)} rows written" in captured.out
    assert_rows_match(parquet.read_rows(out), expected)


def test_dask_scheduler_address_from_the_environment(cluster, archive_dir, expected, tmp_path, capsys, monkeypatch):
    _, files = archive_dir
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", cluster.scheduler.address)
    out = tmp_path / "env.parquet"
    assert cli.main([*files[:3], "--out", str(out)]) == cli.EXIT_OK
    assert "Dask scheduler" in capsys.readouterr().err
    assert_rows_match(parquet.read_rows(out), expected, inputs=files[:3])


def test_an_unreachable_scheduler_is_one_line_and_exit_69(tmp_path, capsys, archive_dir, monkeypatch):
    pytest.importorskip("distributed")
    import functools

    _, files = archive_dir
    monkeypatch.setattr(archive, "connect", functools.partial(archive.connect, timeout=1.0))
    status = cli.main([files[0], "--out", str(tmp_path / "x.parquet"), "--scheduler", "tcp://127.0.0.1:9"])
    assert status == cli.EXIT_UNAVAILABLE
    assert "cannot be reached" in capsys.readouterr().err


# --- Parquet out, --resume ---------------------------------------------------------------------


def test_cli_out_on_the_local_pool_matches_scan(archive_dir, expected, tmp_path, capsys, monkeypatch):
    folder, files = archive_dir
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    out = tmp_path / "results.parquet"
    assert cli.main([str(folder), "--out", str(out), "--jobs", "2"]) == cli.EXIT_NO_INPUT
    rows = parquet.read_rows(out)
    assert [row["input"] for row in rows] == files
    assert_rows_match(rows, expected)
    assert out.is_file() and not parquet.parts_folder(out).exists()
    assert pq.ParquetFile(out).metadata.num_rows == len(files)
    assert capsys.readouterr().out.strip().endswith("rows written (error 4, invalid 3, no_code 2, ok 91)")


def test_out_refuses_a_folder_with_results_unless_resumed(archive_dir, tmp_path, capsys):
    _, files = archive_dir
    out = tmp_path / "x.parquet"
    assert cli.main([files[0], "--out", str(out), "--jobs", "1"]) == cli.EXIT_OK
    assert cli.main([files[0], "--out", str(out), "--jobs", "1"]) == cli.EXIT_CANT_CREATE
    assert "already holds results: add --resume" in capsys.readouterr().err
    assert len(parquet.read_rows(out)) == 1


@pytest.mark.parametrize("argv", [["--resume"], ["--scheduler", "tcp://127.0.0.1:1"], ["--out", "x", "--form"],
                                  ["--out", "x", "--payload", "abc"], ["--out", "x", "--debug-dir", "d"]])
def test_archive_options_that_do_not_fit_are_usage_errors(argv, capsys):
    assert cli.main(["a.jpg", *argv]) == cli.EXIT_USAGE
    assert "error:" in capsys.readouterr().err


CRASH_AFTER = """
import os, sys
sys.path.insert(0, {src!r})
from vssid_id.scanning import parquet
seen = 0
def on_row(row):
    global seen
    seen += 1
    if seen == {after}:
        os._exit(9)  # killed: no clean-up, no flush
parquet.scan_to_parquet({inputs!r}, {out!r}, on_row=on_row, rows_per_part=5, jobs=1)
"""


def test_a_crash_loses_at_most_one_part_and_resume_adds_the_rest(archive_dir, expected, tmp_path, capsys):
    _, files = archive_dir
    inputs = files[:23]
    out = tmp_path / "crashed.parquet"
    script = CRASH_AFTER.format(src=str(ROOT / "src"), inputs=inputs, out=str(out), after=13)
    assert subprocess.run([sys.executable, "-c", script], timeout=300).returncode == 9
    assert not out.exists()  # killed: the parts stay, the final file is not made
    kept = parquet.read_rows(out)
    assert [row["input"] for row in kept] == inputs[:10]  # two whole parts of 5; the 3 rows after are lost
    parts = parquet.parts_folder(out)
    (parts / ".part-000003.parquet.tmp").write_bytes(b"half a part")  # as a crash mid-write leaves it

    assert cli.main([*inputs, "--out", str(out), "--resume", "--jobs", "2"]) == cli.EXIT_OK
    assert capsys.readouterr().out.strip().endswith("13 rows written (ok 13); 10 already there")
    assert out.is_file() and not parts.exists()  # one file in the end
    rows = pq.read_table(out).to_pylist()
    assert_rows_match(rows, expected, inputs=inputs)
    assert [row["input"] for row in rows[:10]] == inputs[:10]
    assert cli.main([*inputs, "--out", str(out), "--resume"]) == cli.EXIT_OK
    assert capsys.readouterr().out.strip().endswith("0 rows written (none); 23 already there")


def test_written_inputs_is_a_set_of_the_names_in_the_file_and_the_parts(tmp_path):
    writer = parquet.PartWriter(parquet.parts_folder(tmp_path / "o"), rows_per_part=2)
    names = ["a.jpg", "b.jpg", "s3://bucket/c.jpg", "đ.jpg", "x\udcff.jpg"]
    for name in names:
        writer.write(archive.entry_row(name, {"codes": []}, masked=True))
    writer.close()
    assert writer.parts_written == 3
    done = parquet.written_inputs(tmp_path / "o")
    assert len(done) == 5 and all(name in done for name in names)
    assert "c.jpg" not in done and "" not in done and None not in done
    parquet.finish(tmp_path / "o")
    assert (tmp_path / "o").is_file() and not parquet.parts_folder(tmp_path / "o").exists()
    assert pq.ParquetFile(tmp_path / "o").num_row_groups == 3
    done = parquet.written_inputs(tmp_path / "o")
    assert len(done) == 5 and all(name in done for name in names)
    assert len(parquet.written_inputs(tmp_path / "nothing")) == 0


# --- inputs: globs, URLs ---------------------------------------------------------------------


def test_a_glob_stands_for_its_matches_sorted(archive_dir, expected):
    folder, files = archive_dir
    pattern = str(folder / "box-*" / "card-001*.jpg")
    rows = list(vssid_id.scan_many(pattern, jobs=1))
    wanted = sorted(path for path in files if "/card-001" in path and path.endswith(".jpg"))
    assert [row["input"] for row in rows] == wanted and wanted
    assert_rows_match(rows, expected, inputs=wanted)
    [nothing] = list(vssid_id.scan_many(str(folder / "*.nope"), jobs=1))
    assert nothing["status"] == "error" and nothing["error_message"] == "no file matches this pattern"


def test_urls_are_read_through_fsspec_with_the_byte_cap(archive_dir, expected):
    fsspec = pytest.importorskip("fsspec")
    _, files = archive_dir
    memory = fsspec.filesystem("memory")
    chosen = [files[0], files[1], next(path for path in files if path.endswith("empty.png"))]
    for index, path in enumerate(chosen):
        memory.pipe(f"/archive-test/in/{index}-{Path(path).name}", Path(path).read_bytes())
    memory.pipe("/archive-test/in/notes.txt", b"left out: not an image by its suffix")
    try:
        rows = list(vssid_id.scan_many(["memory://archive-test/in/", "memory://archive-test/missing.jpg"], jobs=1))
        names = [row["input"] for row in rows]
        assert names == [f"memory://archive-test/in/{i}-{Path(p).name}" for i, p in enumerate(chosen)] + \
            ["memory://archive-test/missing.jpg"]
        for row, path in zip(rows, chosen, strict=False):
            assert view(row)["codes"] == expected[path]["codes"]
            assert row["status"] == expected[path]["status"]
        assert rows[-1]["status"] == "error" and rows[-1]["error_message"] == "no such file"
        size = len(Path(chosen[0]).read_bytes())
        [capped] = list(vssid_id.scan_many("memory://archive-test/in/0-" + Path(chosen[0]).name, jobs=1,
                                           max_bytes=size - 1))
        assert capped["error_type"] == "ImageTooLarge" and capped["exit_code"] == 66
        assert capped["error_message"] == f"is over the limit of {size - 1:,} bytes"
    finally:
        memory.rm("/archive-test", recursive=True)


def test_a_file_url_is_a_local_path_and_an_unknown_scheme_an_input_error(archive_dir, expected):
    _, files = archive_dir
    [local] = list(vssid_id.scan_many("file://" + files[0], jobs=1))
    assert local["input"] == files[0] and view(local) == expected[files[0]]
    [unknown] = list(vssid_id.scan_many("nosuchscheme://bucket/a.jpg", jobs=1))
    assert unknown["status"] == "error" and unknown["exit_code"] == 66
    assert unknown["error_message"].startswith("nosuchscheme:// cannot be read here")


# --- nothing heavy unless asked, and no network -------------------------------------------------


def test_out_without_scheduler_imports_nothing_of_dask(archive_dir, tmp_path):
    _, files = archive_dir
    code = textwrap.dedent(f"""
        import sys
        from vssid_id.cli import scan as cli
        status = cli.main({files[:2]!r} + ["--out", {str(tmp_path / "o.parquet")!r}, "--jobs", "2"])
        print(status, ",".join(sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed"))))
    """)
    env = {key: value for key, value in os.environ.items() if key != "DASK_SCHEDULER_ADDRESS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert out.stdout.split("\n")[-2] == "0 ", out.stderr


def test_help_and_import_load_no_archive_library():
    code = (
        "import sys, contextlib, io\n"
        "import vssid_id\n"
        "from vssid_id.cli import scan as cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    cli.main(['--help'])\n"
        "vssid_id.scan_many\n"
        "print(','.join(m for m in ('dask', 'distributed', 'pyarrow', 'fsspec') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == ""


LOOPBACK_ONLY = """
import sys
sys.path.insert(0, {src!r})
from distributed import Client, LocalCluster
import vssid_id

if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
        rows = list(vssid_id.scan_many({inputs!r}, client=client, batch_size=2))
    print(sorted(row["input"] for row in rows) == sorted({inputs!r}), sorted({{row["status"] for row in rows}}))
"""


def test_the_cluster_runs_with_the_network_limited_to_loopback(archive_dir, tmp_path):
    """In a network namespace whose only interface is loopback (``unshare -rn``): any other connection fails."""
    pytest.importorskip("distributed")
    _, files = archive_dir
    probe = subprocess.run(["unshare", "-rn", "sh", "-c", "ip link set lo up && ip -o link"],
                           capture_output=True, text=True) if _has("unshare") and _has("ip") else None
    if probe is None or probe.returncode != 0:
        pytest.skip("unshare -rn (a user and network namespace) or ip is not available here")
    assert "eth" not in probe.stdout  # only loopback inside
    inputs = [*[path for path in files if "card-" in path][:6], next(p for p in files if "empty" in p)]
    script = tmp_path / "loopback_only.py"
    script.write_text(LOOPBACK_ONLY.format(src=str(ROOT / "src"), inputs=inputs))
    result = subprocess.run(["unshare", "-rn", "sh", "-c", f'ip link set lo up && exec "{sys.executable}" "{script}"'],
                            capture_output=True, text=True, timeout=300)
    assert result.stdout.strip() == "True ['error', 'ok']", result.stderr[-2000:]


def _has(program: str) -> bool:
    import shutil

    return shutil.which(program) is not None


# --- fuzzing --------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=30), max_size=4))
def test_fuzz_any_input_names_give_one_item_or_error_each_and_never_raise(tmp_path, names):
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        items = list(batch.expand_inputs([name for name in names if name != "-"], lambda: b""))
    finally:
        os.chdir(here)
    for item in items:
        assert item.entry is not None or item.path is not None or item.url is not None
    if all(name and not os.path.lexists(tmp_path / name) for name in names if name != "-"):
        assert all(item.entry is not None for item in items)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.binary(max_size=300), min_size=1, max_size=3))
def test_fuzz_any_bytes_give_one_row_each_in_the_schema(tmp_path, blobs):
    paths = []
    for index, blob in enumerate(blobs):
        path = tmp_path / f"fuzz-{index}.jpg"
        path.write_bytes(blob)
        paths.append(str(path))
    rows = list(vssid_id.scan_many(paths, jobs=1))
    assert [row["input"] for row in rows] == paths
    assert all(row["status"] in archive.STATUSES for row in rows)
    pa.Table.from_pylist(rows, schema=parquet.row_schema())  # every row fits the schema


def test_stdin_bytes_as_an_input(archive_dir, expected, monkeypatch):
    _, files = archive_dir
    data = Path(files[0]).read_bytes()
    [row] = list(vssid_id.scan_many("-", jobs=1, read_stdin=lambda: data))
    assert row["input"] == "<stdin>" and view(row)["codes"] == expected[files[0]]["codes"]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    [row] = list(vssid_id.scan_many("-", jobs=1, max_bytes=10))
    assert row["error_type"] == "ImageTooLarge"


def test_vssid_scan_reads_urls_without_out_too(archive_dir, expected, capsys):
    fsspec = pytest.importorskip("fsspec")
    _, files = archive_dir
    memory = fsspec.filesystem("memory")
    memory.pipe("/cli-url-test/a.jpg", Path(files[0]).read_bytes())
    try:
        status = cli.main(["memory://cli-url-test/", "file://" + files[1], "--json", "--jobs", "1"])
    finally:
        memory.rm("/cli-url-test", recursive=True)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == cli.EXIT_OK
    assert [line["input"] for line in lines] == ["memory://cli-url-test/a.jpg", files[1]]
    assert all(line["codes"][0]["record"]["kind"] == expected[path]["codes"][0]["kind"]
               for line, path in zip(lines, files[:2], strict=True))


def test_out_shows_a_count_and_rate_on_a_terminal(archive_dir, tmp_path, capsys, monkeypatch):
    _, files = archive_dir
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert cli.main([*files[:5], "--out", str(tmp_path / "p.parquet"), "--jobs", "1"]) == cli.EXIT_OK
    err = capsys.readouterr().err
    assert "\r5 done, " in err and err.endswith("/s\n")


def test_a_lost_cluster_ends_the_run_without_rows_for_the_inputs_left(cluster, archive_dir):
    """The client gone mid-run: an exception, not error rows that --resume would then skip."""
    from distributed import Client

    folder, files = archive_dir
    client = Client(cluster.scheduler.address, set_as_default=False)
    rows = []

    def close_after_the_first_row(rows_in):
        for row in rows_in:
            yield row
            if client.status == "running":
                client.close()

    with pytest.raises(Exception) as raised:
        within(120, (rows.append(row) for row in close_after_the_first_row(
            vssid_id.scan_many(folder, client=client, batch_size=4))))
    assert not isinstance(raised.value, AssertionError), raised.value  # not the time-out: the run ended (the
    # closed client's own error, e.g. RuntimeError("IOLoop is closed") or CancelledError)
    assert 1 <= len(rows) < len(files)
    assert all(row["error_type"] != "WorkerCrash" for row in rows)
