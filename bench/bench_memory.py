"""Peak memory and time of one decode() call on the largest images the loader lets through.

Run by hand; results go into docs/benchmarks.md:

    python bench/bench_memory.py

Each case runs in a fresh Python process: it imports vssid_id, warms the
backends on a small image, builds the input array, notes its RSS, then runs ``decode()`` once with the
default options but ``max_pixels`` raised (the loader refuses the thin cases
at its default limit, and this measures what the ladder does after loading;
the whole ladder runs: nothing in these images is a QR code that reads) and
reports the peak RSS above that point, i.e. what the ladder
itself costs on top of the caller's image.

Cases:

* ``photo48`` — a 48 MP phone photo (8000x6000 BGR) of textured noise with a
  card-sized patch of QR-like blocks: the finder-pattern and detector steps
  have something to look at;
* ``thin`` — a 1x49,999,999 grayscale image (the shape of the 67-byte PNG of
  issue 10 item 3, after loading);
* ``strip`` — 21x2,380,952 (50 MP): the thinnest image that can hold a
  QR code, so the whole ladder runs on it;
* ``photo12`` — a 12 MP photo (4000x3000), the common phone size, for scale.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = r"""
import json, sys, time
import numpy as np
import vssid_id
import vssid_id.errors
from vssid_id.images.loading import load_image

def status_mb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise SystemExit("needs Linux /proc/self/status")

vssid_id.decode(np.full((64, 64), 255, np.uint8))  # load the backends
case = sys.argv[1]
rng = np.random.default_rng(7)
if case == "thin":
    image = np.full((1, 49_999_999), 255, np.uint8)
    image[0, ::7] = 0
elif case == "strip":
    image = np.full((21, 2_380_952), 255, np.uint8)
    image[:, ::7] = 0
else:
    h, w = (6000, 8000) if case == "photo48" else (3000, 4000)
    image = rng.integers(90, 170, (h // 8, w // 8, 3), dtype=np.uint8).repeat(8, 0).repeat(8, 1)
    blocks = (rng.random((60, 60)) < 0.5).repeat(12, 0).repeat(12, 1)
    image[h // 3:h // 3 + 720, w // 3:w // 3 + 720][blocks] = 0
with open("/proc/self/clear_refs", "w") as f:  # reset the peak (VmHWM) to the current RSS
    f.write("5")
before = status_mb("VmRSS")
try:
    load_image(image)  # the default limits: is it let through at all?
    refused = ""
except vssid_id.errors.ImageTooLarge:  # the loader counts a short side as 64 pixels
    refused = "refused by the loader at the default limit; "
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
before = status_mb("VmRSS")
start = time.perf_counter()
found = vssid_id.decode(image, max_pixels=10**10)  # the ladder itself, whatever the loader allows
elapsed = time.perf_counter() - start
peak = status_mb("VmHWM")
print(json.dumps({"case": case, "refused": refused, "pixels": int(image.shape[0] * image.shape[1]),
                  "image_mb": image.nbytes / 2**20,
                  "rss_before_mb": before, "peak_mb": peak, "ladder_peak_mb": peak - before,
                  "seconds": elapsed, "found": len(found)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", default=["photo12", "photo48", "thin", "strip"])
    args = parser.parse_args()
    print("| case | pixels | input MB | peak RSS above the input, MB | decode() s |")
    print("|---|---:|---:|---:|---:|")
    for case in args.cases:
        out = subprocess.run([sys.executable, "-c", CHILD, case], capture_output=True, text=True, check=True)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {case} | {row['pixels']:,} | {row['image_mb']:.0f} | {row['refused']}{row['ladder_peak_mb']:.0f} "
              f"| {row['seconds']:.2f} |")


if __name__ == "__main__":
    main()
