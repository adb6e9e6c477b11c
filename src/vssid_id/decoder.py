"""Image → QR payloads: the backends run over a ladder of preprocessing steps.

The ladder is tried in order, cheapest first, only while nothing acceptable
has been found and the time budget lasts. Each step makes one or more images
from the grayscale original and runs one or more backends on them. The order
was measured, not guessed: ``bench/bench_decode.py --steps`` runs every step
alone on every image of the synthetic set, and the steps that read the most
images the earlier steps miss, per millisecond, come first (numbers in
docs/benchmarks.md):

==================  =============================================================
step                what it does
==================  =============================================================
``gray``            zxing-cpp on the grayscale image as it is (zxing-cpp itself
                    also tries the inverted image, 90° rotations and
                    down-scaled copies)
``sharpen``         light unsharp mask (sigma 1) — mild blur, soft focus
``sharpen_strong``  strong unsharp mask (sigma 3) — heavy blur
``upscale``         ×2 cubic up-scaling, then sharpening — codes under ~2 pixels
                    per module (skipped above 4 megapixels)
``threshold``       adaptive thresholding — shadows, low contrast
``clahe``           local contrast equalisation — uneven light, glare
``opencv``          OpenCV's detector, a different locator
``zbar``            pyzbar, when libzbar is installed
``crop``            crop and zoom on regions located by OpenCV's detector and
                    by clusters of finder patterns, read by zxing-cpp and OpenCV
==================  =============================================================

The last four steps read nothing on the synthetic set that the first ones miss;
they stay, last, for what it does not model (damaged codes, odd printing),
and cost time only on images where everything before them failed.

Corners are mapped back to the original image's coordinates whatever step
found the code.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from . import backends as _backends
from .errors import BackendUnavailable
from .image_input import DEFAULT_MAX_PIXELS, load_image

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["QrPayload", "decode", "decode_frames", "LADDER", "DEFAULT_TIME_BUDGET"]

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

    image: "np.ndarray"
    scale: float = 1.0
    offset: tuple[float, float] = (0.0, 0.0)

    def to_original(self, corners: Corners) -> Corners:
        ox, oy = self.offset
        return tuple((x / self.scale + ox, y / self.scale + oy) for x, y in corners)  # type: ignore[return-value]


# --- the ladder's image transforms -------------------------------------------------


def _as_is(gray: "np.ndarray") -> list[_View]:
    return [_View(gray)]


def _unsharp(gray: "np.ndarray", sigma: float, amount: float) -> "np.ndarray":
    """``gray + amount * (gray - blurred)``: edges steepened, saturating at 0 and 255."""
    import cv2

    blurred = cv2.GaussianBlur(gray, (0, 0), sigma)
    return cv2.addWeighted(gray, 1.0 + amount, blurred, -amount, 0)


def _sharpen(gray: "np.ndarray") -> list[_View]:
    return [_View(_unsharp(gray, 1.0, 1.0))]


def _sharpen_strong(gray: "np.ndarray") -> list[_View]:
    return [_View(_unsharp(gray, 3.0, 2.0))]


#: Images above this many pixels are not up-scaled (the copy would pass 16 MP).
UPSCALE_MAX_PIXELS = 4_000_000


def _upscale(gray: "np.ndarray") -> list[_View]:
    import cv2

    if gray.size > UPSCALE_MAX_PIXELS:
        return []
    bigger = cv2.resize(gray, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
    return [_View(_unsharp(bigger, 2.0, 1.0), 2.0)]


def _clahe(gray: "np.ndarray") -> list[_View]:
    import cv2

    return [_View(cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(gray))]


def _threshold(gray: "np.ndarray") -> list[_View]:
    import cv2

    block = max(15, (min(gray.shape) // 30) | 1)
    return [_View(cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 5))]


def _crops(gray: "np.ndarray") -> list[_View]:
    """Regions a detector finds, cropped with a margin and zoomed to ~900 px."""
    import cv2
    import numpy as np

    regions: list[tuple[int, int, int, int]] = []
    try:
        found, points = cv2.QRCodeDetector().detectMulti(gray)
        if found and points is not None:
            for quad in points:
                x, y, w, h = cv2.boundingRect(quad.astype(np.float32))
                regions.append((x, y, w, h))
    except cv2.error:
        pass
    regions += _finder_pattern_regions(gray)
    views = []
    height, width = gray.shape
    for x, y, w, h in regions[:4]:
        margin = max(w, h) // 3 + 8
        x0, y0 = max(x - margin, 0), max(y - margin, 0)
        x1, y1 = min(x + w + margin, width), min(y + h + margin, height)
        if x1 - x0 < 20 or y1 - y0 < 20:
            continue
        crop = gray[y0:y1, x0:x1]
        scale = 900.0 / max(crop.shape)
        zoomed = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        views.append(_View(zoomed, scale, (float(x0), float(y0))))
    return views


def _finder_pattern_regions(gray: "np.ndarray") -> list[tuple[int, int, int, int]]:
    """Bounding boxes of clusters of square, nested contours (QR finder patterns)."""
    import cv2
    import numpy as np

    small_scale = min(1.0, 1000.0 / max(gray.shape))
    small = cv2.resize(gray, None, fx=small_scale, fy=small_scale, interpolation=cv2.INTER_AREA)
    binary = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 7)
    contours, hierarchy = cv2.findContours(binary, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    centres = []
    for index, contour in enumerate(contours):
        child = hierarchy[0][index][2]
        if child < 0 or hierarchy[0][child][2] < 0:  # need two nested levels
            continue
        x, y, w, h = cv2.boundingRect(contour)
        if w < 6 or h < 6 or not 0.5 < w / h < 2.0:
            continue
        centres.append((x + w / 2, y + h / 2, max(w, h)))
    if len(centres) < 3:
        return []
    points = np.array([(cx, cy) for cx, cy, _ in centres], np.float32)
    size = float(np.median([s for _, _, s in centres]))
    # Group finder patterns that lie within ~12 pattern sizes of each other.
    groups: list[list[int]] = []
    for i in range(len(points)):
        for group in groups:
            if np.linalg.norm(points[group[0]] - points[i]) < 12 * size:
                group.append(i)
                break
        else:
            groups.append([i])
    regions = []
    for group in sorted(groups, key=len, reverse=True):
        if len(group) < 3:
            continue
        x, y, w, h = cv2.boundingRect(points[group])
        pad = size
        regions.append(tuple(int(v / small_scale) for v in (x - pad, y - pad, w + 2 * pad, h + 2 * pad)))
    return regions  # type: ignore[return-value]


#: The ladder: (step name, transform, backends tried on its images), in order.
LADDER: tuple[tuple[str, Callable[["np.ndarray"], list[_View]], tuple[str, ...]], ...] = (
    ("gray", _as_is, ("zxing",)),
    ("sharpen", _sharpen, ("zxing",)),
    ("sharpen_strong", _sharpen_strong, ("zxing",)),
    ("upscale", _upscale, ("zxing",)),
    ("threshold", _threshold, ("zxing",)),
    ("clahe", _clahe, ("zxing",)),
    ("opencv", _as_is, ("opencv",)),
    ("zbar", _as_is, ("zbar",)),
    ("crop", _crops, ("zxing", "opencv")),
)


def _gray(image: "np.ndarray") -> "np.ndarray":
    import cv2

    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def decode(
    image: Any,
    *,
    backends: Sequence[str] | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    color_order: str = "bgr",
    time_budget: float = DEFAULT_TIME_BUDGET,
    find_all: bool = False,
    accept: Callable[[str], bool] | None = None,
    on_step: Callable[[str, "np.ndarray"], None] | None = None,
) -> list[QrPayload]:
    """Find the QR codes on ``image`` and return their payloads.

    ``image``: anything :func:`~vssid_id.image_input.load_image` reads (path,
    bytes, binary file, PIL image, numpy array in ``color_order``).
    ``backends``: restrict to these backend names (default: every available
    one). The ladder stops at the first step that yields a payload for which
    ``accept(text)`` is true (``accept=None`` accepts any payload); with
    ``find_all=True`` it runs every step and returns every distinct code.
    When nothing is accepted, the codes that were read are still returned, so
    a caller can tell "no code" from "a code that is not a card".
    ``on_step(name, image)`` receives every preprocessed image (for debugging).

    Raises :class:`~vssid_id.errors.ImageError` for unreadable input and
    :class:`~vssid_id.errors.BackendUnavailable` when a backend named in
    ``backends`` is unknown or cannot run here.
    """
    start = time.perf_counter()
    gray = _gray(load_image(image, max_pixels=max_pixels, color_order=color_order))  # type: ignore[arg-type]
    usable = _backends.available()
    if backends is not None:
        missing = [name for name in backends if name not in usable]
        if missing:
            known = ", ".join(_backends.BACKENDS)
            raise BackendUnavailable(
                f"backend {missing[0]!r} cannot run here (known: {known}; available: {', '.join(usable)})",
                field="backends",
            )
    wanted = tuple(backends or usable)
    found: dict[str, QrPayload] = {}
    accepted: set[str] = set()
    ran_a_step = False  # the first step always runs, whatever the budget
    for step, transform, step_backends in LADDER:
        names = [name for name in step_backends if name in wanted]
        if not names:
            continue
        if found and not find_all and accepted:
            break
        if ran_a_step and time.perf_counter() - start > time_budget:
            break
        ran_a_step = True
        for view in transform(gray):
            if on_step is not None:
                on_step(step, view.image)
            for name in names:
                for hit in _backends.read(name, view.image):
                    if hit.text in found:
                        continue
                    found[hit.text] = QrPayload(
                        text=hit.text,
                        raw=hit.raw,
                        corners=view.to_original(hit.corners),
                        backend=hit.backend,
                        step=step,
                        elapsed=time.perf_counter() - start,
                        ec_level=hit.ec_level,
                    )
                    if accept is None or accept(hit.text):
                        accepted.add(hit.text)
    if accepted and not find_all:
        return [payload for text, payload in found.items() if text in accepted]
    return list(found.values())


def decode_frames(frames: Iterable[Any], **options: Any) -> Iterator[list[QrPayload]]:
    """Decode a sequence of video frames, yielding each frame's payloads in turn."""
    for frame in frames:
        yield decode(frame, **options)
