"""The decoder before and after a change, side by side in one run.

Run by hand; results go into docs/benchmarks.md:

    python bench/bench_decode_ab.py --before main [--count 20] [--seed 31] [--repeat 3] [--realqr]

``--before REV`` loads ``src/vssid_id/images/decoder.py`` as it is at that git
revision (``git show``) as a second module beside the working tree's, so both
run in one process on the same loaded arrays, image after image, in
alternating order. On a shared machine the two columns of one run can be
compared where two runs cannot.

Sets: the synthetic single-card buckets of ``fixtures/generate.py``
(``count`` per bucket, decoded with ``accept=parses`` as ``scan()`` does),
the two-card bucket ``two_small`` (``2 * count``), and with ``--realqr`` the
public real photos (default options, no ``accept``, scored by the folder's
README rule, as ``bench_decode.py --realqr``). Each image is decoded
``repeat`` times by each version; its time is the least of them (the noise of
a shared machine only adds time). Printed per set: images read, the median
and p95 of the per-image times, and the median and p95 of the per-image
difference (after minus before).
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402  (fixtures/generate.py)

import vssid_id.images  # noqa: E402,F401  (the package the old module's relative imports resolve in)
from vssid_id.images import decoder as after  # noqa: E402
from vssid_id.images.loading import load_image  # noqa: E402
from vssid_id.scanning.scanner import parses  # noqa: E402

SINGLE_CARD = ("clean", "small", "blur", "tilt", "rotation", "jpeg", "noise", "light", "combo", "far_blur")


def decoder_at(revision: str, folder: Path) -> ModuleType:
    """``vssid_id/images/decoder.py`` at ``revision``, loaded as ``vssid_id.images._decoder_before``."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:src/vssid_id/images/decoder.py"],
                            check=True, capture_output=True, text=True).stdout
    path = folder / "decoder_before.py"
    path.write_text(source, encoding="utf-8")
    name = "vssid_id.images._decoder_before"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def synthetic(count: int, seed: int) -> list[tuple[str, np.ndarray, list[str]]]:
    rng = random.Random(seed)
    items = []
    for bucket in (*SINGLE_CARD, "two_small"):
        for _ in range(count * (2 if bucket == "two_small" else 1)):
            image, params, payloads = generate.make_image(bucket, rng)
            data, _ = generate.encode(image, params)
            bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
            items.append(("single card" if bucket in SINGLE_CARD else bucket, bgr, payloads))
    return items


def compare(items: list, versions: dict[str, ModuleType], repeat: int, realqr: bool) -> dict:
    import realqr as rule

    table: dict = {}
    for index, (group, image, truth) in enumerate(items):
        if isinstance(image, Path):  # a real photo, loaded (untimed) when its turn comes
            image = load_image(image)
        order = list(versions) if index % 2 == 0 else list(reversed(versions))
        best: dict[str, float] = {}
        for _ in range(repeat):
            for name in order:
                began = time.perf_counter()
                found = versions[name].decode(image) if realqr else versions[name].decode(image, accept=parses)
                elapsed = time.perf_counter() - began
                best[name] = min(best.get(name, elapsed), elapsed)
                if realqr:
                    ok = rule.is_read(truth, [(p.text, p.corners) for p in found])
                else:
                    ok = set(truth) <= {p.text for p in found}
                table.setdefault(group, {}).setdefault(name, {"ok": [], "times": []})
                if _ == 0:
                    table[group][name]["ok"].append(ok)
        for name in versions:
            table[group][name]["times"].append(best[name])
            if realqr:
                every = table.setdefault("ALL", {}).setdefault(name, {"ok": [], "times": []})
                every["ok"].append(table[group][name]["ok"][-1])
                every["times"].append(best[name])
        print(index, group, {name: round(1000 * best[name], 1) for name in versions}, file=sys.stderr, flush=True)
    return table


def report(table: dict, names: list[str]) -> str:
    lines = ["| set | n | " + " | ".join(f"{n}: read | {n}: median / p95 ms" for n in names)
             + " | added: median / p95 ms |", "|---|---|" + "---|---|" * len(names) + "---|"]
    for group, row in sorted(table.items(), key=lambda item: item[0] == "ALL"):
        cells = []
        for name in names:
            cell = row[name]
            cells += [str(sum(cell["ok"])),
                      f"{1000 * statistics.median(cell['times']):.1f} / {1000 * _p95(cell['times']):.1f}"]
        added = [a - b for a, b in zip(row[names[1]]["times"], row[names[0]]["times"], strict=True)]
        lines.append(f"| {group} | {len(row[names[0]]['times'])} | " + " | ".join(cells)
                     + f" | {1000 * statistics.median(added):+.1f} / {1000 * _p95(added):+.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="git revision of the decoder to compare with")
    parser.add_argument("--count", type=int, default=20, help="synthetic images per single-card bucket")
    parser.add_argument("--seed", type=int, default=31)
    parser.add_argument("--repeat", type=int, default=3, help="decodes per image and version (the least counts)")
    parser.add_argument("--realqr", action="store_true", help="the real photos of ../shared/data/realqr instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        versions = {f"before ({args.before})": decoder_at(args.before, Path(folder)), "after": after}
        if args.realqr:
            import realqr

            items = [(photo.set.split("-")[0], photo.path, photo) for photo in realqr.photos()]
        else:
            items = synthetic(args.count, args.seed)
        table = compare(items, versions, args.repeat, args.realqr)
    print(f"# {platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
          f"OpenCV {cv2.__version__}, {len(items)} images, repeat {args.repeat}")
    print(report(table, list(versions)))


if __name__ == "__main__":
    main()
