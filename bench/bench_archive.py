"""Archive speed: images/s of ``scan_many`` on the local pool against a 2-worker Dask LocalCluster, same images.

Run by hand; the numbers go into docs/benchmarks.md ("Archives"):

    python bench/bench_archive.py [--count 200] [--seed 7] [--repeat 3]

The images are ``fixtures/archive_set.py``'s mix (cards, two-card photos, QR
codes that are not cards, images without a code, broken files), generated
into a temporary folder. In one Python process, round after round so that
every variant shares the machine's load alike:

* the local pool with 1 and 2 worker processes (``scan_many(folder, jobs=N)``,
  the pool's start included, as ``vssid-scan --out`` pays it);
* a ``LocalCluster`` of 2 worker processes with 1 thread each, started once
  (its start, and a first run on cold workers, are timed apart), with the
  default batch of 32 images per task and with 1 image per task (what
  batching saves).

Each variant's rows are checked to be one per input. The median per-image
cost (the rows' ``elapsed_ms``) is printed too, and the plan's arithmetic
uses it.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))
sys.path.insert(0, str(ROOT / "bench"))


def _timed(run: Any, count: int) -> tuple[float, list[dict[str, Any]]]:
    start = time.perf_counter()
    rows = list(run())
    elapsed = time.perf_counter() - start
    assert len(rows) == count and len({row["input"] for row in rows}) == count, (len(rows), count)
    return elapsed, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import archive_set
    from bench_batch import _load, _machine_check
    from distributed import Client, LocalCluster

    import vssid_id

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "archive"
        count = len(archive_set.archive_set(folder, args.count, args.seed))
        print(f"python {platform.python_version()}, {platform.machine()}, {count} images, "
              f"best / median of {args.repeat} rounds, load average before: {_load()}")
        print(f"machine check before: {_machine_check()}\n")

        start = time.perf_counter()
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
            started = time.perf_counter() - start
            cold, _ = _timed(lambda: vssid_id.scan_many(folder, client=client), count)
            _timed(lambda: vssid_id.scan_many(folder, jobs=1), count)  # the file cache and this process's imports
            variants = {
                "local pool, 1 process (jobs=1)": lambda: vssid_id.scan_many(folder, jobs=1),
                "local pool, 2 processes (jobs=2)": lambda: vssid_id.scan_many(folder, jobs=2),
                "LocalCluster, 2 workers, 32 images a task": lambda: vssid_id.scan_many(folder, client=client),
                "LocalCluster, 2 workers, 1 image a task": lambda: vssid_id.scan_many(folder, client=client,
                                                                                    batch_size=1),
            }
            times: dict[str, list[float]] = {name: [] for name in variants}
            costs: list[float] = []
            for _ in range(args.repeat):
                for name, run in variants.items():
                    elapsed, rows = _timed(run, count)
                    times[name].append(elapsed)
                    costs.extend(row["elapsed_ms"] for row in rows if row["elapsed_ms"] is not None)
        base = count / statistics.median(times["local pool, 2 processes (jobs=2)"])
        print("| variant | images/s (best) | images/s (median) | median vs. local pool, 2 processes |")
        print("|---|---|---|---|")
        for name, values in times.items():
            best, median = count / min(values), count / statistics.median(values)
            print(f"| {name} | {best:.1f} | {median:.1f} | {median / base:.2f} |")
        print(f"\nLocalCluster start: {started:.2f} s; first run on cold workers: {count / cold:.1f} images/s")
        print(f"per-image cost in a worker (rows' elapsed_ms): median {statistics.median(costs):.1f} ms, "
              f"p95 {statistics.quantiles(costs, n=20)[-1]:.1f} ms")
        print(f"\nload average after: {_load()}; machine check after: {_machine_check()}")


if __name__ == "__main__":
    main()
