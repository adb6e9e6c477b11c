"""Address conversion to the 2025 units: the first call, then addresses per second.

Run by hand (results go into docs/benchmarks.md):

    python bench/bench_address.py [--cold 3] [--count 2000] [--repeat 5]

Cold: each measurement runs in a fresh Python process (``--cold`` of them, the
median is reported), so the dataset's loading is counted:

* ``import vssid_id`` + one ``parse()`` — must not load the dataset;
* vssid_id's first ``convert_address()`` (loads and indexes the dataset);
* for comparison, vietnam-address-converter's own import and first call
  (``create_converter().auto_convert_address``), which builds its text index.

Peak memory is the process's maximum resident set size (``ru_maxrss``) after
the step, and its growth over the step.

Warm: ``count`` addresses built from the dataset's old wards (converted and
ambiguous ones, printed the way cards print them: mixed case, capitals,
abbreviations) plus 2025 addresses and synthetic ones without a ward, converted
in a loop; the best of ``repeat`` rounds is reported, vssid_id and the
package's own converter side by side on the same addresses.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import subprocess
import sys
import time

_COLD = {
    "import vssid_id + parse()": """
import resource, sys, time
start = time.perf_counter()
import vssid_id
vssid_id.parse("001090123456||Nguyễn Văn An|05031990|Nam|Tổ 5, Phường Sông Cầu, Bắc Kạn|15082021")
seconds = time.perf_counter() - start
before = 0
loaded = "vietnam_address_converter" in sys.modules
""",
    "vssid_id: first convert_address()": """
import resource, sys, time
from vssid_id.registration.addresses import convert_address
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
convert_address("Tổ 5, Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn")
seconds = time.perf_counter() - start
loaded = "vietnam_address_converter" in sys.modules
""",
    "vietnam-address-converter: import + first call": """
import resource, sys, time
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
import vietnam_address_converter
vietnam_address_converter.create_converter().auto_convert_address(
    "Tổ 5, Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn")
seconds = time.perf_counter() - start
loaded = True
""",
}

_REPORT = """
import json
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kb": peak, "growth_kb": peak - before if before else 0,
                  "loaded": loaded}))
"""


def _cold(code: str, runs: int) -> dict[str, float]:
    results = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", code + _REPORT], capture_output=True,
                              text=True, check=True)
        results.append(json.loads(done.stdout))
    return {key: statistics.median(float(r[key]) for r in results) for key in results[0]}


def _addresses(count: int) -> list[str]:
    from vietnam_address_converter.data import DEFAULT_DATA

    from vssid_id.cards.synthetic import synthetic_address
    from vssid_id.cards.tables import PROVINCES

    rng = random.Random(2026)
    old = sorted({(r["old"]["ward_name"], r["old"]["district_name"], r["old"]["province_name"])
                  for r in DEFAULT_DATA["mapping"]["rows"] if r["old"]["ward_name"]})
    new = sorted({(w["name_with_type"], DEFAULT_DATA["newProvinces"][w["parent_code"]]["name_with_type"])
                  for w in DEFAULT_DATA["newWards"].values()})
    out = []
    for i in range(count):
        kind = i % 10
        street = f"Số {rng.randint(1, 300)}, Tổ {rng.randint(1, 30)}"
        if kind < 6:
            ward, district, province = rng.choice(old)
            text = f"{street}, {ward}, {district}, {province}"
            out.append(text.upper() if kind == 5 else text)
        elif kind < 8:
            ward, province = rng.choice(new)
            out.append(f"{street}, {ward}, {province}")
        else:
            out.append(synthetic_address(rng, rng.choice(list(PROVINCES.values()))))
    return out


def _rate(convert, addresses: list[str], repeat: int) -> tuple[float, float]:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for text in addresses:
            convert(text)
        best = min(best, time.perf_counter() - start)
    return len(addresses) / best, best / len(addresses) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", type=int, default=3)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from importlib.metadata import version

    print(f"python {platform.python_version()}, {platform.machine()}, "
          f"vietnam-address-converter {version('vietnam-address-converter')}\n")
    print(f"Cold process, median of {args.cold}:\n")
    print("| step | seconds | peak RSS MB | RSS growth MB | dataset loaded |")
    print("|---|---:|---:|---:|---|")
    for name, code in _COLD.items():
        r = _cold(code, args.cold)
        growth = f"{r['growth_kb'] / 1024:.0f}" if r["growth_kb"] else "—"
        print(f"| {name} | {r['seconds']:.3f} | {r['peak_kb'] / 1024:.0f} | {growth} | "
              f"{'yes' if r['loaded'] else 'no'} |")

    from vietnam_address_converter import create_converter

    from vssid_id.registration.addresses import convert_address

    addresses = _addresses(args.count)
    convert_address(addresses[0])
    theirs = create_converter()
    print(f"\nWarm, {len(addresses)} addresses x best of {args.repeat}:\n")
    print("| converter | addresses/s | µs each |")
    print("|---|---:|---:|")
    for name, convert in (("vssid_id convert_address", convert_address),
                          ("vietnam-address-converter auto_convert_address", theirs.auto_convert_address)):
        rate, micros = _rate(convert, addresses, args.repeat)
        print(f"| {name} | {rate:,.0f} | {micros:.1f} |")
    statuses: dict[str, int] = {}
    for text in addresses:
        status = convert_address(text).status
        statuses[status] = statuses.get(status, 0) + 1
    print(f"\nstatuses of the warm set: {dict(sorted(statuses.items()))}")


if __name__ == "__main__":
    main()
