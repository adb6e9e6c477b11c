"""Payloads parsed per second on one core, for each card kind.

Run by hand (target: >= 50,000 payloads/s per kind; results go into
docs/benchmarks.md):

    python bench/bench_parse.py [--count 2000] [--repeat 5]

Each round parses ``count`` distinct synthetic payloads; the best of
``repeat`` rounds is reported (the least disturbed by other work on the box).
"""

from __future__ import annotations

import argparse
import platform
import random
import time

import vssid_id
from vssid_id.cards.synthetic import synthetic_bhyt_record, synthetic_cccd_record


def _rate(payloads: list[str | bytes], repeat: int) -> tuple[float, float]:
    parse = vssid_id.parse
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for payload in payloads:
            parse(payload)
        best = min(best, time.perf_counter() - start)
    return len(payloads) / best, best / len(payloads) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    rng = random.Random(2026)
    cases = {
        "CCCD (str)": [synthetic_cccd_record(rng).to_payload() for _ in range(args.count)],
        "BHYT (str)": [synthetic_bhyt_record(rng).to_payload() for _ in range(args.count)],
    }
    cases["CCCD (UTF-8 bytes)"] = [p.encode() for p in cases["CCCD (str)"]]
    cases["BHYT (UTF-8 bytes)"] = [p.encode() for p in cases["BHYT (str)"]]
    cases["CCCD (Latin-1 mojibake)"] = [p.encode().decode("latin-1") for p in cases["CCCD (str)"]]

    print(f"python {platform.python_version()}, {platform.machine()}, one core, "
          f"{args.count} payloads x best of {args.repeat}\n")
    print("| payload | parsed/s | µs each |")
    print("|---|---:|---:|")
    for name, payloads in cases.items():
        rate, micros = _rate(payloads, args.repeat)
        print(f"| {name} | {rate:,.0f} | {micros:.1f} |")


if __name__ == "__main__":
    main()
