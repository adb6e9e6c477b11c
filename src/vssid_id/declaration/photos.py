"""The declaration's photos: a 4×6 portrait and both sides of the identity document, re-encoded.

Every photo is read by :func:`vssid_id.load_image` (any format it takes, EXIF orientation applied, within its byte
and pixel caps) and kept only as a new baseline JPEG made from the pixels: no EXIF, GPS, maker notes, ICC
profile or comment of the original survives, and nothing is written to disk.

Portrait ("ảnh chân dung 4x6", the VssID guide): exactly one frontal face must be found. Faces are found with
OpenCV's Haar cascade ``haarcascade_frontalface_alt2.xml`` (Viola–Jones, shipped in ``cv2.data``: no model is
downloaded) on a grey copy at most :data:`DETECT_LONG_SIDE` px on its long side; a face must be at least 1/12 of
that copy's short side. A face less than half as wide as
the largest one is not counted (a face in the background, a false detection); two faces or more of comparable size
are ``several_faces``. The photo is then cropped to 4:6 around the face — the crop is
:data:`CROP_FACE_WIDTHS` face-box widths wide, the face box centred across and its centre at
:data:`CROP_FACE_CENTRE` of the height, moved or shrunk to stay inside the photo — and scaled down to at most
:data:`PORTRAIT_SIZE` (4×6 cm at 300 dpi). A crop smaller than :data:`MIN_PORTRAIT_SIZE` (4×6 cm at 150 dpi, a
face box under about 118 px wide) is ``too_small``: printed at 4×6 cm it would show its pixels.

What the cascade cannot tell: a photo of a photo or of a screen, a face turned more than about 20°, closed eyes,
glasses, a hat, a poor background. A person still checks the portrait.

Card photos (``id_front``, ``id_back``): scaled down to at most :data:`CARD_LONG_SIDE` px on the long side; one
under :data:`MIN_CARD_LONG_SIDE` px (the 85.6 mm of an ID-1 card at 150 dpi) is ``too_small``.
"""

from __future__ import annotations

import io
import threading
from typing import TYPE_CHECKING, Any

from ..errors import DeclarationProblem, ImageError

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "PORTRAIT_SIZE",
    "MIN_PORTRAIT_SIZE",
    "CARD_LONG_SIDE",
    "MIN_CARD_LONG_SIDE",
    "JPEG_QUALITY",
    "load_photo",
    "find_faces",
    "portrait_jpeg",
    "card_jpeg",
]

#: The portrait kept, in pixels (width, height): 4×6 cm at 300 dpi (472.4 × 708.7 px, 2:3 kept).
PORTRAIT_SIZE = (472, 708)
#: The smallest portrait crop accepted: 4×6 cm at 150 dpi.
MIN_PORTRAIT_SIZE = (236, 354)
#: The long side card photos are scaled down to: the card's text stays legible (about 18 px a millimetre).
CARD_LONG_SIDE = 1600
#: The smallest card photo accepted, long side in pixels: an 85.6 mm card at 150 dpi.
MIN_CARD_LONG_SIDE = 500
#: JPEG quality of every kept photo (Pillow's scale; 4:2:0 chroma).
JPEG_QUALITY = 88
#: Faces are looked for on a grey copy at most this many pixels on its long side (speed), faces of at least
#: 1/12 of its short side. Measured on the drawn faces of :mod:`.synthetic` (51 photos of 600x900 to 3000x4000 px,
#: faces from 1/8 to 4/5 of the width, each also dark, flat, bright and noisy: 255 in all): every face was found,
#: once, at 480 or 640 px with 3, 4 or 5 neighbours; equalising the grey copy's histogram first (a common recipe)
#: lost 7 to 16 of each 51: the cascade normalises each window's contrast itself.
DETECT_LONG_SIDE = 480
#: The cascade's ``minNeighbors``: how many overlapping detections make a face.
DETECT_NEIGHBOURS = 4
#: The portrait crop's width, in face-box widths.
CROP_FACE_WIDTHS = 2.0
#: Where the face box's centre sits in the crop, from the top, as a fraction of its height.
CROP_FACE_CENTRE = 0.42
#: The cascade file, from ``cv2.data.haarcascades``.
CASCADE = "haarcascade_frontalface_alt2.xml"

_local = threading.local()  # one classifier per thread: CascadeClassifier is not thread-safe


def _problem(field: str, kind: str, message: str) -> DeclarationProblem:
    return DeclarationProblem(field=field, kind=kind, message=message)


def load_photo(source: Any, field: str) -> np.ndarray | DeclarationProblem:
    """``source`` as a BGR array, or the problem (kinds ``missing``, ``unreadable``, ``too_large``)."""
    if source is None:
        return _problem(field, "missing", "a photo is required")
    import numpy as np

    from ..errors import ImageTooLarge
    from ..images.loading import load_image

    try:
        image = load_image(source)
    except ImageTooLarge:
        return _problem(field, "too_large", "the image is over the size limits of vssid_id.load_image")
    except (ImageError, TypeError):
        return _problem(field, "unreadable", "is not an image that can be read")
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    return image


def _jpeg(bgr: np.ndarray, size: tuple[int, int] | None = None) -> bytes:
    """The pixels as a fresh JPEG (no metadata at all), resized to ``size`` first when given."""
    import cv2
    from PIL import Image

    if size is not None and size != (bgr.shape[1], bgr.shape[0]):
        bgr = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
    picture = Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def _classifier() -> Any:
    classifier = getattr(_local, "classifier", None)
    if classifier is None:
        import cv2

        classifier = cv2.CascadeClassifier(cv2.data.haarcascades + CASCADE)  # type: ignore[attr-defined]
        if classifier.empty():  # pragma: no cover - a broken OpenCV install
            raise RuntimeError(f"OpenCV's {CASCADE} cannot be loaded")
        _local.classifier = classifier
    return classifier


def find_faces(bgr: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The frontal faces on ``bgr`` as ``(x, y, width, height)`` boxes in its pixels, largest first; faces
    less than half as wide as the largest are left out."""
    import cv2

    height, width = bgr.shape[:2]
    scale = min(1.0, DETECT_LONG_SIDE / max(height, width))
    small = bgr
    if scale < 1.0:
        small = cv2.resize(bgr, (max(1, round(width * scale)), max(1, round(height * scale))),
                           interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)  # no histogram equalisation: see DETECT_NEIGHBOURS
    side = max(20, min(grey.shape) // 12)
    boxes = _classifier().detectMultiScale(grey, scaleFactor=1.1, minNeighbors=DETECT_NEIGHBOURS,
                                           minSize=(side, side))
    found = sorted(((round(x / scale), round(y / scale), round(w / scale), round(h / scale))
                    for x, y, w, h in (boxes if len(boxes) else [])), key=lambda box: -box[2])
    return [box for box in found if box[2] * 2 >= found[0][2]]


def _crop(width: int, height: int, face: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The 4:6 crop around ``face`` (left, top, crop width, crop height), inside a ``width`` × ``height`` photo."""
    x, y, w, h = face
    crop_w = CROP_FACE_WIDTHS * w
    crop_w = min(crop_w, width, height * 2 / 3)
    crop_h = crop_w * 1.5
    centre_x, centre_y = x + w / 2, y + h / 2
    left = min(max(centre_x - crop_w / 2, 0), width - crop_w)
    top = min(max(centre_y - CROP_FACE_CENTRE * crop_h, 0), height - crop_h)
    crop_w_px = int(crop_w)
    crop_h_px = min(int(crop_w_px * 1.5), height)
    return int(left), int(top), crop_w_px, crop_h_px


def portrait_jpeg(bgr: np.ndarray) -> bytes | DeclarationProblem:
    """The 4:6 portrait cropped around the one face on ``bgr``, as a JPEG; or the problem (field ``portrait``;
    kinds ``no_face``, ``several_faces``, ``too_small``)."""
    faces = find_faces(bgr)
    if not faces:
        return _problem("portrait", "no_face", "no frontal face was found on the portrait")
    if len(faces) > 1:
        return _problem("portrait", "several_faces", f"{len(faces)} faces were found on the portrait; it must "
                                                     "show one person")
    height, width = bgr.shape[:2]
    left, top, crop_w, crop_h = _crop(width, height, faces[0])
    if crop_w < MIN_PORTRAIT_SIZE[0] or crop_h < MIN_PORTRAIT_SIZE[1]:
        return _problem("portrait", "too_small", (
            f"the face is too small to print at 4x6 cm: the crop around it is under "
            f"{MIN_PORTRAIT_SIZE[0]}x{MIN_PORTRAIT_SIZE[1]} px (150 dpi)"))
    crop = bgr[top:top + crop_h, left:left + crop_w]
    if crop_w > PORTRAIT_SIZE[0]:
        size = PORTRAIT_SIZE
    else:
        size = (crop_w, min(crop_h, round(crop_w * 1.5)))
    return _jpeg(crop, size)


def card_jpeg(bgr: np.ndarray, field: str) -> bytes | DeclarationProblem:
    """A card photo scaled down to at most :data:`CARD_LONG_SIDE` px, as a JPEG; or the problem (kind
    ``too_small``)."""
    height, width = bgr.shape[:2]
    long_side = max(height, width)
    if long_side < MIN_CARD_LONG_SIDE:
        return _problem(field, "too_small", f"the photo is under {MIN_CARD_LONG_SIDE} px on its long side: "
                                            "the card would not be legible")
    scale = min(1.0, CARD_LONG_SIDE / long_side)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return _jpeg(bgr, size)
