"""Decode rate and time per frame: vssid_id side by side with each raw backend.

Run by hand; results go into docs/benchmarks.md:

    python bench/bench_decode.py [--count 40] [--seed 11] [--set DIR] [--frames 50]

What it does, in one run:

1. Generates ``count`` synthetic card photos per condition bucket
   (fixtures/generate.py) into a temporary directory, or uses ``--set DIR``
   (a directory with a manifest.json in the generator's format). Any public
   QR images under ``../shared/data/`` that come with a manifest.json (same
   format: file + payloads) are added as the bucket ``shared``.
2. For every image, loads it once (not timed) and runs, each timed alone:
   ``vssid_id.decode`` (the full ladder, stopping at the first payload that
   parses), zxing-cpp ``read_barcodes`` on the BGR array, OpenCV
   ``QRCodeDetector.detectAndDecodeMulti`` on the BGR array, and pyzbar on
   the grayscale array (when libzbar is present).
   An image counts as read when every ground-truth payload is among the
   texts returned. Raw backends are credited generously: their output bytes
   are decoded as UTF-8, so they are not penalised for their own mojibake.
3. With ``--steps``, also runs every ladder step *alone* on every image
   (its transform and its backends, nothing before it) and reports how many
   images of each bucket it reads and its median time: the data the ladder's
   order in vssid_id/decoder.py was chosen from.
4. Prints, per bucket, the rate and the median / 95th-percentile time per
   frame of each reader, then the 1080p timing: a readable card photo in a
   1920x1080 frame, ``frames`` repetitions, vssid_id against zxing-cpp alone.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))

import generate  # noqa: E402  (fixtures/generate.py)
import vssid_id  # noqa: E402
from vssid_id import backends  # noqa: E402
from vssid_id.image_input import load_image  # noqa: E402
from vssid_id.scanner import parses  # noqa: E402


def _texts_zxing(bgr: np.ndarray) -> set[str]:
    import zxingcpp

    return {
        bytes(r.bytes).decode("utf-8", "replace")
        for r in zxingcpp.read_barcodes(bgr, formats=zxingcpp.BarcodeFormat.QRCode)
    }


_OPENCV = cv2.QRCodeDetector()


def _texts_opencv(bgr: np.ndarray) -> set[str]:
    try:
        found, texts, _, _ = _OPENCV.detectAndDecodeMulti(bgr)
    except cv2.error:
        return set()
    out = set()
    for text in texts if found else ():
        try:
            out.add(text.encode("latin-1").decode("utf-8"))
        except (UnicodeEncodeError, UnicodeDecodeError):
            out.add(text)
    return out


def _texts_zbar(bgr: np.ndarray) -> set[str]:
    from pyzbar import pyzbar

    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) if bgr.ndim == 3 else bgr
    return {s.data.decode("utf-8", "replace") for s in pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE])}


def _texts_vssid(bgr: np.ndarray) -> set[str]:
    return {p.text for p in vssid_id.decode(bgr, accept=parses)}


def readers() -> dict:
    found = {"vssid_id": _texts_vssid, "zxing-cpp": _texts_zxing, "opencv": _texts_opencv}
    if "zbar" in backends.available():
        found["pyzbar"] = _texts_zbar
    return found


def load_set(directory: Path, bucket: str | None = None) -> list[tuple[str, Path, list[str]]]:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    return [(bucket or e["bucket"], directory / e["file"], e["payloads"]) for e in manifest]


def run(items, names_to_readers) -> dict:
    results: dict = defaultdict(lambda: defaultdict(lambda: {"ok": 0, "n": 0, "times": []}))
    for bucket, path, payloads in items:
        bgr = load_image(path)
        if bgr.ndim == 2:
            bgr = cv2.cvtColor(bgr, cv2.COLOR_GRAY2BGR)
        for name, read in names_to_readers.items():
            start = time.perf_counter()
            texts = read(bgr)
            elapsed = time.perf_counter() - start
            for key in (bucket, "ALL"):
                cell = results[key][name]
                cell["n"] += 1
                cell["ok"] += set(payloads) <= texts
                cell["times"].append(elapsed)
    return results


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def report(results: dict, names: list[str]) -> str:
    header = "| bucket | n | " + " | ".join(f"{n} rate | {n} median / p95 ms" for n in names) + " |"
    lines = [header, "|" + "---|" * (2 + 2 * len(names))]
    for bucket in [*(b for b in results if b != "ALL"), "ALL"]:
        row = results[bucket]
        n = row[names[0]]["n"]
        cells = []
        for name in names:
            cell = row[name]
            cells.append(f"{100 * cell['ok'] / cell['n']:.1f}%")
            cells.append(f"{1000 * statistics.median(cell['times']):.1f} / {1000 * _p95(cell['times']):.1f}")
        lines.append(f"| {bucket} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def step_table(items) -> str:
    """Each ladder step alone: images read per bucket, what it adds, median ms.

    "adds" counts the images this step reads that no step before it in the
    ladder's order reads: its marginal value where it stands.
    """
    from vssid_id import decoder

    usable = backends.available()
    buckets = list(dict.fromkeys(bucket for bucket, _, _ in items))
    read_by: dict = defaultdict(set)
    hits: dict = defaultdict(lambda: defaultdict(int))
    times: dict = defaultdict(list)
    for index, (bucket, path, payloads) in enumerate(items):
        gray = decoder._gray(load_image(path))
        for step, transform, names in decoder.LADDER:
            start = time.perf_counter()
            texts = set()
            for view in transform(gray):
                for name in names:
                    if name in usable:
                        texts |= {hit.text for hit in backends.read(name, view.image)}
            times[step].append(time.perf_counter() - start)
            if set(payloads) <= texts:
                hits[step][bucket] += 1
                read_by[step].add(index)
    lines = ["| step | " + " | ".join(buckets) + " | all | adds | median ms |", "|" + "---|" * (len(buckets) + 4)]
    seen: set = set()
    for step, _, _ in decoder.LADDER:
        row = [str(hits[step][b]) for b in buckets]
        adds = len(read_by[step] - seen)
        seen |= read_by[step]
        lines.append(f"| {step} | " + " | ".join(row) + f" | {len(read_by[step])} | {adds} | "
                     f"{1000 * statistics.median(times[step]):.1f} |")
    lines.append(f"| (any step) | {' | '.join('' for _ in buckets)} | {len(seen)} of {len(items)} | | |")
    return "\n".join(lines)


def frame_1080p(seed: int) -> np.ndarray:
    """A readable card photo (5 px per module) placed on a 1920x1080 frame."""
    import random

    rng = random.Random(seed)
    record = generate.synthetic_cccd_record(rng)
    card = np.asarray(generate.render_card(record.to_payload(), "cccd", 5.0))[:, :, ::-1]
    frame = np.full((1080, 1920, 3), 120, np.uint8)
    frame[270:270 + card.shape[0], 532:532 + card.shape[1]] = card
    return frame


def time_1080p(frames: int, seed: int) -> str:
    frame = frame_1080p(seed)
    timings = {}
    for name, read in (("vssid_id", _texts_vssid), ("zxing-cpp", _texts_zxing)):
        read(frame)  # warm up
        samples = []
        for _ in range(frames):
            start = time.perf_counter()
            assert read(frame), f"{name} did not read the 1080p frame"
            samples.append(time.perf_counter() - start)
        timings[name] = statistics.median(samples)
    ratio = timings["vssid_id"] / timings["zxing-cpp"]
    return (
        f"1080p readable frame, median of {frames}: vssid_id {1000 * timings['vssid_id']:.1f} ms, "
        f"zxing-cpp alone {1000 * timings['zxing-cpp']:.1f} ms, ratio {ratio:.2f}x (target <= 1.3x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40, help="generated images per bucket")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--set", type=Path, help="use this generated set instead of making one")
    parser.add_argument("--frames", type=int, default=50, help="repetitions of the 1080p timing")
    parser.add_argument("--steps", action="store_true", help="also time every ladder step alone")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        directory = args.set
        if directory is None:
            directory = Path(tmp)
            generate.generate(directory, args.count, args.seed)
        items = load_set(directory)
        shared = ROOT.parent / "shared" / "data"
        if (shared / "manifest.json").exists():
            items += load_set(shared, "shared")
        chosen = readers()
        results = run(items, chosen)
        steps = step_table(items) if args.steps else ""

    print(f"# {platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
          f"backends: {', '.join(backends.available())}; {len(items)} images, seed {args.seed}")
    print(report(results, list(chosen)))
    print()
    if steps:
        print(steps)
        print()
    print(time_1080p(args.frames, args.seed))


if __name__ == "__main__":
    main()
