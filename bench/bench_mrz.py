"""MRZ reading rate, wrong reads and time per image on synthetic card backs and passport pages.

Run by hand; results go into docs/benchmarks.md:

    python bench/bench_mrz.py [--count 40] [--seed 5] [--tesseract] [--margins]

1. Generates ``count`` photos per condition bucket with fixtures/generate.py
   (``make_back``: four in five the back of a synthetic CCCD / Căn cước card,
   one in five a synthetic passport page, the zone rendered in the bundled
   OCR-B, then the QR fixtures' degradations), each encoded as the JPEG a
   camera writes.
2. Runs :func:`vssid_id.read_mrz` on the JPEG bytes, timed alone. A photo is
   *read* when the record equals the parse of the zone's true text, *wrong*
   when a record comes back that does not, *missed* when ``None`` comes back.
3. ``--tesseract``: the same photos through Tesseract (the ``tesseract``
   command, Debian ``tesseract-ocr`` with its ``eng`` model; ``--psm 6``,
   the MRZ alphabet as whitelist) on the zone as vssid_id straightened it,
   and, separately, on the whole grayscale photo, each reading taken only
   when it parses (the same check-digit gate): the engine comparison that
   chose template matching (docs/benchmarks.md).
4. ``--margins``: the smallest lead over the runner-up among the unchecked
   characters (the names) of every reading that parses, split into readings
   right and wrong: the data :data:`vssid_id.scanning.mrz.UNCHECKED_MARGIN`
   was chosen from.
"""

from __future__ import annotations

import argparse
import io
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))

import generate  # noqa: E402

from vssid_id import parse  # noqa: E402
from vssid_id.errors import VssidError  # noqa: E402
from vssid_id.scanning import mrz as scanning_mrz  # noqa: E402

TODAY = date(2026, 1, 1)  # the synthetic records' "today"
WHITELIST = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"


def photos(count: int, seed: int) -> list[tuple[str, bytes, str]]:
    rng = random.Random(seed)
    items = []
    for bucket in generate.BACK_BUCKETS:
        for _ in range(count):
            image, params, text = generate.make_back(bucket, rng)
            buffer = io.BytesIO()
            Image.fromarray(image[:, :, ::-1]).save(buffer, "JPEG", quality=params.get("jpeg_quality", 90))
            items.append((bucket, buffer.getvalue(), text))
    return items


def tesseract_lines(gray: np.ndarray) -> list[str]:
    _, png = cv2.imencode(".png", gray)
    result = subprocess.run(
        ["tesseract", "stdin", "stdout", "--psm", "6", "-l", "eng", "-c", f"tessedit_char_whitelist={WHITELIST}"],
        input=png.tobytes(), capture_output=True, timeout=60, check=False,
    )
    lines = [line.replace(" ", "") for line in result.stdout.decode("utf-8", "replace").splitlines()]
    return [line for line in lines if len(line) >= 20]


def tesseract_record(lines: list[str]):
    for size in (3, 2):
        for start in range(len(lines) - size, -1, -1):
            try:
                return parse("\n".join(lines[start:start + size]), today=TODAY)
            except VssidError:
                continue
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40, help="photos per bucket")
    parser.add_argument("--seed", type=int, nargs="+", default=[5], help="one or more seeds, each --count per bucket")
    parser.add_argument("--tesseract", action="store_true", help="compare with the tesseract command")
    parser.add_argument("--margins", action="store_true", help="the unchecked characters' leads")
    parser.add_argument("--by-kind", action="store_true", help="also each bucket's card backs and passports apart")
    args = parser.parse_args()
    items = [item for seed in args.seed for item in photos(args.count, seed)]
    print(f"{len(items)} photos, Python {platform.python_version()}, {platform.machine()}; shared machine")

    readers = ["vssid_id"]
    if args.tesseract:
        if shutil.which("tesseract") is None:
            sys.exit("--tesseract: the tesseract command is not installed (Debian: apt-get install tesseract-ocr)")
        readers += ["tesseract (zone)", "tesseract (photo)"]
    results: dict[str, dict[str, list[str]]] = {reader: defaultdict(list) for reader in readers}
    times: dict[str, dict[str, list[float]]] = {reader: defaultdict(list) for reader in readers}
    leads: dict[bool, list[float]] = {True: [], False: []}
    by_kind: dict[tuple[str, str], list[str]] = defaultdict(list)
    if args.margins:
        scanning_mrz.UNCHECKED_MARGIN = -1.0  # take every reading that parses, to see the leads of all
    for bucket, data, text in items:
        truth = parse(text, today=TODAY)
        started = time.perf_counter()
        result = scanning_mrz.read_mrz_reading(data, today=TODAY)
        times["vssid_id"][bucket].append(time.perf_counter() - started)
        record = None if result is None else result[0]
        outcome = "missed" if record is None else "read" if record == truth else "wrong"
        results["vssid_id"][bucket].append(outcome)
        by_kind[bucket, "passport" if truth.document_format == "td3" else "card back"].append(outcome)
        if args.margins and result is not None:
            lead = min(result[1].margins[line][column] for line, column in scanning_mrz.unchecked_cells(result[0]))
            leads[result[0] == truth].append(lead)
        if args.tesseract:
            gray = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
            started = time.perf_counter()
            zone = None if result is None else _zone(gray, result[1].corners)
            record = None if zone is None else tesseract_record(tesseract_lines(zone))
            times["tesseract (zone)"][bucket].append(time.perf_counter() - started)
            results["tesseract (zone)"][bucket].append(
                "missed" if record is None else "read" if record == truth else "wrong")
            started = time.perf_counter()
            record = tesseract_record(tesseract_lines(gray))
            times["tesseract (photo)"][bucket].append(time.perf_counter() - started)
            results["tesseract (photo)"][bucket].append(
                "missed" if record is None else "read" if record == truth else "wrong")

    for reader in readers:
        print(f"\n{reader}\n\n| bucket | read | wrong | missed | median ms | p95 ms |\n|---|---|---|---|---|---|")
        total: dict[str, int] = defaultdict(int)
        for bucket, outcomes in results[reader].items():
            spent = sorted(times[reader][bucket])
            for outcome in outcomes:
                total[outcome] += 1
            print(f"| {bucket} | {outcomes.count('read')}/{len(outcomes)} | {outcomes.count('wrong')} | "
                  f"{outcomes.count('missed')} | {1000 * statistics.median(spent):.0f} | "
                  f"{1000 * spent[int(0.95 * (len(spent) - 1))]:.0f} |")
        print(f"| all | {total['read']}/{len(items)} | {total['wrong']} | {total['missed']} | | |")
    if args.by_kind:
        print("\nvssid_id by kind\n")
        print("| bucket | card backs: read | wrong | passports: read | wrong |\n|---|---|---|---|---|")
        for bucket in generate.BACK_BUCKETS:
            cards, passports = by_kind[bucket, "card back"], by_kind[bucket, "passport"]
            print(f"| {bucket} | {cards.count('read')}/{len(cards)} | {cards.count('wrong')} | "
                  f"{passports.count('read')}/{len(passports)} | {passports.count('wrong')} |")
    if args.margins:
        for right in (True, False):
            values = sorted(leads[right])
            print(f"{'right' if right else 'wrong'} readings: {len(values)}; smallest unchecked leads "
                  f"{[round(v, 3) for v in values[:8]]}")


def _zone(gray: np.ndarray, corners) -> np.ndarray:
    """The zone as vssid_id found it, cut out upright with a margin (what Tesseract is given)."""
    points = np.float32(corners)
    width = int(np.linalg.norm(points[1] - points[0]))
    height = int(np.linalg.norm(points[3] - points[0]))
    scale = 1400 / max(width, 1)
    size = (round(width * scale), round(height * scale))
    target = np.float32([[0, 0], [size[0], 0], [size[0], size[1]], [0, size[1]]])
    return cv2.warpPerspective(gray, cv2.getPerspectiveTransform(points, target), size,
                               borderMode=cv2.BORDER_REPLICATE)


if __name__ == "__main__":
    main()
