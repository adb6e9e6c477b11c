"""prefill(): registrations per second, with and without the 2025 address conversion.

Run by hand:

    python bench/bench_prefill.py [--count 2000] [--repeat 5]

Synthetic card pairs (``vssid_id.cards.synthetic``) are parsed once; then, side by side in
one run, the best of ``repeat`` rounds over ``count`` pairs is reported for
``identity_card_expiry`` alone, ``prefill(..., convert_addresses=False)`` and
``prefill`` with the conversion (its dataset loaded before timing: the first
conversion's cost is measured by bench/bench_address.py).
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from datetime import date

from vssid_id.cards.expiry import identity_card_expiry
from vssid_id.cards.parsing import parse
from vssid_id.cards.synthetic import synthetic_bhyt_record, synthetic_cccd_record
from vssid_id.registration import prefill

TODAY = date(2026, 11, 25)


def best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--count", type=int, default=2000)
    options.add_argument("--repeat", type=int, default=5)
    args = options.parse_args()
    rng = random.Random(11)
    pairs = [(parse(synthetic_cccd_record(rng).to_payload(), today=TODAY),
              parse(synthetic_bhyt_record(rng).to_payload(), today=TODAY)) for _ in range(args.count)]
    prefill(*pairs[0], today=TODAY)  # load the address dataset before timing

    rows = {
        "identity_card_expiry": lambda: [identity_card_expiry(c.date_of_birth, c.issue_date) for c, _ in pairs],
        "prefill, no address conversion": lambda: [prefill(c, b, today=TODAY, convert_addresses=False)
                                                   for c, b in pairs],
        "prefill, with address conversion": lambda: [prefill(c, b, today=TODAY) for c, b in pairs],
    }
    print(f"Python {platform.python_version()} on {platform.machine()}, {args.count} pairs, best of {args.repeat}")
    print("| step | µs per pair | pairs/s |\n|---|---:|---:|")
    for name, function in rows.items():
        seconds = best(function, args.repeat) / args.count
        print(f"| {name} | {seconds * 1e6:.1f} | {1 / seconds:,.0f} |")


if __name__ == "__main__":
    sys.exit(main())
