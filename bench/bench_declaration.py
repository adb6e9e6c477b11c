"""declare() + to_pdf(): the time of one declaration for a typical set of photos, on one core.

Run by hand:

    python bench/bench_declaration.py [--repeat 20] [--pdf to-khai.pdf]

Two sets of synthetic photos, JPEG-encoded as a phone or the web page would send them, side by side in one run:

* ``typical``: a portrait of 1200 x 1600 px (the drawn face of ``vssid_id.declaration.synthetic``) and both
  sides of the card at 1600 x 1000 px (the front with its QR code, the back with the machine-readable zone of
  the same card, each filling most of the frame on a noisy background) — the size a browser camera or a
  resized upload gives;
* ``12 MP``: the same at 3000 x 4000 and 4000 x 2500 px, straight from a phone camera.

The registration is made once (``prefill``, address conversion included) before timing. OpenCV is held to one
thread (``cv2.setNumThreads(1)``). Reported: the first call (imports of OpenCV's cascade, phonenumbers,
email-validator, fpdf2 and the font's first subsetting included), then the median and the 95th percentile of
``repeat`` calls of ``declare()``, ``to_pdf()`` and both (wall-clock), and the CPU time of both
(``time.process_time()``: on a shared machine the wall-clock time includes waiting for a core; the CPU time is
what one core spends). ``--pdf`` writes the typical declaration's PDF (the page
in docs/declaration.png is ``pdftoppm -r 80 -png -singlefile`` of it).
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import generate  # fixtures/generate.py

import vssid_id
from vssid_id.cards.synthetic import synthetic_card_mrz
from vssid_id.declaration.synthetic import synthetic_portrait

TODAY = date(2026, 11, 25)
CCCD = ("001090123456||Nguyễn Văn An|05031990|Nam|"
        "Tổ 5, Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn|15082021")
BHYT = ("0120878811|4e475559454e2056414e20414e|05/03/1990|1|-|01 - 001|"
        "01/01/2026|31/12/2026|15/12/2025|01010120878811|-|4|-|$")


def jpeg(bgr: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)).save(out, "JPEG", quality=90)
    return out.getvalue()


def card_photo(payload: str, kind: str, size: tuple[int, int], seed: int) -> bytes:
    """The card's front at about 80% of the frame's width on a noisy background."""
    return framed(np.asarray(generate.render_card(payload, kind)), size, seed)


def back_photo(record: vssid_id.CccdRecord, size: tuple[int, int], seed: int) -> bytes:
    """The card's back, its machine-readable zone made from ``record`` (which declare() reads and checks)."""
    return framed(np.asarray(generate.render_back(synthetic_card_mrz(record, today=TODAY).to_payload())), size, seed)


def framed(rgb: np.ndarray, size: tuple[int, int], seed: int) -> bytes:
    """``rgb`` at about 80% of the frame's width on a noisy background, as JPEG."""
    width, height = size
    card = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    card_w = int(width * 0.8)
    card = cv2.resize(card, (card_w, int(card_w * card.shape[0] / card.shape[1])), interpolation=cv2.INTER_CUBIC)
    rng = np.random.default_rng(seed)
    frame = np.clip(rng.normal(120, 12, (height, width, 3)), 0, 255).astype(np.uint8)
    top, left = (height - card.shape[0]) // 2, (width - card_w) // 2
    frame[top:top + card.shape[0], left:left + card_w] = card
    return jpeg(frame)


def photo_set(portrait: tuple[int, int], card: tuple[int, int], face: float = 1.0) -> dict[str, bytes]:
    return {"portrait": jpeg(synthetic_portrait(*portrait, scale=face)), "id_front": card_photo(CCCD, "cccd", card, 1),
            "id_back": back_photo(vssid_id.parse(CCCD), card, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--pdf", type=Path, help="write the typical declaration's PDF here")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    registration = vssid_id.prefill(vssid_id.parse(CCCD), vssid_id.parse(BHYT), today=TODAY)
    sets = {"typical": photo_set((1200, 1600), (1600, 1000)), "12 MP": photo_set((3000, 4000), (4000, 2500), 4.0)}
    print(f"# {platform.python_version()} {platform.machine()}, OpenCV {cv2.__version__}, one OpenCV thread; "
          f"{args.repeat} calls per set")
    print(f"{'set':<8} {'input bytes':>11} {'first call':>10} {'declare med':>11} {'p95':>6} {'to_pdf med':>10} "
          f"{'p95':>6} {'both med':>8} {'p95':>6} {'CPU med':>8} {'p95':>6} {'PDF bytes':>9}")
    for name, photos in sets.items():
        def one(photos: dict[str, bytes] = photos) -> tuple[float, float, bytes, float]:
            start, cpu_start = time.perf_counter(), time.process_time()
            declaration = vssid_id.declare(registration, phone="0912345678", email="an@example.com",
                                           today=TODAY, **photos)
            middle = time.perf_counter()
            pdf = declaration.to_pdf()
            end, cpu_end = time.perf_counter(), time.process_time()
            return middle - start, end - middle, pdf, cpu_end - cpu_start

        start = time.perf_counter()
        one()
        first = time.perf_counter() - start
        runs = [one() for _ in range(args.repeat)]
        declare_times = [run[0] for run in runs]
        pdf_times = [run[1] for run in runs]
        both = [run[0] + run[1] for run in runs]
        cpu = [run[3] for run in runs]

        def p95(values: list[float]) -> float:
            return sorted(values)[max(0, round(0.95 * len(values)) - 1)]

        print(f"{name:<8} {sum(map(len, photos.values())):>11,} {first * 1000:>8.0f}ms "
              f"{statistics.median(declare_times) * 1000:>9.0f}ms {p95(declare_times) * 1000:>4.0f}ms "
              f"{statistics.median(pdf_times) * 1000:>8.0f}ms {p95(pdf_times) * 1000:>4.0f}ms "
              f"{statistics.median(both) * 1000:>6.0f}ms {p95(both) * 1000:>4.0f}ms "
              f"{statistics.median(cpu) * 1000:>6.0f}ms {p95(cpu) * 1000:>4.0f}ms {len(runs[0][2]):>9,}")
        if args.pdf is not None and name == "typical":
            args.pdf.write_bytes(runs[0][2])


if __name__ == "__main__":
    main()
