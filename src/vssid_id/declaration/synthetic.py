"""A synthetic portrait for tests, examples and benchmarks: a face drawn with OpenCV shapes, nobody's photo.

The drawing has what the Haar frontal-face cascade looks for — darker eye sockets and brows across a lighter
nose bridge, a darker mouth, cheeks shaded towards the edges — so :func:`vssid_id.declare` finds exactly one face on
it at any size from about 110 px of face width up.

>>> from vssid_id.declaration.photos import find_faces
>>> len(find_faces(synthetic_portrait()))
1
>>> len(find_faces(synthetic_portrait(faces=2)))
2
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["synthetic_portrait"]


def _draw_face(image: np.ndarray, centre_x: int, centre_y: int, scale: float) -> None:
    import cv2
    import numpy as np

    def px(value: float) -> int:
        return round(value * scale)

    height, width = image.shape[:2]
    cv2.ellipse(image, (centre_x, centre_y - px(40)), (px(150), px(170)), 0, 0, 360, (40, 40, 50), -1)  # hair
    cv2.rectangle(image, (centre_x - px(55), centre_y + px(120)), (centre_x + px(55), centre_y + px(230)),
                  (110, 135, 165), -1)  # neck
    cv2.ellipse(image, (centre_x, centre_y + px(330)), (px(250), px(130)), 0, 180, 360, (90, 60, 40), -1)  # shirt
    mask = np.zeros((height, width), np.uint8)
    cv2.ellipse(mask, (centre_x, centre_y), (px(125), px(165)), 0, 0, 360, 255, -1)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)

    def blob(x: float, y: float, sx: float, sy: float) -> np.ndarray:
        result: np.ndarray = np.exp(-(((xs - x) / sx) ** 2 + ((ys - y) / sy) ** 2))
        return result

    shade = 1.0 - 0.45 * ((xs - centre_x) / px(125)) ** 2
    eyes = [(centre_x + side * px(50), centre_y - px(25)) for side in (-1, 1)]
    for x, y in eyes:
        shade -= 0.45 * blob(x, y, px(38), px(20))  # eye sockets
    shade += 0.12 * blob(centre_x, centre_y - px(5), px(14), px(45))  # nose bridge
    shade -= 0.25 * blob(centre_x, centre_y + px(55), px(30), px(8))  # under the nose
    shade -= 0.15 * blob(centre_x, centre_y + px(140), px(60), px(20))  # under the chin
    skin = np.array((140, 170, 205), np.float32)  # BGR
    face = np.clip(skin * np.clip(shade, 0.15, 1.2)[:, :, None], 0, 255).astype(np.uint8)
    image[mask > 0] = face[mask > 0]
    for x, y in eyes:
        cv2.ellipse(image, (x, y - px(30)), (px(36), px(10)), 0, 180, 360, (30, 30, 40), -1)  # brow
        cv2.ellipse(image, (x, y), (px(24), px(10)), 0, 0, 360, (200, 200, 200), -1)
        cv2.circle(image, (x, y), px(10), (40, 30, 25), -1)
    cv2.ellipse(image, (centre_x, centre_y + px(85)), (px(42), px(12)), 0, 0, 360, (70, 70, 140), -1)  # mouth


def synthetic_portrait(width: int = 600, height: int = 900, *, faces: int = 1, scale: float | None = None,
                       background: tuple[int, int, int] = (210, 205, 200)) -> np.ndarray:
    """A ``width`` × ``height`` BGR image (``uint8``) of ``faces`` drawn faces side by side on a plain background.

    ``scale`` is the face's size (1.0: a face 250 px wide; default: as large as the width allows, at most 1.0).
    """
    import cv2
    import numpy as np

    image = np.empty((height, width, 3), np.uint8)
    image[:] = background
    if scale is None:
        scale = min(1.0, width / faces / 340, height / 720)
    for index in range(faces):
        centre_x = round(width * (2 * index + 1) / (2 * faces))
        _draw_face(image, centre_x, round(height * 0.45), scale)
    blurred: np.ndarray = cv2.GaussianBlur(image, (0, 0), max(0.8, 1.5 * scale))
    return blurred
