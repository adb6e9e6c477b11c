"""Debug images of one scan: the decoder's intermediate images and an outlined copy.

``vssid-scan --debug-dir DIR`` writes, for each input, a folder holding every
preprocessed image the decoder's ladder tried (``step01-gray.png``, …) and
``found.png``: the input with each QR code found outlined (green: a valid card
record, red: a code whose payload is not one) and labelled.

Images are written at most :data:`MAX_SIDE` pixels on their long side (a
48-megapixel photo would otherwise give a 150 MB folder); corners are scaled
with them. Folder names are made from the input's position in the batch and
its file name, so two inputs with the same name never share a folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from .scanner import ScanResult

__all__ = ["MAX_SIDE", "DebugImageWriter", "folder_name"]

#: Longest side, in pixels, of a debug image.
MAX_SIDE = 1600


def folder_name(index: int, name: str) -> str:
    """The folder of the ``index``-th input (from 1) named ``name``: safe on every file system.

    >>> folder_name(3, 'scans/Ảnh thẻ.jpg')
    '003-_nh_th_.jpg'
    """
    stem = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in Path(name).name)
    return f"{index:03d}-{stem.lstrip('.') or 'input'}"


def _fit(image: np.ndarray) -> tuple[np.ndarray, float]:
    """``image`` shrunk to :data:`MAX_SIDE` on its long side, and the scale used."""
    import cv2

    scale = min(1.0, MAX_SIDE / max(image.shape[:2]))
    if scale < 1.0:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return image, scale


class DebugImageWriter:
    """Writes one input's debug images into ``root / folder_name(index, name)``.

    Raises :class:`OSError` when the folder cannot be made or written.
    """

    def __init__(self, root: Path, index: int, name: str) -> None:
        self.dir = root / folder_name(index, name)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def _write(self, filename: str, image: np.ndarray) -> None:
        import cv2

        path = self.dir / filename
        # Encoded here and written by Python: cv2.imwrite crashed (SIGSEGV) on a path
        # holding a file-name byte that is not UTF-8 (a lone surrogate in ``str``).
        ok, encoded = cv2.imencode(".png", image)
        if not ok:
            raise OSError(f"cannot encode {filename}")
        path.write_bytes(encoded.tobytes())

    def step(self, step: str, image: np.ndarray) -> None:
        """Save one preprocessed image of the ladder (``on_step`` of :func:`vssid_id.decode`)."""
        self.count += 1
        self._write(f"step{self.count:02d}-{step}.png", _fit(image)[0])

    def outline(self, image: np.ndarray, results: Sequence[ScanResult]) -> None:
        """Save ``image`` (as loaded) with every code of ``results`` outlined and labelled."""
        import cv2
        import numpy as np

        image, scale = _fit(image)
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image.copy()
        thickness = max(2, image.shape[1] // 400)
        for index, result in enumerate(results, 1):
            points = (np.array(result.payload.corners, dtype=np.float64) * scale).astype(np.int32).reshape(-1, 1, 2)
            colour = (0, 200, 0) if result.ok else (0, 0, 230)
            cv2.polylines(image, [points], True, colour, thickness)
            kind = result.record.kind if result.record is not None else "invalid"
            label = f"{index}: {kind} ({result.payload.backend})"
            x, y = int(points[:, 0, 0].min()), int(max(points[:, 0, 1].min() - 8, 16))
            cv2.putText(image, label, (x, y), cv2.FONT_HERSHEY_SIMPLEX, max(0.5, image.shape[1] / 1600), colour,
                        max(1, thickness // 2))
        self._write("found.png", image)


