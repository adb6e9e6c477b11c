"""The QR reader backends, behind one small interface.

Each backend takes a uint8 grayscale array and returns :class:`Hit` objects:
the symbol's text, its raw bytes, and its four corners in that array's
coordinates. The backends:

* ``zxing`` — zxing-cpp (a wheel, always present): the primary reader. It
  also reports the symbols it located but could not decode
  (``return_errors=True``): :func:`read_and_locate` hands their corners to
  the decoder, which keeps looking while a located code is still unread;
* ``opencv`` — OpenCV's ``QRCodeDetector`` (a different locator, which finds
  some codes zxing misses);
* ``zbar`` — pyzbar over the zbar C library, which is optional: when
  libzbar is missing, :func:`available` leaves it out and a single warning
  (``logging``, logger ``vssid_id``) says how to install it;
* ``wechat`` — OpenCV's ``wechat_qrcode`` module (in the contrib build,
  ``opencv-contrib-python-headless``, which vssid_id depends on), run without
  its CNN model files: its own finder-pattern detector and binarisers in
  front of a ZXing core, which read some damaged and shadowed codes that
  zxing-cpp's do not. Its Python binding hands the symbol's bytes over
  decoded as UTF-8, and raises on bytes that are not UTF-8 (counted as
  "nothing found": the other backends read those); so ``raw``, the text's
  UTF-8, is exactly the symbol's bytes.
  When OpenCV is a build without it, :func:`available` leaves it out and
  warns once.

Text from a backend is made correct Unicode from the raw bytes: strict UTF-8
first, else the backend's own text — for zxing-cpp its plain text
(``TextMode.Plain``: the bytes transcoded by the symbol's ECI or guessed
character set, control characters kept as they are, not escaped as ``<SOH>``);
then :func:`~vssid_id.encoding.repair_mojibake` undoes an unambiguous misreading
as Latin-1, Windows-1252 or Shift-JIS.

A backend never raises: whatever a native reader throws (``cv2.error`` on an
odd image shape, a ``MemoryError``, ...) counts as "nothing found" and is
logged at debug level.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..encoding import repair_mojibake

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["Hit", "BACKENDS", "available", "read", "read_and_locate"]

log = logging.getLogger("vssid_id")

Corners = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Hit:
    """One symbol as a backend read it."""

    text: str
    raw: bytes
    corners: Corners
    backend: str
    ec_level: str | None = None


def _hit(raw: bytes, fallback: str, corners: Corners, backend: str, ec_level: str | None = None) -> Hit:
    """A Hit with correct text, and ``raw`` the symbol's bytes even after a repair.

    The cards' QR codes are UTF-8 without an ECI header, so a reader may
    guess another encoding: zbar, for one, can convert the bytes it guessed
    to be Shift-JIS into UTF-8 of the wrong characters.
    """
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = fallback
    text = repair_mojibake(decoded)
    if text != decoded:
        raw = text.encode("utf-8")
    return Hit(text, raw, corners, backend, ec_level)


def _zxing_located(gray: np.ndarray, quick: bool = False) -> tuple[list[Hit], list[Corners]]:
    """zxing-cpp: the symbols it decoded, and the corners of those it located but could not decode.

    ``quick``: the image only as given, without zxing-cpp's down-scaled copies and its inverted and
    rotated passes (see :func:`read_and_locate`).
    """
    import zxingcpp

    hits: list[Hit] = []
    misses: list[Corners] = []
    results = zxingcpp.read_barcodes(
        gray,
        formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
        text_mode=zxingcpp.TextMode.Plain,
        return_errors=True,
        try_downscale=not quick,
        try_invert=not quick,
        try_rotate=not quick,
    )
    for result in results:
        p = result.position
        corners: Corners = tuple(  # type: ignore[assignment]
            (float(pt.x), float(pt.y)) for pt in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
        )
        if result.error or not result.valid:
            misses.append(corners)
            continue
        hits.append(_hit(bytes(result.bytes), result.text, corners, "zxing", result.ec_level or None))
    return hits, misses


def _zxing(gray: np.ndarray) -> list[Hit]:
    return _zxing_located(gray)[0]


#: OpenCV's reader objects keep state between calls and are not documented
#: as thread-safe, while vssid-serve decodes in a pool of threads: each
#: thread makes its own (cheap: no model files are loaded).
_per_thread = threading.local()


def _opencv_detector() -> Any:  # cv2.QRCodeDetector
    detector = getattr(_per_thread, "opencv", None)
    if detector is None:
        import cv2

        detector = _per_thread.opencv = cv2.QRCodeDetector()
    return detector


#: OpenCV's detector takes seconds on long thin images (0.5 s on 21x1000,
#: 2.6 s on 21x5000, measured with OpenCV 5.0), where zxing-cpp takes
#: microseconds: images more elongated than this are left to the others.
OPENCV_MAX_ASPECT = 10.0


def opencv_can_look(gray: np.ndarray) -> bool:
    """Whether OpenCV's detector may run on ``gray`` in reasonable time (see :data:`OPENCV_MAX_ASPECT`)."""
    return bool(max(gray.shape[:2]) <= OPENCV_MAX_ASPECT * min(gray.shape[:2]))


def _opencv(gray: np.ndarray) -> list[Hit]:
    if not opencv_can_look(gray):
        return []
    found, texts, points, _ = _opencv_detector().detectAndDecodeMulti(gray)
    if not found or points is None:
        return []
    hits = []
    for text, quad in zip(texts, points, strict=False):
        if not text:
            continue
        # OpenCV hands back the symbol's bytes as text; recover the bytes.
        try:
            raw = text.encode("latin-1")
        except UnicodeEncodeError:
            raw = text.encode("utf-8")
        corners = tuple((float(x), float(y)) for x, y in quad)
        hits.append(_hit(raw, text, corners, "opencv"))  # type: ignore[arg-type]
    return hits


def _wechat_reader() -> Any:  # cv2.wechat_qrcode.WeChatQRCode
    reader = getattr(_per_thread, "wechat", None)
    if reader is None:
        import cv2

        # No model files: the detector and binarisers without the CNNs. (Not in OpenCV's type stubs.)
        reader = _per_thread.wechat = cv2.wechat_qrcode_WeChatQRCode()  # type: ignore[attr-defined]
    return reader


def _wechat(gray: np.ndarray) -> list[Hit]:
    texts, points = _wechat_reader().detectAndDecode(gray)
    hits = []
    for text, quad in zip(texts, points, strict=False):
        if text:
            corners = tuple((float(x), float(y)) for x, y in quad)
            hits.append(_hit(text.encode("utf-8"), text, corners, "wechat"))  # type: ignore[arg-type]
    return hits


def _zbar(gray: np.ndarray) -> list[Hit]:
    from pyzbar import pyzbar

    hits = []
    for symbol in pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE]):
        raw = bytes(symbol.data)
        polygon = [(float(p.x), float(p.y)) for p in symbol.polygon]
        if len(polygon) != 4:
            r = symbol.rect
            polygon = [(r.left, r.top), (r.left + r.width, r.top),
                       (r.left + r.width, r.top + r.height), (r.left, r.top + r.height)]
        hits.append(_hit(raw, raw.decode("utf-8", errors="replace"), tuple(polygon), "zbar"))  # type: ignore[arg-type]
    return hits


#: Every backend by name, whether or not it can run here.
BACKENDS: dict[str, Callable[[np.ndarray], list[Hit]]] = {
    "zxing": _zxing,
    "opencv": _opencv,
    "zbar": _zbar,
    "wechat": _wechat,
}


@lru_cache(maxsize=1)
def available() -> tuple[str, ...]:
    """The backends that can run on this machine (zbar needs libzbar; wechat, OpenCV's contrib build)."""
    import cv2

    names = ["zxing", "opencv"]
    try:
        importlib.import_module("pyzbar.pyzbar")  # loads libzbar: ImportError/OSError without it

        names.append("zbar")
    except (ImportError, OSError):
        log.warning(
            "vssid_id: the zbar backend is off because the zbar library is missing "
            "(install it with 'apt-get install libzbar0' or 'brew install zbar'); "
            "zxing-cpp and OpenCV are used."
        )
    if hasattr(cv2, "wechat_qrcode_WeChatQRCode"):
        names.append("wechat")
    else:
        log.warning(
            "vssid_id: the wechat backend is off because this OpenCV build has no wechat_qrcode module "
            "(OpenCV %s; 'pip install opencv-contrib-python-headless' in place of opencv-python-headless "
            "restores it); the other backends are used.", cv2.__version__,
        )
    return tuple(names)


def read(name: str, gray: np.ndarray) -> list[Hit]:
    """Run backend ``name`` on ``gray``; a backend crash counts as 'nothing found'."""
    try:
        return BACKENDS[name](gray)
    except Exception as error:  # a native reader must never take the caller down
        log.debug("vssid_id: backend %s failed: %s", name, type(error).__name__)
        return []


def read_and_locate(name: str, gray: np.ndarray, *, quick: bool = False) -> tuple[list[Hit], list[Corners]]:
    """Like :func:`read`, plus the corners of symbols located but not decoded (zxing only).

    The located-but-unread symbols are what zxing-cpp reports with an error
    (a failed error correction, a bad format field): a code the image shows
    and this pass could not read, so a later pass of the ladder may.

    ``quick`` (zxing only): the image as given, without zxing-cpp's
    down-scaled copies and inverted and rotated passes; what a look for
    small, dark-on-light codes needs. On a strongly sharpened 1.4 MP photo
    (many false finder-pattern candidates) it took 2.5 ms against 11.3 ms
    (median of 18 synthetic card photos, the least of 7 runs each).
    """
    if name != "zxing" or BACKENDS["zxing"] is not _zxing:  # a replaced zxing (tests) has no misses
        return read(name, gray), []
    try:
        return _zxing_located(gray, quick)
    except Exception as error:  # a native reader must never take the caller down
        log.debug("vssid_id: backend %s failed: %s", name, type(error).__name__)
        return [], []
