"""Image → QR payloads: the backends run over a ladder of preprocessing steps.

The ladder is tried in order, cheapest first, only while nothing acceptable
has been found (or a located code is still unread) and the time budget
lasts. Each step makes one or more images from the grayscale original and
runs one or more backends on them. The order was measured, not guessed:
``bench/bench_decode.py --steps`` (synthetic card photos) and
``--realqr --steps`` (public real photos) run every step alone on every
image, and a greedy choice by "images the earlier steps miss, per
millisecond" over both sets gives this order (numbers in docs/benchmarks.md):

==================  =============================================================
step                what it does
==================  =============================================================
``gray``            zxing-cpp on the grayscale image as it is, full resolution
                    (zxing-cpp itself also tries the inverted image, 90°
                    rotations and down-scaled copies)
``sharpen_strong``  strong unsharp mask (sigma 3, amount 2) — blur
``glare``           two views: the light flattened (divided by the local
                    background), and the highlights stretched (gamma 3) —
                    glare on a glossy card, bright spots, over-exposure
``upscale_deblur``  ×2 cubic up-scaling, then a wide, strong unsharp mask
                    (sigma 3, amount 2.5) — small *and* blurred codes (images
                    up to 3 megapixels)
``upscale``         ×2 cubic up-scaling, then a moderate unsharp mask (sigma 2,
                    amount 1.5) — codes under 2 pixels per module, which the
                    strong mask above over-sharpens
``threshold``       adaptive thresholding against the local mean — shadows,
                    low contrast
``zbar``            pyzbar, when libzbar is installed
``clahe``           local contrast equalisation — uneven light
``deconvolve``      Wiener deconvolution with a Gaussian blur estimated from
                    the edges (×2 first on small images) — defocus
``wechat``          OpenCV's WeChat reader (without its CNN models) on a
                    lightly blurred copy of at most 0.3 megapixels and 640
                    pixels a side — damaged, glared and shadowed codes (its
                    own detector and binarisers)
``opencv``          OpenCV's detector, a different locator; only when named
                    in ``backends``, or without the wechat backend (see
                    :data:`OPT_IN_BACKENDS`)
==================  =============================================================

Steps measured and left out because they read nothing the steps above miss,
on either set: light sharpening (sigma 1), WeChat-style binarisations run
through zxing-cpp (adaptive mean over a small and a wide window, Otsu), and
crops zoomed around OpenCV's detections and finder-pattern clusters.
``opencv`` reads nothing the others miss either (when the wechat step can
run) and is the slowest step; it runs only when asked for, so that
``backends=["opencv"]`` still has a step.

Once a code is accepted, one more look, ``look_again``, before the ladder
stops: the rest of the image with the codes read masked out, a mild unsharp
mask, zxing-cpp on the image as given — a second card beside the first that
no step had located (see :data:`LOOK_AGAIN_STEP`). Codes read at one place
are one code: one payload per place (see :func:`decode`).

Steps after the first see the image shrunk to at most 4 megapixels (see
:data:`WORK_MAX_PIXELS`). Corners are mapped back to the original image's
coordinates whatever step found the code.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import BackendUnavailable
from . import backends as _backends
from .loading import DEFAULT_MAX_PIXELS, load_image

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["QrPayload", "decode", "decode_frames", "LADDER", "DEFAULT_TIME_BUDGET", "OPT_IN_BACKENDS",
           "STEP_WORST_SECONDS"]

log = logging.getLogger("vssid_id")

#: Seconds the ladder may spend on one image before it gives up (a step
#: already started is finished). Phone photos that need the whole ladder take
#: 0.3–1 s on one core; see docs/benchmarks.md.
DEFAULT_TIME_BUDGET = 2.0

Corners = _backends.Corners


@dataclass(frozen=True)
class QrPayload:
    """One QR symbol found on an image.

    ``text`` is correct Unicode (UTF-8 bytes decoded, mojibake repaired);
    ``raw`` the symbol's bytes; ``corners`` the four corners (top-left,
    top-right, bottom-right, bottom-left of the symbol) in the original
    image's pixel coordinates; ``backend`` and ``step`` say who found it and
    after which preprocessing; ``elapsed`` is the time in seconds from the
    start of :func:`decode` until it was found.
    """

    text: str
    raw: bytes
    corners: Corners
    backend: str
    step: str
    elapsed: float
    ec_level: str | None = None


@dataclass(frozen=True)
class _View:
    """A preprocessed image and how to map its coordinates back."""

    image: np.ndarray
    scale: float = 1.0
    offset: tuple[float, float] = (0.0, 0.0)

    def to_original(self, corners: Corners) -> Corners:
        ox, oy = self.offset
        return tuple((x / self.scale + ox, y / self.scale + oy) for x, y in corners)  # type: ignore[return-value]


# --- the ladder's image transforms -------------------------------------------------
#
# Every transform takes the grayscale image and returns views of it. None may
# raise on any image shape that reaches it (decode() skips images under
# MIN_SIDE pixels and guards each call anyway), and none makes more than a
# few copies of its input (see the memory note in decode()).


def _as_is(gray: np.ndarray) -> list[_View]:
    return [_View(gray)]


def _unsharp(gray: np.ndarray, sigma: float, amount: float) -> np.ndarray:
    """``gray + amount * (gray - blurred)``: edges steepened, saturating at 0 and 255."""
    import cv2

    blurred = cv2.GaussianBlur(gray, (0, 0), sigma)
    return cv2.addWeighted(gray, 1.0 + amount, blurred, -amount, 0)


def _sharpen_strong(gray: np.ndarray) -> list[_View]:
    return [_View(_unsharp(gray, 3.0, 2.0))]


#: Images above this many pixels are not up-scaled (the copy would pass 12 MP;
#: and the shrunk copy of a larger photo is not blown up again).
UPSCALE_MAX_PIXELS = 3_000_000


def _doubled(gray: np.ndarray) -> np.ndarray | None:
    import cv2

    if gray.size > UPSCALE_MAX_PIXELS:
        return None
    return cv2.resize(gray, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)


def _upscale(gray: np.ndarray) -> list[_View]:
    """×2 then a moderate unsharp mask (sigma 2, amount 1.5): codes under 2 pixels per module."""
    bigger = _doubled(gray)
    return [] if bigger is None else [_View(_unsharp(bigger, 2.0, 1.5), 2.0)]


def _upscale_deblur(gray: np.ndarray) -> list[_View]:
    """×2 then a strong, wide unsharp mask (sigma 3, amount 2.5): small *and* blurred codes."""
    bigger = _doubled(gray)
    return [] if bigger is None else [_View(_unsharp(bigger, 3.0, 2.5), 2.0)]


def _wiener(gray: np.ndarray, sigma: float, noise: float) -> np.ndarray:
    """Wiener deconvolution with a Gaussian point-spread function of ``sigma`` pixels.

    In the frequency domain: ``G * H / (H² + noise)`` with ``H`` the Gaussian's
    transfer function ``exp(-2π² σ² f²)`` (real and symmetric, so its own
    conjugate). Edges are mirrored first so the image's borders do not ring.
    """
    import cv2
    import numpy as np

    pad = int(3 * sigma) + 2
    padded = cv2.copyMakeBorder(gray, pad, pad, pad, pad, cv2.BORDER_REFLECT)
    height, width = padded.shape
    rows, cols = cv2.getOptimalDFTSize(height), cv2.getOptimalDFTSize(width)
    spectrum = np.fft.rfft2(padded.astype(np.float32), s=(rows, cols))
    fy = np.fft.fftfreq(rows).astype(np.float32)[:, None]
    fx = np.fft.rfftfreq(cols).astype(np.float32)[None, :]
    transfer = np.exp(-2.0 * np.pi**2 * sigma**2 * (fy * fy + fx * fx))
    spectrum *= transfer / (transfer * transfer + noise)
    restored = np.fft.irfft2(spectrum, s=(rows, cols))[pad:pad + gray.shape[0], pad:pad + gray.shape[1]]
    return np.clip(restored, 0, 255).astype(np.uint8)


#: Deconvolution runs on images up to this many pixels (an FFT of the image).
DECONVOLVE_MAX_PIXELS = 2_000_000


def _blur_sigma(gray: np.ndarray) -> float:
    """Estimated Gaussian blur of the sharpest edges, in pixels.

    For a step edge blurred by a Gaussian of sigma σ, the gradient peak is
    ``contrast / (σ √(2π))``: σ is estimated from the strongest gradients
    (99.5th percentile of the Sobel magnitude) against the image's contrast
    (1st to 99th percentile of grey levels). Clamped to 0.8–4.
    """
    import cv2
    import numpy as np

    small = gray if gray.size <= 1_000_000 else cv2.resize(
        gray, None, fx=(1_000_000 / gray.size) ** 0.5, fy=(1_000_000 / gray.size) ** 0.5,
        interpolation=cv2.INTER_AREA)
    scale = gray.shape[1] / small.shape[1]
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    peak = float(np.percentile(np.hypot(gx, gy), 99.5))
    low, high = np.percentile(small, (1, 99))
    if peak <= 0:
        return 4.0
    sigma = float(high - low) / (peak * (2 * np.pi) ** 0.5) * scale
    return float(min(4.0, max(0.8, sigma)))


def _deconvolve(gray: np.ndarray) -> list[_View]:
    """Wiener deconvolution with the estimated blur, ×2 first when the image is small."""
    bigger = _doubled(gray) if gray.size <= DECONVOLVE_MAX_PIXELS // 4 else None
    source, scale = (bigger, 2.0) if bigger is not None else (gray, 1.0)
    if source.size > DECONVOLVE_MAX_PIXELS:
        return []
    # 0.85 of the estimate and a low noise floor: measured on the synthetic
    # small/blur/far_blur images (180), this reads 174 where the estimate
    # itself with a noise floor of 0.01 reads 148 (JPEG ringing and the
    # module pattern make the estimate run high).
    sigma = 0.85 * _blur_sigma(source)
    return [_View(_wiener(source, sigma, 0.003), scale)]


def _clahe(gray: np.ndarray) -> list[_View]:
    import cv2

    return [_View(cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(gray))]


def _threshold(gray: np.ndarray) -> list[_View]:
    """Adaptive thresholding against the local mean (a box filter: linear time for any window)."""
    import cv2

    block = max(15, (min(gray.shape) // 30) | 1)
    return [_View(cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, 5))]


def _glare(gray: np.ndarray) -> list[_View]:
    """Glare: the light flattened (each pixel divided by the local background), then highlights stretched.

    A glossy card under a lamp has a bright patch across the code where the
    modules' contrast is a few grey levels near white. Dividing by a heavily
    smoothed closing (the local background) evens the light; a gamma curve
    then spreads the top of the range. Fully saturated modules stay lost:
    error correction has to cover them.
    """
    import cv2
    import numpy as np

    small, _ = _at_most_side(gray, 400)
    kernel = max(3, (min(small.shape) // 20) | 1)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (kernel, kernel)))
    background = cv2.GaussianBlur(background, (0, 0), kernel / 2)
    background = cv2.resize(background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(gray, background, scale=255)
    table = np.array([255.0 * (i / 255.0) ** 3 for i in range(256)]).clip(0, 255).astype(np.uint8)
    return [_View(flat), _View(cv2.LUT(gray, table))]


def _at_most_side(gray: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    """``gray`` shrunk (area interpolation) so its longer side is at most ``side``; and the factor."""
    import cv2

    factor = min(1.0, side / max(gray.shape))
    if factor >= 1.0:
        return gray, 1.0
    size = (max(1, round(gray.shape[1] * factor)), max(1, round(gray.shape[0] * factor)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA), factor


#: The detectors (OpenCV's, zbar) see at most this many pixels: their time
#: grows with the image (OpenCV's 0.2 s at 2 MP, seconds above), a card's code
#: does not. Measured on the real photos, zbar at 4 MP reads one photo more and
#: one fewer than at 2 MP, at half again the time.
DETECTOR_MAX_PIXELS = 2_000_000


def _at_most(gray: np.ndarray, pixels: int) -> tuple[np.ndarray, float]:
    """``gray`` shrunk to at most ``pixels`` pixels; and the factor."""
    if gray.size <= pixels:
        return gray, 1.0
    return _at_most_side(gray, int(max(gray.shape) * (pixels / gray.size) ** 0.5))


def _detector_view(gray: np.ndarray) -> list[_View]:
    small, factor = _at_most(gray, DETECTOR_MAX_PIXELS)
    return [_View(small, factor)]


#: WeChat's reader sees a copy of at most this many pixels and this many
#: pixels a side, lightly blurred. Its detector's time depends on the size,
#: the shape and the texture of its input, not only on the pixel count: on
#: uniform random noise, 0.7 s at 547 x 547, 1.2 s at 640 x 309, 2.1 s at
#: 800 x 300, 17 s at 21 x 14000; on real photos up to 12 s at full size.
#: A Gaussian blur of sigma 1 first takes the pixel noise its finder-pattern
#: search trips on (1.28 -> 0.41 s at 640 x 309), keeps the two real photos
#: the sharp 0.3 MP copy added (at 0.15 MP one is lost) and reads two more.
WECHAT_MAX_PIXELS = 300_000
WECHAT_MAX_SIDE = 640


#: Steps whose time can far exceed the others' on some images, with a bound
#: measured on the worst input found: the ladder starts such a step, on each
#: of its sources, only when that much time is left. WeChat's step: at most
#: 0.45 s on uniform noise over every shape its copy can have (step 24 px),
#: 0.11 s p95 on the real photos.
STEP_WORST_SECONDS = {"wechat": 0.6}


def _wechat_view(gray: np.ndarray) -> list[_View]:
    import cv2

    small, factor = _at_most(gray, WECHAT_MAX_PIXELS)
    if max(small.shape) > WECHAT_MAX_SIDE:
        small, more = _at_most_side(small, WECHAT_MAX_SIDE)
        factor *= more
    if min(small.shape) < MIN_SIDE:
        return []
    return [_View(cv2.GaussianBlur(small, (0, 0), 1.0), factor)]


#: The ladder: (step name, transform, backends tried on its images), in order.
LADDER: tuple[tuple[str, Callable[[np.ndarray], list[_View]], tuple[str, ...]], ...] = (
    ("gray", _as_is, ("zxing",)),
    ("sharpen_strong", _sharpen_strong, ("zxing",)),
    ("glare", _glare, ("zxing",)),
    ("upscale_deblur", _upscale_deblur, ("zxing",)),
    ("upscale", _upscale, ("zxing",)),
    ("threshold", _threshold, ("zxing",)),
    ("zbar", _detector_view, ("zbar",)),
    ("clahe", _clahe, ("zxing",)),
    ("deconvolve", _deconvolve, ("zxing",)),
    ("wechat", _wechat_view, ("wechat",)),
    ("opencv", _detector_view, ("opencv",)),
)

#: Images with fewer pixels than this across or down hold no QR code: the
#: smallest symbol (version 1) is 21 modules wide, at least a pixel each.
MIN_SIDE = 21


def _gray(image: np.ndarray) -> np.ndarray:
    import cv2

    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


#: Backends that run only when named in ``backends``, where the wechat
#: backend can run. OpenCV's ``QRCodeDetector`` is the slowest step alone on
#: the real photos (45 ms median, 0.15 s p95; seconds on noisy images), and
#: with the wechat step in the ladder it reads no image the other steps miss,
#: on the synthetic set or the real photos; without it, it reads one real
#: photo the others miss (``bright_spots/image015.jpg``), so on a plain
#: OpenCV build (no wechat) it stays in the default set. Left out of the
#: default ladder it cut the p95 of the real photos from 0.26 to 0.20 s
#: (docs/benchmarks.md).
OPT_IN_BACKENDS = frozenset({"opencv"})


def _wanted_backends(backends: Any) -> tuple[str, ...]:
    """The backends to run: checked before any work, so a misuse fails at once and clearly."""
    usable = _backends.available()
    if backends is None:
        if "wechat" not in usable:  # a plain OpenCV build: its own detector stays in
            return usable
        return tuple(name for name in usable if name not in OPT_IN_BACKENDS)
    if isinstance(backends, str):  # one backend by name, not a sequence of letters
        backends = (backends,)
    elif isinstance(backends, (bytes, bytearray)) or not isinstance(backends, Iterable):
        raise TypeError(f"backends must be a backend name or a list of names, not {type(backends).__name__}")
    names = tuple(backends)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"backends must hold backend names (str), not {type(name).__name__}")
    known = ", ".join(_backends.BACKENDS)
    if not names:
        raise BackendUnavailable(f"no backend named: give at least one of {known}, or None for the default set",
                                 field="backends")
    for name in names:
        if name not in usable:
            raise BackendUnavailable(
                f"backend {name!r} cannot run here (known: {known}; available: {', '.join(usable)})",
                field="backends",
            )
    return names


def _check_options(time_budget: Any, find_all: Any, accept: Any, on_step: Any) -> None:
    import math

    if isinstance(time_budget, bool) or not isinstance(time_budget, (int, float)) or math.isnan(time_budget) \
            or time_budget < 0:
        shown = repr(time_budget) if isinstance(time_budget, (int, float)) else type(time_budget).__name__
        raise TypeError(f"time_budget must be a number of seconds >= 0 (math.inf for no limit), not {shown}")
    if not isinstance(find_all, bool):
        raise TypeError(f"find_all must be True or False, not {type(find_all).__name__}")
    for name, value in (("accept", accept), ("on_step", on_step)):
        if value is not None and not callable(value):
            raise TypeError(f"{name} must be a function or None, not {type(value).__name__}")


def _centre(corners: Corners) -> tuple[float, float]:
    return (sum(x for x, _ in corners) / 4.0, sum(y for _, y in corners) / 4.0)


def _inside(point: tuple[float, float], corners: Corners, margin: float = 0.25) -> bool:
    """Whether ``point`` lies within the quad ``corners`` grown by ``margin`` of its size."""
    cx, cy = _centre(corners)
    xs = [x for x, _ in corners]
    ys = [y for _, y in corners]
    half_w = (max(xs) - min(xs)) * (0.5 + margin)
    half_h = (max(ys) - min(ys)) * (0.5 + margin)
    return abs(point[0] - cx) <= half_w and abs(point[1] - cy) <= half_h


#: Steps after the first see the image shrunk to at most this many pixels
#: (a 12 MP photo to about 2300x1700): their time and memory grow with the
#: image, and a code that needs them is large in such a photo. The first step
#: (zxing-cpp, which tries its own down-scaled copies) sees every pixel, and
#: so do the crops around located, unread codes.
WORK_MAX_PIXELS = 4_000_000
FULL_RESOLUTION_STEPS = frozenset({"gray"})


def _within(view: _View, source: _View) -> _View:
    """``view`` (made from ``source.image``) mapped straight to the original image."""
    return _View(
        view.image,
        view.scale * source.scale,
        (view.offset[0] / source.scale + source.offset[0], view.offset[1] / source.scale + source.offset[1]),
    )


def _around(gray: np.ndarray, corners: Corners) -> list[_View]:
    """The full-resolution regions around a located code: its box grown by 0.6 of its longer side on every
    side, and, for a thin quad, also a square about its centre of that size.

    The square, because a code is square: zxing-cpp sometimes locates a code as a thin quad along one of its
    edges (seen on a blurred 3.2 px-per-module code: a 58 x 232 quad), and a crop of that quad's shape cuts the
    code. The box too, because a thin quad is not always such an edge: on a real photo (boofcv brightness
    image013, a 61 x 810 quad beside a code of 167 px) the square alone is larger, so shrunk further by the
    steps, and the code beside the quad was no longer read.
    """
    import numpy as np

    xs = [x for x, _ in corners]
    ys = [y for _, y in corners]
    wide, high = max(xs) - min(xs), max(ys) - min(ys)
    side = max(wide, high)
    margin = side * 0.6 + 8
    height, width = gray.shape
    boxes = [(min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin)]
    if min(wide, high) < side / THIN_QUAD_RATIO:
        cx, cy = _centre(corners)
        half = side / 2 + margin
        boxes.append((cx - half, cy - half, cx + half, cy + half))
    views = []
    for left, top, right, bottom in boxes:
        x0, y0 = max(int(left), 0), max(int(top), 0)
        x1, y1 = min(int(right) + 1, width), min(int(bottom) + 1, height)
        views.append(_View(np.ascontiguousarray(gray[y0:y1, x0:x1]), 1.0, (float(x0), float(y0))))
    return views


#: A located quad whose short side is under its long side divided by this is thin: see :func:`_around`.
THIN_QUAD_RATIO = 1.5


#: At most this many crops around located, unread codes per step, each of at
#: most ``CROP_MAX_PIXELS``, are looked at beside the shrunk copy of a large
#: photo until a code is accepted (and by the steps of ``CROP_STEPS`` beside
#: any photo). Measured on the real photos (min of two
#: runs, alternated with the ladder without them): 3 more photos read (small
#: codes in 12 MP photos of bright spots and damage, one that only WeChat's
#: reader read), p95 221 -> 245 ms, median and slowest photo unchanged; crops
#: up to 300,000 pixels read one of the three.
MAX_CROPS = 4
CROP_MAX_PIXELS = 600_000

#: Steps that look at the crops around located, unread codes in every photo,
#: not only beside the shrunk copy of a large one: those whose result depends
#: on the whole image they are given. Deconvolution estimates the blur from
#: the image's sharpest edges; on a crop, that is the code's own blur. On 30
#: synthetic card photos whose code is 1.6-2.4 px per module, blurred with
#: sigma 0.9-1.3 (no time limit), the ladder read 20 without the crops, 25
#: with them (issue 18). Every step on the crops read the same 25 and cost
#: more at the p95 of single-card photos (docs/benchmarks.md).
CROP_STEPS = frozenset({"deconvolve"})


def _small_crops(gray: np.ndarray, located: list[Corners]) -> list[_View]:
    """Full-resolution crops around the largest located codes whose crop is small (see ``MAX_CROPS``).

    The wechat step shrinks a crop over ``WECHAT_MAX_PIXELS`` like any image.
    """
    crops = [crop for corners in sorted(located, key=_side, reverse=True) for crop in _around(gray, corners)]
    return [crop for crop in crops if crop.image.size <= CROP_MAX_PIXELS][:MAX_CROPS]


def _side(corners: Corners) -> float:
    xs = [x for x, _ in corners]
    ys = [y for _, y in corners]
    return float(((max(xs) - min(xs)) * (max(ys) - min(ys))) ** 0.5)


def _plausible_second_code(located: Corners, read: list[Corners]) -> bool:
    """Whether a located-but-unread symbol looks like another code rather than a false detection.

    zxing-cpp's located symbols include degenerate ones (no area) and parts of
    the codes it did read; on multi-code photos (several cards, a sheet of
    labels) the codes have sizes of one order. So: at least ``MIN_SIDE``
    pixels across, and (when codes were read) between 0.25 and 4 times
    their sizes. The lower bound: a card further from the lens than the
    other, its code of fewer modules (a CCCD's version 6–9 beside a BHYT
    card's 10–15) measured 0.27 of the sharp card's code on the two-card
    photos of ``fixtures/generate.py`` (bucket ``two_small``); zxing-cpp's
    false detections on those photos measured 0.1–0.2.
    """
    side = _side(located)
    if side < MIN_SIDE:
        return False
    if not read:
        return True
    sides = [_side(corners) for corners in read]
    return 0.25 * min(sides) <= side <= 4.0 * max(sides)


#: Once a code is accepted and no other is located, the ladder looks once
#: more at the rest of the image before it stops (step ``look_again``): the
#: codes read so far masked out, a mild unsharp mask (sigma 1.5, amount 1.5),
#: zxing-cpp in its quick mode (the image as given: see
#: :func:`~vssid_id.images.backends.read_and_locate`). A second card that is
#: small and slightly blurred beside a sharp one is often not even located by
#: the first step, and the stop rule would end the ladder after the first
#: card; what this look locates is then read on crops by the rest of the
#: ladder. Chosen on the two-card photos of ``fixtures/generate.py`` (bucket
#: ``two_small``, 350 of them) that the ladder left at one card: this mask
#: read or located the second code in 26 of 26; the ladder's strong mask
#: (sigma 3, amount 2) in 20, sigma 2 amount 1.5 in 24, the image as it is in
#: 1. Its cost on single-card photos is in docs/benchmarks.md.
LOOK_AGAIN_STEP = "look_again"


def _look_again(gray: np.ndarray) -> list[_View]:
    return [_View(_unsharp(gray, 1.5, 1.5))]


def _masked(view: _View, quads: list[Corners]) -> _View:
    """A copy of ``view`` with each quad (original coordinates) painted white, grown to cover its quiet zone."""
    import cv2
    import numpy as np

    image = view.image.copy()
    ox, oy = view.offset
    for quad in quads:
        points = np.array([((x - ox) * view.scale, (y - oy) * view.scale) for x, y in quad], np.float32)
        centre = points.mean(axis=0)
        grown = centre + (points - centre) * MASK_GROWTH
        cv2.fillConvexPoly(image, np.round(grown).astype(np.int32), 255)
    return _View(image, view.scale, view.offset)


#: A read code is masked out over its quad grown by this factor about its
#: centre: the symbol (21–177 modules) and its 4-module quiet zone, with room
#: for corners a backend placed a module off.
MASK_GROWTH = 1.3


def _same_place(a: Corners, b: Corners) -> bool:
    """Whether two read codes are one symbol: the centre of either lies within the other's bounding box."""
    return _inside(_centre(a), b, 0.0) or _inside(_centre(b), a, 0.0)


def _better_at_one_place(new: QrPayload, new_accepted: bool, kept: QrPayload, kept_accepted: bool) -> bool:
    """Of two texts read from one symbol, whether ``new`` replaces ``kept``.

    One symbol gives one payload. Readers can disagree on its text: on
    Shift-JIS bytes zxing-cpp gives a backslash where zbar gives ``¥`` for 0x5C. The
    text ``accept`` takes wins; between two it takes or two it refuses,
    zxing-cpp's (the primary reader, whose character-set handling the other
    texts are repaired towards); else the first read.
    """
    return (new_accepted, new.backend == "zxing") > (kept_accepted, kept.backend == "zxing")


def decode(
    image: Any,
    *,
    backends: Sequence[str] | str | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    color_order: str = "bgr",
    time_budget: float = DEFAULT_TIME_BUDGET,
    find_all: bool = False,
    accept: Callable[[str], bool] | None = None,
    on_step: Callable[[str, np.ndarray], None] | None = None,
) -> list[QrPayload]:
    """Find the QR codes on ``image`` and return their payloads.

    ``image``: anything :func:`~vssid_id.images.loading.load_image` reads (path,
    bytes, binary file, PIL image, numpy array in ``color_order``).
    ``backends``: restrict to these backend names, or one name as a string
    (default ``None``: every available one except those in
    :data:`OPT_IN_BACKENDS`, i.e. OpenCV's detector, which runs only when
    named, or when the wechat backend cannot run).

    The ladder stops at the first step after which a payload has been found
    for which ``accept(text)`` is true (``accept=None`` accepts any payload)
    *and* no code that a step located is still unread: when zxing-cpp locates
    a symbol it cannot decode (a second card beside the first, say), the
    ladder goes on, within ``time_budget``, looking at full-resolution crops
    around that symbol (and, when two or more codes were read already, at the
    whole image too) until it is read. Before it stops, it looks once at the
    rest of the image, the codes read so far masked out (step
    ``look_again``, see :data:`LOOK_AGAIN_STEP`): a second card that no step
    had located is read there or located, and then read on crops. Until a
    code is accepted (and always with ``find_all=True``), the steps after the
    first also look at
    full-resolution crops around located, unread symbols when they work on
    a shrunk copy of a large photo. With ``find_all=True`` it runs every
    step on the whole image and returns every distinct code. One symbol
    gives one payload: when two readers give different texts for codes at
    one place, the text ``accept`` takes is kept, else zxing-cpp's (see
    :func:`_better_at_one_place`). When nothing is
    accepted, the codes that were read are still returned, so a caller can
    tell "no code" from "a code that is not a card". ``on_step(name, image)``
    receives every preprocessed image (for debugging).

    Time: the first step always runs; a later one starts only if a step as
    slow as the slowest so far, or as the step's own measured worst case
    (:data:`STEP_WORST_SECONDS`), would still end within ``time_budget``
    seconds (a step already started is finished).

    Any image too thin to hold a QR code (under 21 pixels across or down)
    gives ``[]``. No exception from a backend or an image transform escapes:
    a step that fails on an odd image is skipped.

    Memory: on top of the loaded image, the ladder holds its grayscale copy
    (the image itself when it is grayscale), a working copy of at most
    4 megapixels for the steps after the first, and a few copies of that per
    step. Measured with ``bench/bench_memory.py`` (docs/benchmarks.md), the
    peak added by one call: about 95 MB for a 48 MP colour photo (137 MB
    itself), 31 MB for a 12 MP one, 63 MB for a 21 x 2,380,952 strip (50 MP
    grayscale, the whole ladder) and nothing for a 1 x 49,999,999 image (both
    measured with ``max_pixels`` raised: the loader refuses them by default).

    Raises :class:`~vssid_id.errors.ImageError` for unreadable input,
    :class:`~vssid_id.errors.BackendUnavailable` when ``backends`` is empty or
    names a backend that is unknown or cannot run here, and ``TypeError`` for
    an option of the wrong type (``time_budget`` not a number ≥ 0,
    ``find_all`` not a bool, ``accept`` or ``on_step`` not callable).
    """
    wanted = _wanted_backends(backends)
    _check_options(time_budget, find_all, accept, on_step)
    start = time.perf_counter()
    gray = _gray(load_image(image, max_pixels=max_pixels, color_order=color_order))  # type: ignore[arg-type]
    if min(gray.shape) < MIN_SIDE:
        return []
    work: _View | None = None  # the shrunk copy, made when a step first needs it
    found: dict[str, QrPayload] = {}
    accepted: set[str] = set()
    unread: list[Corners] = []  # located codes that no step has read yet
    ran_a_step = False  # the first step always runs, whatever the budget
    slowest_step = 0.0  # seconds: a step is not started unless one as slow would end within the budget
    looked_again = False  # the look at the rest of the image, once a code is accepted, happens once

    def fits(step: str) -> bool:
        """Whether ``step`` may start: the budget rule of the docstring."""
        elapsed = time.perf_counter() - start
        return not ran_a_step or (elapsed + slowest_step <= time_budget
                                  and elapsed + STEP_WORST_SECONDS.get(step, 0.0) <= time_budget)

    def add(hit: _backends.Hit, corners: Corners, step: str) -> None:
        """Keep ``hit``: one payload per text, and one per place (see :func:`_better_at_one_place`)."""
        if hit.text in found:
            return
        payload = QrPayload(text=hit.text, raw=hit.raw, corners=corners, backend=hit.backend, step=step,
                            elapsed=time.perf_counter() - start, ec_level=hit.ec_level)
        good = accept is None or accept(hit.text)
        for text, there in list(found.items()):
            if _same_place(corners, there.corners):
                if not _better_at_one_place(payload, good, there, text in accepted):
                    return
                del found[text]
                accepted.discard(text)
        found[hit.text] = payload
        if good:
            accepted.add(hit.text)

    def run(step: str, transform: Callable[[np.ndarray], list[_View]], names: list[str],
            sources: list[_View], first_step: bool, label: str, quick: bool = False) -> None:
        """One step of the ladder on ``sources``: every view through every backend named."""
        nonlocal unread
        worst = STEP_WORST_SECONDS.get(step, 0.0)
        for index, source in enumerate(sources):
            if worst and (index or not first_step) and time.perf_counter() - start + worst > time_budget:
                break  # a slow step on several sources (crops): each must fit in what is left
            try:
                views = [_within(view, source) for view in transform(source.image)]
            except Exception as error:  # an odd shape or size must not end the ladder
                log.debug("vssid_id: step %s skipped: %s", label, type(error).__name__)
                continue
            for view in views:
                if on_step is not None:
                    on_step(label, view.image)
                for name in names:
                    hits, misses = _backends.read_and_locate(name, view.image, quick=quick)
                    for hit in hits:  # first: the misses are judged against every code read, these too
                        corners = view.to_original(hit.corners)
                        unread = [quad for quad in unread if not _inside(_centre(quad), corners)]
                        add(hit, corners, label)
                    read = [payload.corners for payload in found.values()]
                    for corners in map(view.to_original, misses):
                        centre = _centre(corners)
                        if _plausible_second_code(corners, read) and not any(
                                _inside(centre, quad) for quad in [*read, *unread]):
                            unread.append(corners)

    def look_again() -> None:
        """The rest of the image, the codes read so far masked out (see :data:`LOOK_AGAIN_STEP`)."""
        nonlocal work, looked_again, slowest_step
        looked_again = True
        if "zxing" not in wanted or not fits(LOOK_AGAIN_STEP):
            return
        began = time.perf_counter()
        work = work or _View(*_at_most(gray, WORK_MAX_PIXELS))
        rest = _masked(work, [payload.corners for payload in found.values()])
        run(LOOK_AGAIN_STEP, _look_again, ["zxing"], [rest], False, LOOK_AGAIN_STEP, quick=True)
        slowest_step = max(slowest_step, time.perf_counter() - began)

    for step, transform, step_backends in LADDER:
        names = [name for name in step_backends if name in wanted]
        if not names:
            continue
        if accepted and not find_all and not unread:
            if looked_again:
                break
            look_again()  # a second card the steps so far did not even locate: look where nothing was read
            if not unread:
                break
        if not fits(step):
            if time.perf_counter() - start + slowest_step > time_budget:
                break  # this step would likely end past the budget
            continue  # this step's own worst case does not fit in what is left; a cheaper later one may
        began = time.perf_counter()
        first_step, ran_a_step = not ran_a_step, True
        if accepted and not find_all:  # only located, unread codes are left: look there
            sources = [crop for corners in unread for crop in _around(gray, corners)]
            if len(found) >= 2:  # a sheet of codes: others may not have been located at all
                work = work or _View(*_at_most(gray, WORK_MAX_PIXELS))
                sources.append(work)
        elif step in FULL_RESOLUTION_STEPS:
            sources = [_View(gray)]
        else:
            work = work or _View(*_at_most(gray, WORK_MAX_PIXELS))
            sources = [work]
            if work.scale < 1.0 or step in CROP_STEPS:  # located, unread codes: closer (see CROP_STEPS)
                sources += _small_crops(gray, unread)
        run(step, transform, names, sources, first_step, step)
        slowest_step = max(slowest_step, time.perf_counter() - began)
    if accepted and not find_all:
        return [payload for text, payload in found.items() if text in accepted]
    return list(found.values())


def decode_frames(frames: Iterable[Any], **options: Any) -> Iterator[list[QrPayload]]:
    """Decode a sequence of video frames, yielding each frame's payloads in turn."""
    for frame in frames:
        yield decode(frame, **options)
