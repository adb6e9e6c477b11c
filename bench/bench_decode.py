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
   ``QRCodeDetector.detectAndDecodeMulti`` on the BGR array, WeChat QR
   without its models on the BGR array (OpenCV's contrib build), and pyzbar
   on the grayscale array (when libzbar is present).
   An image counts as read when every ground-truth payload is among the
   texts returned. Raw backends are credited generously: their output bytes
   are decoded as UTF-8, so they are not penalised for their own mojibake.
3. With ``--steps``, also runs every ladder step *alone* on every image
   (its transform and its backends, nothing before it) and reports how many
   images of each bucket it reads and its median time: the data the ladder's
   order in vssid_id/images/decoder.py was chosen from.
4. Prints, per bucket, the rate and the median / 95th-percentile time per
   frame of each reader, then the 1080p timing: a readable card photo in a
   1920x1080 frame, ``frames`` repetitions, vssid_id against zxing-cpp alone.

With ``--realqr`` it runs the public real photos of ``../shared/data/realqr``
instead (``VSSID_SHARED`` names another shared/ folder), scored by that
folder's README rule (bench/realqr.py): per set, photos read and median / p95
ms of ``vssid_id.decode(bgr)`` (default options), zxing-cpp alone (QR only,
and with its default options: every barcode format), OpenCV,
WeChat QR without models (when ``cv2`` is opencv-contrib) and zbar (when
libzbar is present); ``--readers`` picks some, ``--sets`` restricts to sets
or images, ``--save`` writes per-image results as JSON. ``--realqr --steps``
runs every ladder step alone on the photos instead.
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
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402  (fixtures/generate.py)

import vssid_id  # noqa: E402
from vssid_id.images import backends  # noqa: E402
from vssid_id.images.loading import load_image  # noqa: E402
from vssid_id.scanning.scanner import parses  # noqa: E402


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


def _located_zxing(bgr: np.ndarray) -> list:
    import zxingcpp

    out = []
    for r in zxingcpp.read_barcodes(bgr, formats=zxingcpp.BarcodeFormat.QRCode):
        p = r.position
        corners = [(pt.x, pt.y) for pt in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]
        out.append((r.text, corners))
        try:  # credited generously: the bytes as UTF-8 too
            out.append((bytes(r.bytes).decode("utf-8"), corners))
        except UnicodeDecodeError:
            pass
    return out


def _located_zxing_defaults(bgr: np.ndarray) -> list:
    """zxing-cpp with its default options: every barcode format (how the issue 12 table was measured)."""
    import zxingcpp

    out = []
    for r in zxingcpp.read_barcodes(bgr):
        p = r.position
        out.append((r.text, [(pt.x, pt.y) for pt in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]))
    return out


def _located_opencv(bgr: np.ndarray) -> list:
    try:
        found, texts, points, _ = _OPENCV.detectAndDecodeMulti(bgr)
    except cv2.error:
        return []
    out = []
    for text, quad in zip(texts, points if found and points is not None else [], strict=False):
        if text:
            corners = [tuple(map(float, pt)) for pt in quad]
            out.append((text, corners))
            try:
                out.append((text.encode("latin-1").decode("utf-8"), corners))
            except (UnicodeEncodeError, UnicodeDecodeError):
                pass
    return out


def _located_wechat(bgr: np.ndarray) -> list:
    detector = _wechat()
    try:
        texts, points = detector.detectAndDecode(bgr)
    except (cv2.error, UnicodeDecodeError):  # its Python binding fails on text that is not UTF-8
        return []
    return [(text, [tuple(map(float, pt)) for pt in quad]) for text, quad in zip(texts, points, strict=False) if text]


_WECHAT: list = []


def _wechat():  # type: ignore[no-untyped-def]
    if not _WECHAT:
        _WECHAT.append(cv2.wechat_qrcode_WeChatQRCode())
    return _WECHAT[0]


def _located_zbar(bgr: np.ndarray) -> list:
    from pyzbar import pyzbar

    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) if bgr.ndim == 3 else bgr
    return [(s.data.decode("utf-8", "replace"), [(p.x, p.y) for p in s.polygon])
            for s in pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE])]


def _located_vssid(bgr: np.ndarray) -> list:
    return [(p.text, p.corners) for p in vssid_id.decode(bgr)]


def located_readers() -> dict:
    """Readers returning (text, corners) for the realqr scoring rule; every backend we have."""
    found = {"vssid_id": _located_vssid, "zxing-cpp": _located_zxing,
             "zxing-cpp (defaults)": _located_zxing_defaults, "opencv": _located_opencv}
    if hasattr(cv2, "wechat_qrcode_WeChatQRCode"):
        found["wechat (no models)"] = _located_wechat
    if "zbar" in backends.available():
        found["zbar"] = _located_zbar
    return found


def run_realqr(names_to_readers: dict, sets: list[str] | None, save: Path | None) -> str:
    """Every realqr photo through every reader, scored by the folder's README rule."""
    import realqr

    table: dict = defaultdict(lambda: defaultdict(lambda: {"ok": 0, "n": 0, "times": []}))
    per_image: dict = {}
    for photo in realqr.photos():
        if sets and not any(photo.set.startswith(s) for s in sets) \
                and str(photo.path.relative_to(realqr.FOLDER)) not in sets:
            continue
        bgr = load_image(photo.path)
        if bgr.ndim == 2:
            bgr = cv2.cvtColor(bgr, cv2.COLOR_GRAY2BGR)
        name_key = str(photo.path.relative_to(realqr.FOLDER))
        per_image[name_key] = {}
        for name, read in names_to_readers.items():
            start = time.perf_counter()
            reads = read(bgr)
            elapsed = time.perf_counter() - start
            ok = realqr.is_read(photo, reads)
            per_image[name_key][name] = [ok, round(1000 * elapsed, 1)]
            for key in (photo.set, "ALL"):
                cell = table[key][name]
                cell["n"] += 1
                cell["ok"] += ok
                cell["times"].append(elapsed)
        print(name_key, per_image[name_key], file=sys.stderr, flush=True)
    names = list(names_to_readers)
    if save:
        save.write_text(json.dumps(per_image, indent=1), encoding="utf-8")
    header = "| set | n | " + " | ".join(f"{n} read | {n} median / p95 ms" for n in names) + " |"
    lines = [header, "|" + "---|" * (2 + 2 * len(names))]
    for key in [*sorted(k for k in table if k != "ALL"), "ALL"]:
        row = table[key]
        cells = []
        for name in names:
            cell = row[name]
            cells.append(str(cell["ok"]) if key != "ALL" else f"**{cell['ok']}**")
            cells.append(f"{1000 * statistics.median(cell['times']):.0f} / {1000 * _p95(cell['times']):.0f}")
        lines.append(f"| {key} | {row[names[0]]['n']} | " + " | ".join(cells) + " |")
    if "vssid_id" not in names:
        return "\n".join(lines)
    together = sum(any(per_image[k][n][0] for n in names if n != "vssid_id") for k in per_image)
    only_ours = [k for k in per_image if per_image[k]["vssid_id"][0]
                 and not any(per_image[k][n][0] for n in names if n != "vssid_id")]
    missed = [k for k in per_image if not per_image[k]["vssid_id"][0]
              and any(per_image[k][n][0] for n in names if n != "vssid_id")]
    worst = max(table["ALL"]["vssid_id"]["times"])
    lines.append("")
    lines.append(f"Read by at least one of the other readers: {together}. Read by vssid_id and by none of "
                 f"them: {len(only_ours)} ({', '.join(only_ours) or '-'}). Read by another reader, not by "
                 f"vssid_id: {len(missed)} ({', '.join(missed) or '-'}). Slowest vssid_id image: "
                 f"{1000 * worst:.0f} ms.")
    return "\n".join(lines)


def realqr_step_table(sets: list[str] | None, save: Path | None) -> str:
    """Each ladder step alone on every realqr photo: photos read (README rule), what it adds, median ms."""
    import realqr

    from vssid_id.images import decoder

    usable = backends.available()
    chosen = [p for p in realqr.photos() if not sets or any(p.set.startswith(s) for s in sets)
              or str(p.path.relative_to(realqr.FOLDER)) in sets]
    read_by: dict = defaultdict(set)
    times: dict = defaultdict(list)
    per_image: dict = {}
    for index, photo in enumerate(chosen):
        gray = decoder._gray(load_image(photo.path))
        key = str(photo.path.relative_to(realqr.FOLDER))
        per_image[key] = {}
        for step, transform, names in decoder.LADDER:
            start = time.perf_counter()
            reads = []
            try:
                views = _step_views(decoder, step, transform, gray)
            except Exception:
                views = []
            for view in views:
                for name in names:
                    if name in usable:
                        reads += [(hit.text, view.to_original(hit.corners)) for hit in backends.read(name, view.image)]
            times[step].append(time.perf_counter() - start)
            ok = realqr.is_read(photo, reads)
            per_image[key][step] = [ok, round(1000 * times[step][-1], 1)]
            if ok:
                read_by[step].add(index)
        print(key, per_image[key], file=sys.stderr, flush=True)
    if save:
        save.write_text(json.dumps(per_image, indent=1), encoding="utf-8")
    lines = ["| step | read | adds | median ms | p95 ms |", "|---|---|---|---|---|"]
    seen: set = set()
    for step, _, _ in decoder.LADDER:
        adds = len(read_by[step] - seen)
        seen |= read_by[step]
        lines.append(f"| {step} | {len(read_by[step])} | {adds} | {1000 * statistics.median(times[step]):.1f} | "
                     f"{1000 * _p95(times[step]):.1f} |")
    lines.append(f"| (any step) | {len(seen)} of {len(chosen)} | | | |")
    return "\n".join(lines)


def _texts_wechat(bgr: np.ndarray) -> set[str]:
    return {text for text, _ in _located_wechat(bgr)}


def readers() -> dict:
    found = {"vssid_id": _texts_vssid, "zxing-cpp": _texts_zxing, "opencv": _texts_opencv}
    if hasattr(cv2, "wechat_qrcode_WeChatQRCode"):
        found["wechat (no models)"] = _texts_wechat
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
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


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


def _step_views(decoder, step, transform, gray):  # type: ignore[no-untyped-def]
    """The views one ladder step makes of ``gray`` as decode() runs it (on the shrunk copy or not)."""
    source = decoder._View(gray) if step in decoder.FULL_RESOLUTION_STEPS else \
        decoder._View(*decoder._at_most(gray, decoder.WORK_MAX_PIXELS))
    return [decoder._within(view, source) for view in transform(source.image)]


def step_table(items, save: Path | None = None) -> str:
    """Each ladder step alone: images read per bucket, what it adds, median ms.

    "adds" counts the images this step reads that no step before it in the
    ladder's order reads: its marginal value where it stands.
    """
    from vssid_id.images import decoder

    usable = backends.available()
    buckets = list(dict.fromkeys(bucket for bucket, _, _ in items))
    read_by: dict = defaultdict(set)
    hits: dict = defaultdict(lambda: defaultdict(int))
    times: dict = defaultdict(list)
    per_image: dict = {}
    for index, (bucket, path, payloads) in enumerate(items):
        gray = decoder._gray(load_image(path))
        for step, transform, names in decoder.LADDER:
            start = time.perf_counter()
            texts = set()
            for view in _step_views(decoder, step, transform, gray):
                for name in names:
                    if name in usable:
                        texts |= {hit.text for hit in backends.read(name, view.image)}
            times[step].append(time.perf_counter() - start)
            per_image.setdefault(str(path), {})[step] = [set(payloads) <= texts, round(1000 * times[step][-1], 1)]
            if set(payloads) <= texts:
                hits[step][bucket] += 1
                read_by[step].add(index)
    if save:
        save.write_text(json.dumps(per_image, indent=1), encoding="utf-8")
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
    parser.add_argument("--realqr", action="store_true",
                        help="run the ../shared/data/realqr photos instead (the README's scoring rule)")
    parser.add_argument("--sets", nargs="*",
                        help="with --realqr: only sets whose name starts with these, or these images")
    parser.add_argument("--readers", nargs="*", help="with --realqr: only these readers")
    parser.add_argument("--save", type=Path, help="with --realqr or --steps: write per-image results (JSON) here")
    args = parser.parse_args()

    if args.realqr:
        chosen = located_readers()
        if args.readers:
            chosen = {k: v for k, v in chosen.items() if k in args.readers}
        print(f"# {platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
              f"OpenCV {cv2.__version__}, backends: {', '.join(backends.available())}")
        if args.steps:
            print(realqr_step_table(args.sets, args.save))
        else:
            print(run_realqr(chosen, args.sets, args.save))
        return

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
        steps = step_table(items, args.save) if args.steps else ""

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
