"""The decoder on public real photos (``../shared/data/realqr``), held to what it was measured to read.

A handful of photos per category (blur, glare, bright spots, damaged codes,
several codes in one photo, curved, perspective, the ZXing sets), each one
that the current ladder reads: a change that loses one of them shows here,
not only in ``bench/bench_decode.py --realqr`` (docs/benchmarks.md has the
full count). Scored by the folder's README rule (bench/realqr.py). Skipped
when the folder is absent: the package never needs it. ``VSSID_SHARED``
names another shared/ folder (a worktree not beside it).
"""

import math
import os
import sys
from pathlib import Path

import pytest

import vssid_id

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VSSID_SHARED", Path(__file__).resolve().parents[2] / "shared"))
FOLDER = SHARED / "data" / "realqr"

pytestmark = pytest.mark.skipif(
    not (FOLDER / "manifest.json").exists(),
    reason=f"the public real photos are not here ({FOLDER}): nothing to measure against",
)

#: Photos the ladder reads (measured: docs/benchmarks.md), chosen small and
#: quick, per category; the ones marked "new" were missed before the glare,
#: deblurring and multi-code steps.
READ = [
    "boofcv-blurred/image015.jpg",
    "boofcv-blurred/image027.jpg",
    "boofcv-bright_spots/image023.jpg",  # new: glare step
    "boofcv-bright_spots/image025.jpg",
    "boofcv-bright_spots/image031.jpg",  # small codes in 12 MP: full-resolution crops around located codes
    "boofcv-damaged/image009.jpg",  # new
    "boofcv-damaged/image011.jpg",  # only WeChat's reader read it before the crops
    "boofcv-damaged/image005.jpg",  # the wechat step
    "boofcv-damaged/image029.jpg",  # the wechat step, on its lightly blurred copy
    "boofcv-glare/image041.jpg",  # the wechat step, on its lightly blurred copy
    "boofcv-shadows/image011.jpg",  # the wechat step
    "boofcv-bright_spots/image015.jpg",  # the wechat step on the crops around located codes
    "boofcv-glare/image039.jpg",
    "boofcv-glare/image045.jpg",
    "boofcv-nominal/image001.jpg",  # new: up-scaling with strong sharpening
    "boofcv-noncompliant/image005.jpg",
    "boofcv-noncompliant/image015.jpg",
    "boofcv-perspective/image013.jpg",
    "boofcv-rotations/image039.jpg",  # two codes: both must be returned
    "boofcv-lots/image001.jpg",  # many codes
    "zxing-qrcode-2/28.png",
    "zxing-qrcode-4/09.png",
]


@pytest.fixture(scope="module")
def photos():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import realqr
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return realqr, {str(p.path.relative_to(FOLDER)): p for p in realqr.photos(FOLDER)}


#: Photos only the ``wechat`` step reads: it needs OpenCV's contrib build (a dependency).
NEEDS_WECHAT = {"boofcv-damaged/image005.jpg", "boofcv-damaged/image029.jpg", "boofcv-glare/image041.jpg",
                "boofcv-shadows/image011.jpg", "boofcv-bright_spots/image015.jpg"}


@pytest.mark.parametrize("name", READ)
def test_realqr_photo_is_read(photos, name):
    from vssid_id.images import backends

    if name in NEEDS_WECHAT and "wechat" not in backends.available():
        pytest.skip("OpenCV here is not the contrib build: the wechat step that reads this photo cannot run")
    realqr, by_name = photos
    photo = by_name[name]
    found = vssid_id.decode(photo.path, time_budget=math.inf)  # what the ladder reads, not how fast (bench/)
    assert realqr.is_read(photo, [(p.text, p.corners) for p in found]), [p.text for p in found]
