"""Batch speed of ``vssid-scan DIR --jobs N``: images per second, 1 job against 2 (or more).

Run by hand; the numbers go into docs/benchmarks.md ("Batch"):

    python bench/bench_batch.py [--count 10] [--seed 31] [--jobs 1 2] [--repeat 3]

Two sets: the committed fixture photos (``fixtures/images/``, 10 images) and
``count`` images per condition bucket generated with ``fixtures/generate.py``
into a temporary folder (100 images by default). Each run is the whole
command, as a user types it (``vssid-scan DIR --json --jobs N`` in a fresh
process, output to a pipe): process start, imports, the worker pool's start
and every image read, decoded and parsed. The job counts are run in turn,
round after round, so that they share the machine's load; the best round of
each is reported (the least disturbed by other work on a shared box), with
the median beside it, and the median time to the first result line (process
start, imports and, with 2 jobs, the worker pool's start).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))
sys.path.insert(0, str(ROOT / "bench"))


def _run(folder: Path, jobs: int) -> tuple[float, float, int]:
    """One ``vssid-scan folder --json --jobs jobs``: seconds to the first result, seconds in all, result lines."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "vssid_id.cli", str(folder), "--json", "--jobs", str(jobs)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first_line = process.stdout.readline()
    first = time.perf_counter() - start
    rest = process.stdout.read()  # not communicate(): it would skip what readline() buffered
    errors = process.stderr.read()
    process.wait()
    elapsed = time.perf_counter() - start
    if process.returncode not in (0, 1, 2):
        raise SystemExit(f"vssid-scan failed ({process.returncode}): {errors.decode(errors='replace')}")
    return first, elapsed, (first_line + rest).count(b"\n")


def _load() -> str:
    """The 1-minute load average: on a shared machine, what the other jobs took."""
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "n/a"


def timed_scan(item: Any, options: Any) -> dict[str, Any]:
    """A worker that scans one item and says how long it took and how much of a core it had."""
    from vssid_id.scanning.batch import scan_item

    wall, cpu = time.perf_counter(), time.process_time()
    scan_item(item, options)
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}


def timed_scan_opencv_threads(item: Any, options: Any) -> dict[str, Any]:
    """:func:`timed_scan` with OpenCV's default thread count (the worker set-up makes it 1)."""
    import cv2

    cv2.setNumThreads(-1)
    return timed_scan(item, options)


def _cpu_share(folder: Path, jobs: int, opencv_threads: bool = False) -> tuple[float, float]:
    """In this process, through ``run_batch``: images/s (the pool's start included), and the share of a core
    each worker had while scanning (CPU seconds / wall seconds: about 1.0 on an idle core)."""
    import bench_batch  # by module name, so that worker processes can import the worker

    from vssid_id.scanning.batch import ScanOptions, expand_inputs, run_batch

    worker = bench_batch.timed_scan_opencv_threads if opencv_threads else bench_batch.timed_scan
    items = expand_inputs([str(folder)], lambda: b"")
    start = time.perf_counter()
    timings = [entry for _, entry in run_batch(items, ScanOptions(), jobs=jobs, worker=worker)]
    elapsed = time.perf_counter() - start
    share = sum(t["cpu"] for t in timings) / sum(t["wall"] for t in timings)
    return len(items) / elapsed, share


def _burn(seconds: float) -> float:
    """Spin for ``seconds``; the share of a core this process had meanwhile."""
    wall, cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() - wall < seconds:
        pass
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def _machine_check(seconds: float = 2.0) -> str:
    """What the box gives right now: a CPU-bound loop's share of a core alone and in each of two processes
    (on an idle 2-core machine both are about 1.0; on a shared one, two processes may get no more than one)."""
    import multiprocessing

    alone = _burn(seconds)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pair = pool.map(_burn, [seconds, seconds])
    return f"a CPU-bound loop got {alone:.2f} of a core alone, {pair[0]:.2f} + {pair[1]:.2f} in two processes"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10, help="generated images per bucket (10 buckets)")
    parser.add_argument("--seed", type=int, default=31)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import generate

    with tempfile.TemporaryDirectory() as tmp:
        generated = Path(tmp) / "generated"
        generate.generate(generated, args.count, args.seed)
        sets = {"fixtures/images": ROOT / "fixtures" / "images", f"generated (seed {args.seed})": generated}
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(f"python {platform.python_version()}, {platform.machine()}, {cores} cores available, "
              f"best / median of {args.repeat} rounds, load average before: {_load()}")
        print(f"machine check before: {_machine_check()}\n")
        print("| set | images | jobs | images/s (best) | images/s (median) | wall s (best) | first result s (median) |")
        print("|---|---|---|---|---|---|---|")
        for label, folder in sets.items():
            images = sum(1 for path in folder.iterdir() if path.suffix.lower() in (".jpg", ".png"))
            times: dict[int, list[float]] = {jobs: [] for jobs in args.jobs}
            firsts: dict[int, list[float]] = {jobs: [] for jobs in args.jobs}
            _run(folder, 1)  # warm the file cache and the imports
            for _ in range(args.repeat):
                for jobs in args.jobs:
                    first, elapsed, lines = _run(folder, jobs)
                    assert lines == images, (lines, images)
                    times[jobs].append(elapsed)
                    firsts[jobs].append(first)
            for jobs in args.jobs:
                best, median = min(times[jobs]), statistics.median(times[jobs])
                print(f"| {label} | {images} | {jobs} | {images / best:.1f} | {images / median:.1f} | {best:.2f} "
                      f"| {statistics.median(firsts[jobs]):.2f} |")
        print(f"\nload average after: {_load()}\n")
        print("In-process through run_batch (the pool's start included), with each worker's share of a core;")
        print("'2, OpenCV threads' leaves OpenCV its own thread pool in each worker (the shipped set-up: 1):\n")
        print("| set | jobs | images/s (median) | share of a core per worker (median) |")
        print("|---|---|---|---|")
        for label, folder in sets.items():
            runs: dict[tuple[int, bool], list[tuple[float, float]]] = {}
            variants = [(jobs, False) for jobs in args.jobs] + [(jobs, True) for jobs in args.jobs if jobs > 1]
            for _ in range(args.repeat):
                for variant in variants:
                    runs.setdefault(variant, []).append(_cpu_share(folder, *variant))
            for (jobs, threads), results in runs.items():
                rate = statistics.median(r for r, _ in results)
                share = statistics.median(s for _, s in results)
                print(f"| {label} | {jobs}{', OpenCV threads' if threads else ''} | {rate:.1f} | {share:.2f} |")
        print(f"\nload average after: {_load()}; machine check after: {_machine_check()}")


if __name__ == "__main__":
    main()
