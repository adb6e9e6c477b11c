"""Peak memory of ``load_image`` on the worst inputs it accepts (just under the limits).

Run by hand (numbers go into the docstring of src/vssid_id/images/loading.py):

    python bench/bench_load_memory.py [--src DIR ...] [--side 7000]

Each case runs in a fresh subprocess: the input is made and written to disk
first, then a child process imports vssid_id, reads the file's bytes (or
builds the array), notes its peak RSS (``VmHWM``, else ``resource.getrusage``), calls
``load_image`` and reports how much the peak grew. ``--src`` runs the same
cases against other source trees (for example a checkout of the previous
release's ``src/``), side by side in one run.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures"))
from huge_png import huge_png

_CHILD = r"""
import json, resource, sys, numpy as np
from vssid_id.images.loading import load_image

def peak_kb():
    # VmHWM is this process's own peak; ru_maxrss also counts the parent's peak
    # at fork time on Linux, which would hide the figure we want.
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kind, arg = sys.argv[1], sys.argv[2]
if kind == "file":
    source = open(arg, "rb").read()
else:
    side = int(arg.split(":")[1])
    source = {
        "float32-rgb": lambda: np.random.default_rng(1).random((side, side, 3), dtype=np.float32),
        "uint16-gray": lambda: np.full((side, side), 200, np.uint16),
        "uint8-bgra": lambda: np.full((side, side, 4), 128, np.uint8),
    }[arg.split(":")[0]]()
before = peak_kb()
try:
    out = load_image(source)
    result = f"{out.shape} {out.dtype}"
except Exception as error:
    result = f"{type(error).__name__}: {error}"[:70]
after = peak_kb()
print(json.dumps({"peak_mb": (after - before) / 1024, "result": result}))
"""


def _files(side: int, folder: Path) -> dict[str, Path]:
    import numpy as np
    from PIL import Image

    cases: dict[str, bytes] = {"png 1x49,999,999 1-bit": huge_png(1, 49_999_999)}
    gradient = np.tile(np.arange(side, dtype=np.uint16) % 256, (side, 1)).astype(np.uint8)
    rgb = np.dstack([gradient, gradient[::-1], gradient.T])
    for name, image, fmt in [
        (f"png {side}x{side} RGB", Image.fromarray(rgb), "PNG"),
        (f"png {side}x{side} RGBA", Image.fromarray(np.dstack([rgb, gradient])), "PNG"),
        (f"png {side}x{side} 16-bit gray", Image.fromarray(gradient.astype(np.uint16) * 257), "PNG"),
        (f"jpeg {side}x{side} RGB", Image.fromarray(rgb), "JPEG"),
    ]:
        buffer = io.BytesIO()
        image.save(buffer, fmt)
        cases[name] = buffer.getvalue()
    paths = {}
    for index, (name, data) in enumerate(cases.items()):
        path = folder / f"case{index}"
        path.write_bytes(data)
        paths[name] = path
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", action="append", default=[], help="another source tree to compare")
    parser.add_argument("--side", type=int, default=7000, help="side of the square test images")
    args = parser.parse_args()
    trees = [("installed", None)] + [(src, src) for src in args.src]
    with tempfile.TemporaryDirectory() as folder:
        cases = [(name, "file", str(path)) for name, path in _files(args.side, Path(folder)).items()]
        cases += [(f"array {args.side}x{args.side} {kind}", "array", f"{kind}:{args.side}")
                  for kind in ("float32-rgb", "uint16-gray", "uint8-bgra")]
        print(f"| input | {' | '.join(label for label, _ in trees)} |")
        print("|---|" + "---:|" * len(trees))
        for name, kind, arg in cases:
            cells = []
            for _, src in trees:
                env = dict(os.environ)
                if src:
                    env["PYTHONPATH"] = src
                done = subprocess.run([sys.executable, "-c", _CHILD, kind, arg], env=env,
                                      capture_output=True, text=True, check=False)
                if done.returncode:
                    cells.append(f"crashed ({done.returncode})")
                    continue
                report = json.loads(done.stdout.strip().splitlines()[-1])
                cells.append(f"{report['peak_mb']:,.0f} MB ({report['result']})")
            print(f"| {name} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
