"""Image → the text of a machine-readable zone (MRZ): find it, straighten it, read it in OCR-B.

ICAO Doc 9303 part 3 prints every MRZ in OCR-B (ISO 1073-2), size 1, at ten
characters to the inch, in a fixed alphabet (``A``–``Z``, ``0``–``9``, ``<``):
a fixed font at a fixed pitch, which is what template matching reads best. The
templates are rendered at first use from the OCR-B font bundled in
``vssid_id/data`` (Debian ``fonts-ocr-b``, public domain:
``data/OCRB-LICENSE.txt``); nothing is downloaded. docs/benchmarks.md has the
measurement that chose this engine over Tesseract.

The steps, each a function below:

1. :func:`find_zones` — dark text on a lighter ground, closed into blocks
   (black-hat, Otsu, closing) at three scales; blocks as long as an MRZ
   (aspect 2.5–25) become rotated rectangles, the largest first, each cut out
   with its long side horizontal (:func:`_strip`; half a turn is tried too);
2. :func:`_rows` and :func:`_rectify` — the block's glyphs (connected
   components) are grouped into rows (lines aslant followed along:
   :func:`_chains`; what lies past a line's end trimmed: :func:`_trim_ends`);
   between the first and the last row's ends and middle lines, with a
   one-parameter perspective along the lines (:func:`_foreshortening`), the
   zone is resampled into a flat grid of ``rows`` × ``columns`` cells (a
   tilted card is straightened, not just rotated);
3. :func:`_zone_scores` — the zone's blur is estimated (:func:`_blur_level`:
   which of the template sets, sharp and at eight blurs, its cells fit best)
   and each cell is matched (normalised cross-correlation, a few pixels of
   play) against the 37 templates of that blur (:func:`_cell_scores`); a
   blurred zone is matched again deconvolved (:func:`_sharpen`); the
   caller's layout mask says which characters a cell may hold
   (:func:`_ranked`);
4. :func:`read_mrz_text` — the best reading and then its alternatives (the
   ambiguous cells swapped for their runner-up, cheapest first:
   :func:`readings`) go to the caller's ``accept`` test until one passes.
   This wing knows nothing of cards: the caller's test
   (:func:`vssid_id.read_mrz` parses the text and verifies its check digits)
   decides, and a zone no reading of which passes is not read. A zone whose
   lines run to the end of its strip is cut out again, longer there
   (:func:`_lengthened`: a glare may have cut the block found).
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import cv2
import numpy as np

from .loading import load_image

__all__ = ["ALPHABET", "MASK_CHARACTERS", "MrzReading", "read_mrz_text", "readings", "find_zones"]

#: The MRZ's characters (Doc 9303 part 3, 4.3), in template order.
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
#: What a cell of a layout mask admits (see :func:`read_mrz_text`).
MASK_CHARACTERS = {
    "A": "ABCDEFGHIJKLMNOPQRSTUVWXYZ<",
    "9": "0123456789",
    "N": "0123456789<",
    "<": "<",
    "S": "FMX<",  # the sex (Doc 9303 part 4, 4.2.2.3)
    "X": ALPHABET,
}
_PITCH = 24  # template width (one character pitch) in pixels
#: The Gaussian sigmas (template pixels; the pitch is 24) of the template
#: sets: the sharp glyphs and eight blurs up to a quarter of the pitch, about
#: what a phone gives of a card 20 cm away and out of focus. A zone is matched
#: against the one set that fits its blur best (:func:`_blur_level`).
_BLURS = (0.0, 0.7, 1.1, 1.6, 2.2, 2.9, 3.7, 4.7, 6.0)
_PAD = 16  # template pixels rendered around each glyph before blurring it
#: OCR-B leaves about this fraction of the pitch blank on either side of its
#: wide glyphs (measured on the bundled font).
_SIDE_BEARING = 0.155
_WORK_SIDE = 1000  # the longer side of the image zones are searched on
_STRIP_SIDE = 1400  # the longer side of a candidate zone as it is read
_AMBIGUOUS = 0.12  # a cell whose runner-up scores within this of the best is ambiguous
_MAX_TRIES = 200  # readings handed to ``accept`` per zone and orientation
#: A candidate whose cells' median best correlation (matched at its blur) is
#: below this is not an MRZ the right way up: on bench/bench_mrz.py's backs of
#: seeds 11 and 12, the 599 zones the right way up had medians of 0.966 to
#: 0.99; the 3,385 other candidates (other text, the card's art, zones upside
#: down) 0.94 at most, and the 37 of them over 0.9 were all blurred zones
#: upside down (a blur makes every glyph look alike), whose readings the
#: check digits refuse.
_MIN_ZONE_SCORE = 0.9
#: Zones blurred at least this much (index in :data:`_BLURS`) whose reading
#: fails are read again deconvolved (:func:`_sharpen`).
_SHARPEN_FROM = 3
#: The share of the zone's estimated blur that :func:`_sharpen` undoes: the
#: whole of it amplifies the JPEG's and the sensor's noise more than it
#: separates the letters (on bench/bench_mrz.py's blurred backs, seeds 11 and
#: 12, the true name letters' lead over their runner-up was largest at 0.7).
_SHARPEN_SHARE = 0.7
#: A zone none of whose readings passes and whose lines run to the strip's
#: end is read again from a strip longer by this share of its length there.
_LENGTHEN = 0.5


@dataclass(frozen=True)
class MrzReading:
    """One reading of a zone: its lines and, per character, how sure the read is.

    ``scores[i][j]`` is the correlation (−1…1) of character ``j`` of line
    ``i`` with its template; ``margins[i][j]`` how far it beat the best other
    character (0 when the reading took the runner-up). ``corners`` are the
    zone's four corners on the image (top-left, top-right, bottom-right,
    bottom-left, as the text reads).
    """

    lines: tuple[str, ...]
    scores: tuple[tuple[float, ...], ...]
    margins: tuple[tuple[float, ...], ...]
    corners: tuple[tuple[float, float], ...]
    elapsed: float = 0.0

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class _Glyphs:
    """The 37 OCR-B templates at each blur of :data:`_BLURS`, as zero-mean unit
    rows (``templates[level]``: 37 × ``height * pitch``), and their cell:
    ``pitch`` wide, ``height`` high, the glyphs' middle ``middle`` pixels from
    the top."""

    templates: np.ndarray
    pitch: int
    height: int
    middle: float


@functools.cache
def _glyphs() -> _Glyphs:
    """Render the templates from the bundled OCR-B, one character pitch
    (:data:`_PITCH`) wide, from the top of the digits (OCR-B's tallest
    glyphs) to just below the baseline. Each glyph is blurred with the ink
    around it (:data:`_PAD` pixels of margin), then cut to its cell: a
    blurred glyph's ink spreads past its cell, as on a photo."""
    from PIL import Image, ImageDraw, ImageFont

    with resources.as_file(resources.files("vssid_id") / "data" / "OCRB.otf") as path:
        font = ImageFont.truetype(str(path), 160)
    advance = font.getlength("H")
    margin = 140  # render pixels around the glyph's cell: more than _PAD template pixels
    size, origin = (int(advance) + 2 * margin, 260 + 2 * margin), (margin, 200 + margin)

    def render(char: str) -> np.ndarray:
        image = Image.new("L", size, 0)
        ImageDraw.Draw(image).text(origin, char, fill=255, font=font, anchor="ls")
        return np.asarray(image, dtype=np.float32)

    tops = [int(np.flatnonzero(render(char).max(axis=1) > 127)[0]) for char in "0123456789"]
    top, bottom = min(tops) - 2, origin[1] + 3
    scale = _PITCH / advance
    height = round((bottom - top) * scale)
    pad_x, pad_y = round(_PAD * advance / _PITCH), round(_PAD * (bottom - top) / height)
    padded = [
        cv2.resize(render(char)[top - pad_y:bottom + pad_y, origin[0] - pad_x:origin[0] + round(advance) + pad_x],
                   (_PITCH + 2 * _PAD, height + 2 * _PAD), interpolation=cv2.INTER_AREA)
        for char in ALPHABET
    ]
    levels = []
    for sigma in _BLURS:
        blurred = [cv2.GaussianBlur(glyph, (0, 0), sigma, borderType=cv2.BORDER_CONSTANT) if sigma else glyph
                   for glyph in padded]
        cells = np.stack([glyph[_PAD:_PAD + height, _PAD:_PAD + _PITCH].ravel() for glyph in blurred])
        levels.append(_unit_rows(cells))
    middle = ((min(tops) + origin[1]) / 2 - top) * scale
    return _Glyphs(np.stack(levels), _PITCH, height, middle)


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = matrix - matrix.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit: np.ndarray = matrix / np.maximum(norms, 1e-6)
    return unit


def find_zones(gray: np.ndarray) -> list[np.ndarray]:
    """Candidate zones on a grayscale image: rotated rectangles as 4×2 corner
    arrays in image coordinates, the most MRZ-like first."""
    return [corners for corners, _ in _zone_candidates(gray)]


def _zone_candidates(gray: np.ndarray) -> list[tuple[np.ndarray, float]]:
    height, width = gray.shape
    factor = min(1.0, _WORK_SIDE / max(height, width))
    work = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_LINEAR) if factor < 1 else gray
    side = max(work.shape)
    found: list[tuple[np.ndarray, float]] = []
    for fraction in (0.009, 0.015, 0.025):
        size = max(3, round(side * fraction))
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
        blackhat = cv2.morphologyEx(work, cv2.MORPH_BLACKHAT, kernel)
        _, ink = cv2.threshold(blackhat, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
        blocks = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, kernel)
        contours, _ = cv2.findContours(blocks, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            (cx, cy), (w, h), angle = cv2.minAreaRect(contour)
            long, short = max(w, h), min(w, h)
            if short < 6 or long < 0.15 * side or not 2.5 <= long / short <= 25:
                continue
            # Grow the rectangle a little: the closing may have cut the zone's ends.
            grown = ((cx, cy), (w + 0.06 * long + 2 * size, h + 0.25 * short + 2 * size), angle)
            corners = cv2.boxPoints(grown) / factor
            area = cv2.contourArea(contour)
            found.append((corners.astype(np.float32), area * min(1.0, area / (w * h))))
    found.sort(key=lambda item: -item[1])
    unique: list[tuple[np.ndarray, float]] = []
    for corners, score in found:
        centre = corners.mean(axis=0)
        if all(np.linalg.norm(centre - other.mean(axis=0)) > 0.05 * max(gray.shape) for other, _ in unique):
            unique.append((corners, score))
    return unique[:6]


def _strip(gray: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The rotated rectangle ``corners`` cut out with its long side horizontal."""
    ordered = _order_long_side_first(corners)
    long = float(np.linalg.norm(ordered[1] - ordered[0]))
    short = float(np.linalg.norm(ordered[3] - ordered[0]))
    scale = _STRIP_SIDE / max(long, 1.0)
    size = (round(long * scale), max(8, round(short * scale)))
    target = np.array([[0, 0], [size[0], 0], [size[0], size[1]], [0, size[1]]], np.float32)
    matrix = cv2.getPerspectiveTransform(ordered, target)
    return cv2.warpPerspective(gray, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _order_long_side_first(corners: np.ndarray) -> np.ndarray:
    """Corners ordered so that the first edge is a long side, turning clockwise
    from the corner that is top-left when that side lies horizontal."""
    points = corners.astype(np.float32)
    if np.linalg.norm(points[1] - points[0]) < np.linalg.norm(points[2] - points[1]):
        points = np.roll(points, -1, axis=0)
    # Make the long side point rightwards (the 180° case is read by the caller turning the strip).
    if points[1][0] < points[0][0]:
        points = np.roll(points, 2, axis=0)
    return np.ascontiguousarray(points)


@dataclass
class _Row:
    boxes: np.ndarray  # (n, 4): x, y, w, h of the row's components

    @property
    def left(self) -> float:
        return float(self.boxes[:, 0].min())

    @property
    def right(self) -> float:
        return float((self.boxes[:, 0] + self.boxes[:, 2]).max())


def _rows(strip: np.ndarray) -> tuple[list[_Row], float]:
    """The strip's text rows, top first, and the median character height.

    Components of about a character's height are grouped by the height of
    their middles (a new row where the next middle is more than 0.6 of a
    character lower). A group whose middles spread over more than a
    character's height is lines running aslant, taken together: it is split
    by chaining its components along the lines (:func:`_chains`). Chaining
    is not the rule for every group: a blurred line's fillers can fade
    apart, and grouping by height keeps such a line whole."""
    block = max(15, (strip.shape[1] // 40) | 1)
    ink = cv2.adaptiveThreshold(strip, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    boxes = stats[1:count, :4].astype(np.float32)
    tall = boxes[(boxes[:, 3] >= 8) & (boxes[:, 3] <= strip.shape[0] * 0.6)]
    if len(tall) < 10:
        return [], 0.0
    glyph = float(np.median(tall[:, 3]))
    keep = (boxes[:, 3] >= 0.3 * glyph) & (boxes[:, 3] <= 1.6 * glyph) & (boxes[:, 2] <= strip.shape[1] * 0.5)
    boxes = boxes[keep]
    order = np.argsort(boxes[:, 1] + boxes[:, 3] / 2)
    groups: list[list[np.ndarray]] = []
    last = -1e9
    for box in boxes[order]:
        centre = box[1] + box[3] / 2
        if centre - last > 0.6 * glyph:
            groups.append([])
        groups[-1].append(box)
        last = centre
    rows: list[np.ndarray] = []
    for group in map(np.array, groups):
        middles = group[:, 1] + group[:, 3] / 2
        # A group taller than a character is lines running aslant, taken together: follow each.
        rows.extend(_chains(group, glyph) if float(np.ptp(middles)) > glyph else [group])
    trimmed = [_trim_ends(row, glyph, strip.shape[1]) for row in rows]
    result = [_Row(row) for row in trimmed if len(row) >= 6]
    result = [row for row in result if row.right - row.left > 0.5 * strip.shape[1] * 0.8]
    return result, glyph


def _chains(boxes: np.ndarray, glyph: float) -> list[np.ndarray]:
    """The components (x, y, w, h) chained into lines, top first: each is
    linked to its nearest neighbour on the right that is no further than a
    character's height away and whose middle is within 0.4 of a character's
    height of its own. The lines of an MRZ are 1.7 characters' heights
    apart, so a chain never jumps a line, and it follows a line that runs
    aslant (a tilted card: grouping the components by height alone took two
    such lines for one). Chains of fewer than six components are dropped."""
    if len(boxes) == 0:
        return []
    left, right, middle = boxes[:, 0], boxes[:, 0] + boxes[:, 2], boxes[:, 1] + boxes[:, 3] / 2
    gap = left[None, :] - right[:, None]  # from i's right end to j's left end
    rise = np.abs(middle[None, :] - middle[:, None])
    linked = (left[None, :] > left[:, None]) & (gap <= glyph) & (rise <= 0.4 * glyph)
    cost = np.where(linked, np.maximum(gap, 0) + rise, np.inf)
    nearest = np.argmin(cost, axis=1)
    parent = list(range(len(boxes)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for link in np.flatnonzero(np.isfinite(cost[np.arange(len(boxes)), nearest])):
        parent[root(int(link))] = root(int(nearest[link]))
    groups: dict[int, list[int]] = {}
    for index in range(len(boxes)):
        groups.setdefault(root(index), []).append(index)
    chains = [boxes[members] for members in groups.values() if len(members) >= 6]
    return sorted(chains, key=lambda chain: float(np.median(chain[:, 1] + chain[:, 3] / 2)))


def _trim_ends(boxes: np.ndarray, glyph: float, width: int) -> np.ndarray:
    """The row's components less those past its ends. The strip is cut with
    a margin around the zone, so a component touching the strip's left or
    right side is not a character of it (the card's edge, the background);
    and an MRZ line has a character in every cell, so a speck (less than
    0.8 of a character's height) at either end that stands further than a
    character's height from the next is not part of the line either."""
    boxes = boxes[(boxes[:, 0] > 0) & (boxes[:, 0] + boxes[:, 2] < width)]
    boxes = boxes[np.argsort(boxes[:, 0])]
    first, last = 0, len(boxes)

    def speck(index: int, gap: float) -> bool:
        return bool(gap > glyph and boxes[index, 3] < 0.8 * glyph)

    while last - first > 1 and speck(first, boxes[first + 1, 0] - boxes[first, 0] - boxes[first, 2]):
        first += 1
    while last - first > 1 and speck(last - 1, boxes[last - 1, 0] - boxes[last - 2, 0] - boxes[last - 2, 2]):
        last -= 1
    return boxes[first:last]


def _line_fit(xs: np.ndarray, ys: np.ndarray) -> Callable[[float], float]:
    if len(xs) >= 3 and float(np.ptp(xs)) > 0:
        slope, intercept = np.polyfit(xs, ys, 1)
        return lambda x: float(slope * x + intercept)
    value = float(np.median(ys)) if len(ys) else 0.0
    return lambda x: value


def _middle(row: _Row) -> Callable[[float], float]:
    """The line through the row's glyph centres. OCR-B's glyphs share their
    middle more closely than their baseline or top ('<' floats above the
    baseline, digits stand taller than letters): within 4 % of their height."""
    return _line_fit(row.boxes[:, 0] + row.boxes[:, 2] / 2, row.boxes[:, 1] + row.boxes[:, 3] / 2)


def _rectify(strip: np.ndarray, rows: list[_Row], glyph: float, columns: int) -> np.ndarray | None:
    """The zone of ``rows`` warped flat: ``len(rows)`` lines of ``columns``
    cells of the templates' size, lines evenly spaced, the first line's cells
    starting one pitch from the top left.

    Each output point is found between the first and the last row: its line
    interpolates their ends and their middle lines (:func:`_middle`), and its
    place along the line follows a one-parameter perspective
    (:func:`_foreshortening`) fitted to where the glyphs stand. (A single
    homography through the four corners would take the small disagreements
    of two nearby, nearly parallel lines for a strong perspective.)"""
    glyphs = _glyphs()
    pitch = glyphs.pitch
    first, last = rows[0], rows[-1]
    middles = (_middle(first), _middle(last))
    widths = [row.right - row.left for row in rows]
    strip_pitch = float(np.mean(widths)) / (columns - 2 * _SIDE_BEARING)
    gaps = [middles[1](last.left) - middles[0](first.left), middles[1](last.right) - middles[0](first.right)]
    strip_spacing = float(np.mean(gaps)) / (len(rows) - 1)
    if strip_spacing < glyph:
        return None
    spacing = pitch * strip_spacing / strip_pitch
    k = _foreshortening(rows, columns)
    top = pitch + glyphs.middle  # where the first row's middle line goes
    span = spacing * (len(rows) - 1)
    size = (round((columns + 2) * pitch), round(pitch + span + glyphs.height + pitch))
    xs, ys = np.meshgrid(np.arange(size[0], dtype=np.float32), np.arange(size[1], dtype=np.float32))
    share = (ys - top) / span  # 0 on the first row's middle, 1 on the last's
    left = first.left + share * (last.left - first.left)
    right = first.right + share * (last.right - first.right)
    t = ((xs - pitch) / pitch - _SIDE_BEARING) / (columns - 2 * _SIDE_BEARING)
    u = k * t / (1 - t + k * t + 1e-9)
    map_x = left + u * (right - left)
    slope0, intercept0 = middles[0](1.0) - middles[0](0.0), middles[0](0.0)
    slope1, intercept1 = middles[1](1.0) - middles[1](0.0), middles[1](0.0)
    map_y = (1 - share) * (slope0 * map_x + intercept0) + share * (slope1 * map_x + intercept1)
    return cv2.remap(strip, map_x.astype(np.float32), map_y.astype(np.float32), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)


def _foreshortening(rows: list[_Row], columns: int) -> float:
    """The perspective along the lines: ``k`` of the map ``t = u / (u + k (1 - u))``
    from a point's share ``u`` of a line's ink to its share ``t`` of the cells
    (``k`` = 1: even pitch). Chosen from a range of ``k`` as the one that
    puts the centres of the single glyphs nearest the centres of cells."""
    centres, lefts, rights = [], [], []
    for row in rows:
        single = row.boxes[row.boxes[:, 2] < 1.4 * (row.right - row.left) / columns]
        centres.append(single[:, 0] + single[:, 2] / 2)
        lefts.append(np.full(len(single), row.left))
        rights.append(np.full(len(single), row.right))
    centre, left, right = np.concatenate(centres), np.concatenate(lefts), np.concatenate(rights)
    u = (centre - left) / np.maximum(right - left, 1.0)
    best, best_error = 1.0, np.inf
    for k in np.exp(np.linspace(np.log(0.5), np.log(2.0), 61)):
        t = u / (u + k * (1 - u))
        cell = _SIDE_BEARING + t * (columns - 2 * _SIDE_BEARING)
        error = float(np.mean((cell - np.floor(cell) - 0.5) ** 2)) + 0.002 * abs(np.log(k))
        if error < best_error:
            best, best_error = float(k), error
    return best


def _cell_patches(flat: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """Each cell of the flat zone at a few pixels of play, as zero-mean unit
    rows: (rows, columns, shifts, template size)."""
    glyphs = _glyphs()
    pitch, height = glyphs.pitch, glyphs.height
    spacing = (flat.shape[0] - 2 * pitch - height) / max(rows - 1, 1)
    ink = 255.0 - flat.astype(np.float32)
    windows = np.lib.stride_tricks.sliding_window_view(ink, (height, pitch))  # (y, x, height, pitch)
    dys, dxs = np.arange(-2, 3), np.arange(-3, 4)
    tops = np.round(pitch + np.arange(rows) * spacing).astype(int)
    ys = np.clip(tops[:, None, None, None] + dys[None, None, :, None], 0, windows.shape[0] - 1)
    xs = np.clip(pitch * (np.arange(columns)[None, :, None, None] + 1) + dxs[None, None, None, :], 0,
                 windows.shape[1] - 1)
    ys, xs = np.broadcast_arrays(ys, xs)  # (rows, columns, dy, dx)
    patches = windows[ys.ravel(), xs.ravel()].reshape(-1, height * pitch)
    return _unit_rows(patches).reshape(rows, columns, len(dys) * len(dxs), height * pitch)


def _blur_level(patches: np.ndarray) -> int:
    """The index in :data:`_BLURS` of the template set that fits the zone's
    blur: the one under which a sample of its cells (every fourth) correlates
    best with its best-matching templates (median over the cells)."""
    templates = _glyphs().templates
    sample = patches.reshape(-1, *patches.shape[2:])[::4]
    scores = sample.reshape(-1, sample.shape[-1]) @ templates.reshape(-1, templates.shape[-1]).T
    best = scores.reshape(len(sample), -1, len(_BLURS), len(ALPHABET)).max(axis=(1, 3))  # (cells, levels)
    return int(np.argmax(np.median(best, axis=0)))


def _cell_scores(patches: np.ndarray, level: int) -> np.ndarray:
    """Each cell's correlation with each template of blur ``level``, the best
    over the few pixels of play: (rows, columns, 37)."""
    rows, columns, shifts, size = patches.shape
    scores = patches.reshape(-1, size) @ _glyphs().templates[level].T
    best: np.ndarray = scores.reshape(rows, columns, shifts, len(ALPHABET)).max(axis=2)
    return best


def _sharpen(flat: np.ndarray, sigma: float, noise: float = 0.01) -> np.ndarray:
    """The flat zone deblurred: Wiener deconvolution of a Gaussian blur of
    ``sigma`` template pixels with noise-to-signal ratio ``noise``, the zone
    mirrored at its edges first so that they do not ring."""
    ink = 255.0 - flat.astype(np.float32)
    height, width = ink.shape
    padded = cv2.copyMakeBorder(ink, height // 2, height // 2, width // 8, width // 8, cv2.BORDER_REFLECT)
    fy = np.fft.fftfreq(padded.shape[0])[:, None]
    fx = np.fft.rfftfreq(padded.shape[1])[None, :]
    transfer = np.exp(-2 * (np.pi * sigma) ** 2 * (fx**2 + fy**2))
    wiener = transfer / (transfer**2 + noise)
    sharp = np.fft.irfft2(np.fft.rfft2(padded) * wiener, s=padded.shape)
    sharp = sharp[height // 2:height // 2 + height, width // 8:width // 8 + width]
    return np.clip(255.0 - sharp, 0, 255).astype(np.uint8)


def _ranked(scores: np.ndarray, layout: tuple[str, ...]) -> list[list[list[tuple[str, float]]]]:
    """Each cell's admitted characters (by ``layout``'s mask), best first, with their correlations."""
    cells = []
    for line_scores, mask in zip(scores, layout, strict=True):
        line = []
        for cell, kind in zip(line_scores, mask, strict=True):
            allowed = _ALLOWED[kind]
            ranked = sorted(allowed, key=lambda index: -cell[index])[:2]
            line.append([(ALPHABET[index], float(cell[index])) for index in ranked])
        cells.append(line)
    return cells


_ALLOWED = {kind: [ALPHABET.index(char) for char in chars] for kind, chars in MASK_CHARACTERS.items()}


def readings(cells: list[list[list[tuple[str, float]]]], max_tries: int = _MAX_TRIES) -> Iterator[
        tuple[list[str], list[list[float]], list[list[float]]]]:
    """The best reading, then readings with ambiguous cells swapped for their
    runner-up, fewest and cheapest swaps first: (lines, scores, margins)."""
    flat = [cell for line in cells for cell in line]
    width = len(cells[0])
    leads = [cell[0][1] - cell[1][1] if len(cell) > 1 else 1.0 for cell in flat]
    ambiguous = sorted((lead, index) for index, lead in enumerate(leads) if lead < _AMBIGUOUS)[:10]
    swaps: list[tuple[float, tuple[int, ...]]] = [(0.0, ())]
    for size in (1, 2, 3):
        for combo in itertools.combinations(ambiguous, size):
            swaps.append((sum(lead for lead, _ in combo), tuple(index for _, index in combo)))
    swaps.sort(key=lambda item: (item[0], len(item[1])))
    best_chars = [cell[0][0] for cell in flat]
    best_scores = [cell[0][1] for cell in flat]
    for _, swapped in swaps[:max_tries]:
        chars, scores, margins = best_chars[:], best_scores[:], leads[:]
        for index in swapped:
            chars[index], scores[index], margins[index] = flat[index][1][0], flat[index][1][1], 0.0
        yield (["".join(chars[i:i + width]) for i in range(0, len(chars), width)],
               [scores[i:i + width] for i in range(0, len(chars), width)],
               [margins[i:i + width] for i in range(0, len(chars), width)])


def read_mrz_text(
    image: Any,
    accept: Callable[[MrzReading], bool],
    layouts: tuple[tuple[str, ...], ...],
    *,
    max_tries: int = _MAX_TRIES,
) -> MrzReading | None:
    """The first reading of an MRZ on ``image`` that ``accept`` approves, or ``None``.

    ``image`` is anything :func:`vssid_id.load_image` takes. ``layouts`` are
    the zones to look for, each a tuple of line masks, one character per cell
    (:data:`MASK_CHARACTERS`: ``9`` a digit, ``A`` a letter or ``<``, ``N`` a
    digit or ``<``, ``S`` the sex, ``X`` any): the caller knows the documents,
    this wing only reads. Zones are tried most MRZ-like first, each upright
    and turned half a turn; per zone and layout the readings come from
    :func:`readings`.
    """
    started = time.perf_counter()
    loaded = load_image(image)
    gray = loaded if loaded.ndim == 2 else cv2.cvtColor(loaded, cv2.COLOR_BGR2GRAY)
    for corners in find_zones(gray):
        found, cut = _read_zone(gray, corners, layouts, accept, max_tries, started)
        if found is None and any(cut):  # the zone may go on past the block found (a glare washed its end out)
            found, _ = _read_zone(gray, _lengthened(corners, cut), layouts, accept, max_tries, started)
        if found is not None:
            return found
    return None


def _read_zone(
    gray: np.ndarray,
    corners: np.ndarray,
    layouts: tuple[tuple[str, ...], ...],
    accept: Callable[[MrzReading], bool],
    max_tries: int,
    started: float,
) -> tuple[MrzReading | None, tuple[bool, bool]]:
    """The first accepted reading of the zone at ``corners``, upright and
    turned half a turn (or ``None``), and whether a line of it ran to within
    a character of the strip's start and of its end (upright): the block
    found may have cut the zone there."""
    strip = _strip(gray, corners)
    cut = [False, False]  # the upright strip's start, its end
    for turned in (False, True):
        view = cv2.rotate(strip, cv2.ROTATE_180) if turned else strip
        rows, glyph = _rows(view)
        view_start, view_end = (1, 0) if turned else (0, 1)  # turned, the view starts at the strip's end
        for row in rows:
            cut[view_start] |= row.left < glyph
            cut[view_end] |= row.right > view.shape[1] - glyph
        for group in _row_groups(rows, {len(layout) for layout in layouts}):
            columns = {len(layout[0]) for layout in layouts if len(layout) == len(group)}
            for width in sorted(columns):
                flat = _rectify(view, group, glyph, width)
                if flat is None:
                    continue
                for scores in _zone_scores(flat, len(group), width):
                    for layout in layouts:
                        if (len(layout), len(layout[0])) != (len(group), width):
                            continue
                        found = _first_accepted(_ranked(scores, layout), corners, turned, started, accept,
                                                max_tries)
                        if found is not None:
                            return found, (cut[0], cut[1])
    return None, (cut[0], cut[1])


def _lengthened(corners: np.ndarray, cut: tuple[bool, bool]) -> np.ndarray:
    """The rotated rectangle ``corners`` lengthened along its long side by
    :data:`_LENGTHEN` of its length at the start and the end that ``cut``
    says (as :func:`_strip` lays it out)."""
    ordered = _order_long_side_first(corners)
    along = (ordered[1] - ordered[0]) * _LENGTHEN
    before, after = along * cut[0], along * cut[1]
    return np.array([ordered[0] - before, ordered[1] + after, ordered[2] + after, ordered[3] - before],
                    np.float32)


def _zone_scores(flat: np.ndarray, rows: int, columns: int) -> Iterator[np.ndarray]:
    """The cells' scores (:func:`_cell_scores`) of the flat zone matched at its
    blur, if their median best correlation reaches :data:`_MIN_ZONE_SCORE`
    (OCR-B text the right way up: no reading of anything else is worth
    trying); then, if the zone is blurred (:data:`_SHARPEN_FROM`), those of
    the zone sharpened (:func:`_sharpen`, :data:`_SHARPEN_SHARE` of its blur)
    and matched at the blur that remains. A zone that fails the filter is
    not sharpened: sharpening separates letters, it does not make text of
    what is not."""
    patches = _cell_patches(flat, rows, columns)
    level = _blur_level(patches)
    scores = _cell_scores(patches, level)
    if float(np.median(scores.max(axis=2))) < _MIN_ZONE_SCORE:
        return
    yield scores
    if level >= _SHARPEN_FROM:
        sharp = _cell_patches(_sharpen(flat, _SHARPEN_SHARE * _BLURS[level]), rows, columns)
        yield _cell_scores(sharp, _blur_level(sharp))


def _first_accepted(
    cells: list[list[list[tuple[str, float]]]],
    corners: np.ndarray,
    turned: bool,
    started: float,
    accept: Callable[[MrzReading], bool],
    max_tries: int,
) -> MrzReading | None:
    for lines, scores, margins in readings(cells, max_tries):
        reading = MrzReading(
            tuple(lines), tuple(map(tuple, scores)), tuple(map(tuple, margins)),
            _image_corners(corners, turned), time.perf_counter() - started,
        )
        if accept(reading):
            return reading
    return None


def _row_groups(rows: list[_Row], sizes: set[int]) -> Iterator[list[_Row]]:
    """Runs of rows of the layouts' line counts, more lines and the lowest
    first: the zone is at the bottom of the card and of the passport page."""
    for size in sorted(sizes, reverse=True):
        for start in range(len(rows) - size, -1, -1):
            group = rows[start:start + size]
            widths = [row.right - row.left for row in group]
            if min(widths) > 0.8 * max(widths):
                yield group


def _image_corners(corners: np.ndarray, turned: bool) -> tuple[tuple[float, float], ...]:
    ordered = _order_long_side_first(corners)
    if turned:
        ordered = np.roll(ordered, 2, axis=0)
    return tuple((round(float(x), 1), round(float(y), 1)) for x, y in ordered)
