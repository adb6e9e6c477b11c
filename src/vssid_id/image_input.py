"""Load any image input into one array convention: uint8, grayscale or BGR.

Accepted inputs: a path (``str`` / :class:`os.PathLike`), ``bytes``, a binary
file object, a :class:`PIL.Image.Image`, or a numpy array. The result is a
C-contiguous ``uint8`` array, either 2-D grayscale or 3-D **BGR** (OpenCV's
order, which zxing-cpp and OpenCV read directly).

Rules, so that every input is either read correctly or refused with an
:class:`~vssid_id.errors.ImageError`:

* EXIF orientation is applied (phones store portrait photos sideways);
* HEIC/HEIF (iPhone photos) is read through pillow-heif;
* an image with more than ``max_pixels`` pixels raises
  :class:`~vssid_id.errors.ImageTooLarge` *before* its pixels are decoded
  (Pillow's own decompression-bomb guard, about 179 megapixels, also applies
  to encoded files whatever ``max_pixels`` says);
* the first frame of an animated image is used;
* 16-bit and 32-bit images are scaled to 8 bits; CMYK becomes RGB; an alpha
  channel is composited on white (a transparent PNG of a QR code reads as the
  printed code would);
* numpy arrays: ``color_order`` says whether 3- and 4-channel arrays are
  ``"bgr"`` (the default, as OpenCV gives) or ``"rgb"`` (as Pillow,
  imageio and most camera SDKs give).
"""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING, Any, Literal

from .errors import ImageError, ImageTooLarge

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["DEFAULT_MAX_PIXELS", "load_image"]

#: Default pixel limit: 50 megapixels, above any phone camera's full resolution
#: (a 48 MP sensor's photo passes) and far below what would exhaust memory.
DEFAULT_MAX_PIXELS = 50_000_000

ColorOrder = Literal["bgr", "rgb"]

_heif_registered = False


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        try:
            import pillow_heif

            pillow_heif.register_heif_opener()
        except ImportError:  # pragma: no cover - pillow-heif is a dependency
            pass
        _heif_registered = True


def _check_size(width: int, height: int, max_pixels: int, name: str) -> None:
    if width <= 0 or height <= 0:
        raise ImageError(f"{name}: the image has no pixels ({width}x{height})")
    if width * height > max_pixels:
        raise ImageTooLarge(
            f"{name}: {width}x{height} is {width * height / 1e6:.1f} megapixels, "
            f"over the limit of {max_pixels / 1e6:g}"
        )


def load_image(
    source: Any,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    color_order: ColorOrder = "bgr",
) -> "np.ndarray":
    """Return ``source`` as a uint8 grayscale or BGR array (see the module doc)."""
    import numpy as np

    if isinstance(source, np.ndarray):
        return _from_array(source, max_pixels, color_order)
    from PIL import Image

    if isinstance(source, Image.Image):
        return _from_pil(source, max_pixels, "image")
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        try:
            with open(name, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            raise ImageError(f"{name}: no such file") from None
        except IsADirectoryError:
            raise ImageError(f"{name}: is a directory") from None
        except OSError as error:
            raise ImageError(f"{name}: cannot be read ({error.strerror or error})") from None
        return _from_bytes(data, max_pixels, name)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _from_bytes(bytes(source), max_pixels, "image bytes")
    if hasattr(source, "read"):
        try:
            data = source.read()
        except OSError as error:
            raise ImageError(f"image stream: cannot be read ({error})") from None
        if not isinstance(data, (bytes, bytearray)):
            raise ImageError("image stream: must be opened in binary mode")
        return _from_bytes(bytes(data), max_pixels, getattr(source, "name", "image stream"))
    raise ImageError(
        f"cannot read an image from {type(source).__name__}: give a path, bytes, "
        "a binary file, a PIL image or a numpy array"
    )


def _from_bytes(data: bytes, max_pixels: int, name: str) -> "np.ndarray":
    if not data:
        raise ImageError(f"{name}: is empty (0 bytes)")
    from PIL import Image, UnidentifiedImageError

    _register_heif()
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise ImageTooLarge(f"{name}: the image is too large to decode safely") from None
    except UnidentifiedImageError:
        raise ImageError(f"{name}: is not an image file Pillow can read") from None
    except Exception as error:  # a corrupt header can raise almost anything
        raise ImageError(f"{name}: is not a readable image ({type(error).__name__})") from None
    return _from_pil(image, max_pixels, name)


def _from_pil(image: Any, max_pixels: int, name: str) -> "np.ndarray":
    import numpy as np
    from PIL import Image, ImageOps

    _check_size(*image.size, max_pixels, name)
    try:
        if getattr(image, "n_frames", 1) > 1:
            image.seek(0)
        image.load()
        image = ImageOps.exif_transpose(image) or image
        _check_size(*image.size, max_pixels, name)
        mode = image.mode
        if mode in ("1", "L"):
            return np.ascontiguousarray(np.asarray(image.convert("L")))
        if mode.startswith("I") or mode == "F":
            return _scale_to_8_bits(np.asarray(image))
        if mode in ("RGBA", "LA", "PA", "P", "RGBa", "La") or "transparency" in image.info:
            rgba = image.convert("RGBA")
            background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            image = Image.alpha_composite(background, rgba)
        rgb = np.asarray(image.convert("RGB"))
    except (ImageError, MemoryError):
        raise
    except Image.DecompressionBombError:
        raise ImageTooLarge(f"{name}: the image is too large to decode safely") from None
    except Exception as error:  # truncated or corrupt pixel data
        raise ImageError(f"{name}: the image data is corrupt or truncated ({type(error).__name__})") from None
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _scale_to_8_bits(array: "np.ndarray") -> "np.ndarray":
    """16/32-bit integer or float samples → uint8, by the range their type or data uses."""
    import numpy as np

    if array.ndim == 3:  # e.g. 16-bit RGB arrays handed in directly
        array = array[:, :, :3].mean(axis=2)
    values = array.astype(np.float32)
    top = 65535.0 if array.dtype in (np.uint16, np.dtype(">u2"), np.dtype("<u2")) else float(values.max(initial=0))
    if array.dtype.kind in "iu" and top <= 255:
        top = 255.0
    if top <= 0:
        return np.zeros(array.shape, np.uint8)
    return np.ascontiguousarray(np.clip(values * (255.0 / top), 0, 255).astype(np.uint8))


def _from_array(array: "np.ndarray", max_pixels: int, color_order: ColorOrder) -> "np.ndarray":
    import numpy as np

    if color_order not in ("bgr", "rgb"):
        raise ImageError(f"color_order must be 'bgr' or 'rgb', not {color_order!r}")
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise ImageError(f"a numpy image must be HxW, HxWx3 or HxWx4, not {array.shape}")
    _check_size(array.shape[1], array.shape[0], max_pixels, "array")
    if array.dtype == bool:
        array = array.astype(np.uint8) * 255
    if array.dtype != np.uint8:
        if array.dtype.kind not in "iuf":
            raise ImageError(f"a numpy image must hold numbers, not {array.dtype}")
        if array.ndim == 3:
            channels = [_scale_to_8_bits(array[:, :, i]) for i in range(array.shape[2])]
            array = np.stack(channels, axis=2)
        else:
            array = _scale_to_8_bits(array)
    if array.ndim == 3:
        if array.shape[2] == 4:
            alpha = array[:, :, 3:4].astype(np.float32) / 255.0
            array = (array[:, :, :3] * alpha + 255.0 * (1.0 - alpha)).astype(np.uint8)
        if color_order == "rgb":
            array = array[:, :, ::-1]
    return np.ascontiguousarray(array)
