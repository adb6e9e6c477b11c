"""Live camera: read frames until one holds a card QR code that parses.

:func:`scan_camera` opens a ``cv2.VideoCapture`` (or takes any object with
OpenCV's ``read() -> (ok, frame)``), and :func:`scan_frames` does the work on
any iterable of frames, so the loop is the same for a webcam, a video file or
frames a mobile SDK hands over.

Keeping up with a live camera:

* a frame that is too blurred to read is skipped without decoding (see
  :class:`SharpnessGate`): a camera hunting for focus gives a few soft frames,
  and decoding each of them through the whole ladder would fall behind;
* every frame gets a short ladder time budget (``frame_budget``, 0.25 s):
  the next frame is a better second chance than the deep end of the ladder.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..errors import CameraError
from .decoder import QrPayload, decode

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["sharpness", "SharpnessGate", "scan_frames", "scan_camera"]

log = logging.getLogger("vssid_id")

#: Ladder time budget per live frame, in seconds.
DEFAULT_FRAME_BUDGET = 0.25


def sharpness(frame: np.ndarray) -> float:
    """Variance of the Laplacian of the frame, on a copy at most 640 px wide.

    The usual focus measure (Pech-Pacheco et al., "Diatom autofocusing in
    brightfield microscopy", ICPR 2000): high for sharp edges, near zero for a
    blurred or featureless frame. Computed on a reduced copy so that it costs
    about a millisecond and does not depend on the camera's resolution.
    """
    import cv2

    gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    scale = 640.0 / gray.shape[1]
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


class SharpnessGate:
    """Decide which live frames are worth decoding.

    A frame is skipped when its :func:`sharpness` is below ``floor`` (nothing
    readable at all: a lens cap, a frame of motion blur), or below
    ``relative`` times the sharpest of the last ``window`` frames (the camera
    has shown it can do better, so the next frames are the ones to decode).
    The sharpest recent frame always passes, so a steadily soft camera still
    gets every frame tried. The cost of the relative rule: after a cut to a
    much sharper scene, softer frames are skipped for at most ``window``
    frames (a third of a second at 30 fps); ``relative=0`` turns it off.

    The floor of 10 is low on purpose. Measured on a synthetic card at 4
    pixels per module: sharp 2400, Gaussian blur sigma 2 → 68, sigma 3
    (past what the decoder reads) → 11, sigma 4 → 3; a featureless frame 0.
    """

    def __init__(self, floor: float = 10.0, relative: float = 0.5, window: int = 10) -> None:
        self.floor = floor
        self.relative = relative
        self._recent: deque[float] = deque(maxlen=window)

    def worth_decoding(self, frame: np.ndarray) -> bool:
        value = sharpness(frame)
        self._recent.append(value)
        return value >= self.floor and value >= self.relative * max(self._recent)


def scan_frames(
    frames: Iterable[Any],
    *,
    accept: Callable[[str], bool] | None = None,
    gate: SharpnessGate | None = None,
    frame_budget: float = DEFAULT_FRAME_BUDGET,
    timeout: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    **decode_options: Any,
) -> list[QrPayload]:
    """Decode ``frames`` in turn; return the payloads of the first frame with an accepted one.

    ``accept(text)`` says which payloads end the loop (default: any QR code);
    pass :func:`vssid_id.scanning.scanner.parses` to stop only at a valid card.
    Frames the ``gate`` (default :class:`SharpnessGate`) finds too blurred are
    skipped. Stops with ``[]`` when the frames run out or ``timeout`` seconds
    have passed. Frames are numpy arrays in OpenCV's BGR order, or anything
    :func:`vssid_id.decode` takes.
    """
    import numpy as np

    gate = gate or SharpnessGate()
    start = clock()
    decoded = skipped = 0
    for frame in frames:
        if timeout is not None and clock() - start > timeout:
            break
        if isinstance(frame, np.ndarray) and not gate.worth_decoding(frame):
            skipped += 1
            continue
        decoded += 1
        payloads = decode(frame, accept=accept, time_budget=frame_budget, **decode_options)
        chosen = [p for p in payloads if accept is None or accept(p.text)]
        if chosen:
            log.debug("vssid_id: card read after %d decoded and %d skipped frames", decoded, skipped)
            return chosen
    log.debug("vssid_id: no card in %d decoded and %d skipped frames", decoded, skipped)
    return []


def _capture_frames(capture: Any) -> Iterable[Any]:
    failures = 0
    while True:
        ok, frame = capture.read()
        if ok and frame is not None:
            failures = 0
            yield frame
            continue
        failures += 1
        if failures >= 30:  # ~1 s of a 30 fps camera giving nothing: it is gone
            raise CameraError("the camera stopped delivering frames", field="camera")
        time.sleep(0.01)


#: The largest device index: OpenCV adds a backend's number (CAP_V4L2 = 200, …
#: CAP_OBSENSOR = 2600) to the index of the device.
MAX_CAMERA_INDEX = 9999


def scan_camera(
    camera: int | str | Any = 0,
    *,
    timeout: float = 30.0,
    accept: Callable[[str], bool] | None = None,
    **options: Any,
) -> list[QrPayload]:
    """Read frames from ``camera`` until one holds an accepted QR payload, or ``timeout``.

    ``camera`` is a device index or a video file/URL for ``cv2.VideoCapture``,
    or an already opened capture (anything with ``read() -> (ok, frame)``;
    it is not released here). Other options go to :func:`scan_frames`.
    Raises :class:`~vssid_id.errors.CameraError` when the camera cannot be
    opened (an index outside 0 to :data:`MAX_CAMERA_INDEX` is refused before
    OpenCV sees it) or stops delivering frames, and :class:`ValueError` for a
    ``timeout`` that is not a finite number of seconds.
    """
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not 0 <= timeout < float("inf"):
        raise ValueError(f"timeout must be a finite number of seconds, at least 0, not {timeout!r}")
    if isinstance(camera, bool):
        raise TypeError("camera must be a device index, a video file or URL, or an opened capture, not a bool")
    if isinstance(camera, int) and not 0 <= camera <= MAX_CAMERA_INDEX:
        # OpenCV crashed (SIGSEGV) on -1 and raised OverflowError past a C int.
        raise CameraError(f"camera index must be from 0 to {MAX_CAMERA_INDEX}", field="camera")
    if isinstance(camera, str) and (not camera or "\0" in camera or any("\ud800" <= c <= "\udfff" for c in camera)):
        raise CameraError("the camera's file name or URL is empty or not text", field="camera")
    opened_here = isinstance(camera, (int, str))
    capture: Any
    if opened_here:
        import cv2

        capture = cv2.VideoCapture(camera)
        if not capture.isOpened():
            capture.release()
            raise CameraError(f"camera {camera!r} cannot be opened", field="camera")
    else:
        capture = camera
    try:
        return scan_frames(_capture_frames(capture), accept=accept, timeout=timeout, **options)
    finally:
        if opened_here:
            capture.release()
