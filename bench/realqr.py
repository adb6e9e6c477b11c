"""The public real photos in ``../shared/data/realqr``: loading and the scoring rule.

The folder's README states how a photo counts as read, and this module is
that rule, word for word:

* zxing sets (``expected`` is a list): a returned text equals an expected
  text, both compared after dropping one trailing newline;
* BoofCV sets (``quads`` is a list): the decoder returns at least one text
  whose corners' centre lies inside a hand-marked quad (5 px tolerance),
  and every ``peer_texts`` entry (every text some other decoder read there).

Only entries with ``photo: true`` count (334 of 374); the rest are digital
renderings. Used by ``bench_decode.py --realqr``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
#: ``../shared/data/realqr`` beside the repository (CI's layout), else the
#: folder named by ``VSSID_SHARED`` (a worktree elsewhere).
FOLDER = Path(os.environ.get("VSSID_SHARED", ROOT.parent / "shared")) / "data" / "realqr"

#: Corners of one read: four (x, y) points in the image's coordinates.
Read = tuple[str, Sequence[tuple[float, float]]]

TOLERANCE_PX = 5.0


@dataclass(frozen=True)
class Photo:
    set: str
    path: Path
    expected: list[str] | None
    quads: list[list[tuple[float, float]]] | None
    peer_texts: list[str]
    photo: bool


def photos(folder: Path = FOLDER, only_photos: bool = True) -> list[Photo]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    out = []
    for entry in manifest:
        if only_photos and not entry["photo"]:
            continue
        out.append(Photo(entry["set"], folder / entry["image"], entry["expected"],
                         [[tuple(p) for p in quad] for quad in entry["quads"]] if entry["quads"] else None,
                         entry["peer_texts"] or [], entry["photo"]))
    return out


def _chomp(text: str) -> str:
    return text[:-1] if text.endswith("\n") else text


def _inside(point: tuple[float, float], quad: Sequence[tuple[float, float]]) -> bool:
    contour = np.asarray(quad, np.float32).reshape(-1, 1, 2)
    return cv2.pointPolygonTest(contour, (float(point[0]), float(point[1])), True) >= -TOLERANCE_PX


def is_read(photo: Photo, reads: Iterable[Read]) -> bool:
    """The README's rule: does this list of (text, corners) count as reading ``photo``?"""
    reads = list(reads)
    if photo.expected is not None:
        wanted = {_chomp(text) for text in photo.expected}
        return any(_chomp(text) in wanted for text, _ in reads)
    quads = photo.quads or []
    located = False
    for _, corners in reads:
        if len(corners) == 0:
            continue
        centre = (sum(x for x, _ in corners) / len(corners), sum(y for _, y in corners) / len(corners))
        if any(_inside(centre, quad) for quad in quads):
            located = True
            break
    texts = {text for text, _ in reads}
    return located and all(text in texts for text in photo.peer_texts)
