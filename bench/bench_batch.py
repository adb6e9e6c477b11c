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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))


def _run(folder: Path, jobs: int) -> tuple[float, float, int]:
    """One ``vssid-scan folder --json --jobs jobs``: seconds to the first result, seconds in all, result lines."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "vssid_id.cli", str(folder), "--json", "--jobs", str(jobs)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    first_line = process.stdout.readline()
    first = time.perf_counter() - start
    rest, errors = process.communicate()
    elapsed = time.perf_counter() - start
    if process.returncode not in (0, 1, 2):
        raise SystemExit(f"vssid-scan failed ({process.returncode}): {errors.decode(errors='replace')}")
    return first, elapsed, (first_line + rest).count(b"\n")


def _load() -> str:
    """The 1-minute load average: on a shared machine, what the other jobs took."""
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "n/a"


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
              f"best / median of {args.repeat} rounds, load average before: {_load()}\n")
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
        print(f"\nload average after: {_load()}")


if __name__ == "__main__":
    main()
