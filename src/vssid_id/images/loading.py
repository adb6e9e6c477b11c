"""Load any image input into one array convention: uint8, grayscale or BGR.

Accepted inputs: a path (``str`` / :class:`os.PathLike`), ``bytes``, a binary
file object, a :class:`PIL.Image.Image`, or a numpy array. The result is a
C-contiguous ``uint8`` array, either 2-D grayscale or 3-D **BGR** (OpenCV's
order, which zxing-cpp and OpenCV read directly).

Rules, so that every input is either read correctly or refused with an
:class:`~vssid_id.errors.ImageError` (a wrong argument type is a
``TypeError``):

* **Bytes read are capped**: at most ``max_bytes`` (default
  :data:`DEFAULT_MAX_BYTES`, 50 MiB: a 48-megapixel phone JPEG is 10–25 MB,
  a 50-megapixel PNG of a photo rarely over 40 MB). A path is opened, checked
  to be a regular file (a device such as ``/dev/zero``, a FIFO or a socket is
  refused before a byte is read) and its size compared with the cap before
  reading; a stream is read in chunks and refused as soon as it passes the
  cap (at most ``max_bytes + 1`` bytes are read). :func:`read_limited` is the
  same rule for callers that read a stream themselves (the CLI, for stdin).
* **Pixels are capped before decoding**: an image of more than
  ``max_pixels`` pixels (default :data:`DEFAULT_MAX_PIXELS`) raises
  :class:`~vssid_id.errors.ImageTooLarge` from its header alone. A side
  shorter than 64 pixels counts as 64, because Pillow keeps a pointer (and
  Pillow's allocator some bookkeeping) per row: a 67-byte PNG that claims
  1 × 49,999,999 pixels would otherwise take about 1.4 GB to load. (No QR
  code fits in fewer than 21 pixels anyway.) Pillow's own decompression-bomb
  guard, about 179 megapixels, also applies to encoded files.
* **Peak memory** while loading the largest accepted image is about 12
  bytes per pixel at most. ``bench/bench_load_memory.py`` measured the peak
  RSS growth of a process loading one image of 7000 × 7000 = 49 megapixels
  (before these rules → now): PNG RGB 850 → 476 MB, PNG RGBA 1,224 → 570 MB,
  JPEG RGB 851 → 476 MB, 16-bit PNG 850 → 289 MB; the 1 × 49,999,999 PNG
  1,392 MB → refused from its header (8 MB); numpy arrays of that size,
  beyond the input itself: float32 RGB 654 → 144 MB, uint16 gray
  561 → 47 MB, uint8 BGRA 1,496 → 166 MB. (Pillow holds the decoded image at
  4 bytes per pixel for colour, and its ``tobytes`` briefly holds the pixels
  twice; the result is 3 bytes per pixel, 1 for grayscale.) The default of
  50 megapixels admits the full-resolution photos of 48 and 50 megapixel
  phone sensors; the 108 and 200 megapixel modes are opt-in on the phones
  that have them: raise ``max_pixels`` for those, at about 12 bytes per pixel.
* EXIF orientation is applied (phones store portrait photos sideways);
* HEIC/HEIF (iPhone photos) is read through pillow-heif;
* **only the formats a card photo comes in** are opened
  (:data:`CARD_PHOTO_FORMATS`: JPEG, HEIC/HEIF, PNG, WebP, BMP, GIF, TIFF,
  PPM), told by content, never by the file's name. Every other format is
  refused before its plugin runs: EPS and PostScript (which Pillow renders by
  running Ghostscript on a temporary copy of the file: an 80-byte endless
  loop hung the decoder for ever), WMF/EMF, PSD, ICO and the rest. A
  :class:`PIL.Image.Image` whose pixels are not loaded yet is held to the
  same list (loading it would run its plugin); a loaded one is taken as it is;
* the first frame of an animated or many-page image is used, and only it is
  read (counting the pages of a TIFF walks every page header, in quadratic
  time: 16 s for 40,000 one-pixel pages);
* CMYK and other colour modes become RGB; an alpha channel is composited on
  white (a transparent PNG of a QR code reads as the printed code would);
* **samples wider than 8 bits** (16-bit files; numpy arrays of any integer or
  float type, ``bool`` included) become 8 bits by one rule for all channels
  together: integers whose largest value fits in 8 bits are taken as they
  are (a ``uint16`` array holding 0–255 is not made black); otherwise they
  are scaled by the bit depth their largest value needs (a 12-bit image by
  4095, a full 16-bit one by 65535); floats in 0–1 are scaled by 255, floats
  up to 255 are taken as they are, larger ones are scaled by their maximum.
  Negative values, NaN and infinities are refused;
* numpy arrays: ``color_order`` says whether 3- and 4-channel arrays are
  ``"bgr"`` (the default, as OpenCV gives) or ``"rgb"`` (as Pillow,
  imageio and most camera SDKs give); any strides are accepted.
"""

from __future__ import annotations

import io
import os
import stat
from typing import TYPE_CHECKING, Any, Literal

from ..errors import ImageError, ImageTooLarge

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    from PIL import Image as PILImage

__all__ = ["CARD_PHOTO_FORMATS", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_PIXELS", "load_image", "read_limited"]

#: Default pixel limit: 50 megapixels, above the full resolution of 48 and 50
#: megapixel phone cameras, and what loading can hold in about 0.5 GB.
DEFAULT_MAX_PIXELS = 50_000_000

#: Default limit on the bytes of an encoded image read from a file or stream:
#: 50 MiB, twice the largest full-resolution phone JPEG.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

#: A side shorter than this counts as this long against ``max_pixels``.
MIN_COUNTED_SIDE = 64

ColorOrder = Literal["bgr", "rgb"]

#: The only formats opened, by Pillow's names, chosen by content (never by the
#: file's name): what phone cameras, scanners and screenshots write. JPEG
#: (its plugin also opens MPO, the multi-picture JPEG of some phones), HEIF (HEIC, iPhones), PNG
#: and WebP (screenshots, messaging apps), BMP, GIF, TIFF (scanners, faxes) and
#: PPM (netpbm: scanimage, image tools). Every other format Pillow knows is
#: refused, above all those whose loading runs an interpreter or another
#: program (EPS and PostScript run Ghostscript; WMF/EMF a system renderer)
#: and the rarer raster formats nobody photographs a card into (PSD, ICO, DDS,
#: FITS, …): each plugin is attack surface. tests/test_hostile_images.py
#: checks the list against every plugin registered where it runs.
CARD_PHOTO_FORMATS = ("JPEG", "HEIF", "PNG", "WEBP", "BMP", "GIF", "TIFF", "PPM")

_FORMAT_NAMES = "JPEG, HEIC/HEIF, PNG, WebP, BMP, GIF, TIFF or PPM"

_CHUNK = 1 << 20  # bytes per read from a stream
_BLOCK_PIXELS = 1 << 20  # pixels per block when converting in steps

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


def _limit(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a positive int, not {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive int, not {value}")
    return value


def _check_size(width: int, height: int, max_pixels: int, name: str) -> None:
    if width <= 0 or height <= 0:
        raise ImageError(f"{name}: the image has no pixels ({width}x{height})")
    counted = max(width, MIN_COUNTED_SIDE) * max(height, MIN_COUNTED_SIDE)
    if counted > max_pixels:
        note = ""
        if counted != width * height:
            note = f" (a side under {MIN_COUNTED_SIDE} pixels counts as {MIN_COUNTED_SIDE})"
        raise ImageTooLarge(
            f"{name}: {width}x{height} is {counted / 1e6:.1f} megapixels{note}, "
            f"over the limit of {max_pixels / 1e6:g}"
        )


def read_limited(stream: Any, max_bytes: int, name: str) -> bytes:
    """All bytes of a binary ``stream``, refused once they pass ``max_bytes``.

    Reads in chunks, at most ``max_bytes + 1`` bytes in all. Raises
    :class:`~vssid_id.errors.ImageTooLarge` past the cap and
    :class:`~vssid_id.errors.ImageError` for a text-mode stream or a read
    error; ``name`` names the stream in the message (``"stdin"``).

    >>> read_limited(io.BytesIO(b"12345"), 5, "stdin")
    b'12345'
    >>> read_limited(io.BytesIO(b"123456"), 5, "stdin")
    Traceback (most recent call last):
    ...
    vssid_id.errors.ImageTooLarge: stdin: is over the limit of 5 bytes
    """
    max_bytes = _limit(max_bytes, "max_bytes")
    if isinstance(stream, io.TextIOBase):
        raise ImageError(f"{name}: must be opened in binary mode")
    chunks: list[bytes] = []
    total = 0
    while total <= max_bytes:
        try:
            chunk = stream.read(min(_CHUNK, max_bytes + 1 - total))
        except OSError as error:
            raise ImageError(f"{name}: cannot be read ({error.strerror or type(error).__name__})") from None
        if chunk is None:
            raise ImageError(f"{name}: has no data ready (a non-blocking stream)")
        if not isinstance(chunk, (bytes, bytearray)):
            raise ImageError(f"{name}: must be opened in binary mode")
        if not chunk:
            break
        chunks.append(bytes(chunk))
        total += len(chunk)
    if total > max_bytes:
        raise ImageTooLarge(f"{name}: is over the limit of {max_bytes:,} bytes")
    return b"".join(chunks)


def _read_path(path: str | bytes, max_bytes: int) -> tuple[bytes, str]:
    name = os.fsdecode(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)  # O_NONBLOCK: opening a FIFO does not wait for a writer
    except FileNotFoundError:
        raise ImageError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ImageError(f"{name}: is a directory") from None
    except OSError as error:
        raise ImageError(f"{name}: cannot be read ({error.strerror or type(error).__name__})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ImageError(f"{name}: is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise ImageError(f"{name}: is not a regular file (a device, pipe or socket)")
        if info.st_size > max_bytes:
            raise ImageTooLarge(f"{name}: is {info.st_size:,} bytes, over the limit of {max_bytes:,}")
        handle = os.fdopen(fd, "rb", buffering=0)
    except BaseException:
        os.close(fd)
        raise
    with handle:
        return read_limited(handle, max_bytes, name), name


def load_image(
    source: Any,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    color_order: ColorOrder = "bgr",
) -> np.ndarray:
    """Return ``source`` as a uint8 grayscale or BGR array (see the module doc)."""
    import numpy as np

    max_pixels = _limit(max_pixels, "max_pixels")
    max_bytes = _limit(max_bytes, "max_bytes")
    if isinstance(source, np.ndarray):
        return _from_array(source, max_pixels, color_order)
    from PIL import Image

    if isinstance(source, Image.Image):
        return _from_pil(source, max_pixels, "image", owned=False)
    if isinstance(source, (str, os.PathLike)):
        data, name = _read_path(os.fspath(source), max_bytes)
        return _from_bytes(data, max_pixels, name)
    if isinstance(source, (bytes, bytearray, memoryview)):
        size = source.nbytes if isinstance(source, memoryview) else len(source)
        if size > max_bytes:
            raise ImageTooLarge(f"image bytes: {size:,} bytes, over the limit of {max_bytes:,}")
        return _from_bytes(bytes(source), max_pixels, "image bytes")
    if hasattr(source, "read"):
        name = getattr(source, "name", "image stream")
        name = name if isinstance(name, str) else "image stream"
        return _from_bytes(read_limited(source, max_bytes, name), max_pixels, name)
    raise TypeError(
        f"cannot read an image from {type(source).__name__}: give a path, bytes, "
        "a binary file, a PIL image or a numpy array"
    )


def _from_bytes(data: bytes, max_pixels: int, name: str) -> np.ndarray:
    if not data:
        raise ImageError(f"{name}: is empty (0 bytes)")
    from PIL import Image, UnidentifiedImageError

    _register_heif()
    try:
        image = Image.open(io.BytesIO(data), formats=CARD_PHOTO_FORMATS)
    except Image.DecompressionBombError:
        raise ImageTooLarge(f"{name}: the image is too large to decode safely") from None
    except UnidentifiedImageError:
        kind = _other_format(data)
        what = f"looks like {kind} data, not a card photo format" if kind else "is not an image in a card photo format"
        raise ImageError(f"{name}: {what} ({_FORMAT_NAMES})") from None
    except Exception as error:  # a corrupt header can raise almost anything
        raise ImageError(f"{name}: is not a readable image ({type(error).__name__})") from None
    return _from_pil(image, max_pixels, name, owned=True)


def _other_format(data: bytes) -> str | None:
    """The format of a file no card photo plugin opened, by the other plugins' own content checks
    (which read the first 16 bytes, as ``Image.open`` gives them; none is opened)."""
    from PIL import Image

    prefix = data[:16]
    for kind, (_, accept) in Image.OPEN.items():
        if kind in CARD_PHOTO_FORMATS or accept is None:
            continue
        try:
            if accept(prefix):
                return kind
        except Exception:  # a plugin's check that fails on these bytes: not this format
            continue
    return None


def _from_pil(image: PILImage.Image, max_pixels: int, name: str, *, owned: bool) -> np.ndarray:
    """Decode ``image`` to the array; images we ``owned`` are closed as soon as copied."""
    from PIL import Image

    kind = image.format
    if kind not in (None, "MPO", *CARD_PHOTO_FORMATS) and getattr(image, "tile", None):
        raise ImageError(f"{name}: is a {kind} image whose pixels are not loaded yet, and {kind} is not "
                         f"a card photo format ({_FORMAT_NAMES}); load or convert it first if you trust it")
    _check_size(*image.size, max_pixels, name)
    try:
        return _pil_to_array(image, max_pixels, name, owned)
    except (ImageError, MemoryError):
        raise
    except Image.DecompressionBombError:
        raise ImageTooLarge(f"{name}: the image is too large to decode safely") from None
    except Exception as error:  # truncated or corrupt pixel data
        raise ImageError(f"{name}: the image data is corrupt or truncated ({type(error).__name__})") from None


def _pil_to_array(image: PILImage.Image, max_pixels: int, name: str, owned: bool) -> np.ndarray:
    import numpy as np
    from PIL import ImageOps

    def done() -> None:
        if owned:
            image.close()  # frees its pixels now, not when the caller lets go

    if image.tell() != 0:  # never n_frames: it reads every frame's header
        image.seek(0)
    image.load()
    if image.getexif().get(0x0112, 1) in range(2, 9):  # EXIF orientation other than "normal"
        turned = ImageOps.exif_transpose(image)
        if turned is not None:
            done()
            image, owned = turned, True
            _check_size(*image.size, max_pixels, name)
    width, height = image.size
    mode = image.mode
    target = "L" if mode in ("1", "L") else None
    if mode.startswith("I") or mode == "F":
        array = np.asarray(image)
        done()
        return _to_uint8(array, name)
    if target is None:
        has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
        target = "RGBA" if has_alpha else "RGB"
    if mode != target:
        converted = image.convert(target)
        done()
        image, owned = converted, True
    # Pillow packs BGR itself: no reordering copy.
    data = image.tobytes("raw", "BGR") if target == "RGB" else image.tobytes()
    done()
    pixels: np.ndarray = np.frombuffer(data, np.uint8)
    if target == "RGBA":
        return _on_white(pixels.reshape(height, width, 4), reverse=True)
    # A copy: arrays over bytes are read-only, and callers may draw on the result.
    result: np.ndarray = pixels.reshape((height, width) if target == "L" else (height, width, 3)).copy()
    return result


def _blocks(height: int, width: int) -> range:
    """Start rows of blocks of about :data:`_BLOCK_PIXELS` pixels."""
    return range(0, height, max(1, _BLOCK_PIXELS // max(width, 1)))


def _on_white(rgba: np.ndarray, *, reverse: bool) -> np.ndarray:
    """Composite a uint8 4-channel image on white, block by block; ``reverse`` swaps RGB↔BGR."""
    import numpy as np

    height, width = rgba.shape[:2]
    out = np.empty((height, width, 3), np.uint8)
    step = max(1, _BLOCK_PIXELS // max(width, 1))
    for top in _blocks(height, width):
        block = rgba[top: top + step]
        colour = block[:, :, 2::-1] if reverse else block[:, :, :3]
        alpha = block[:, :, 3:4].astype(np.uint16)
        mixed = (colour * alpha + 255 * (255 - alpha) + 127) // 255
        out[top: top + step] = mixed
    return out


def _to_uint8(array: np.ndarray, name: str) -> np.ndarray:
    """Any numeric samples → uint8 by the rule in the module doc (all channels alike)."""
    import numpy as np

    if array.dtype == np.uint8:
        return array
    out = np.empty(array.shape, np.uint8)
    if array.dtype == np.bool_:
        np.multiply(array, 255, out=out, casting="unsafe")
        return out
    low, high = array.min(), array.max()
    if array.dtype.kind == "f" and not (np.isfinite(low) and np.isfinite(high)):
        raise ImageError(f"{name}: holds NaN or infinite values")
    if low < 0:
        raise ImageError(f"{name}: holds negative values")
    if array.dtype.kind in "iu":
        shift = max(0, int(high).bit_length() - 8)
        np.right_shift(array, shift, out=out, casting="unsafe")
        return out
    scale = 255.0 if high <= 1 else 1.0 if high <= 255 else 255.0 / float(high)
    step = max(1, _BLOCK_PIXELS // max(array[0].size, 1))
    for top in range(0, array.shape[0], step):
        np.rint(array[top: top + step] * scale, out=out[top: top + step], casting="unsafe")
    return out


def _from_array(array: np.ndarray, max_pixels: int, color_order: ColorOrder) -> np.ndarray:
    import numpy as np

    if color_order not in ("bgr", "rgb"):
        raise ImageError(f"color_order must be 'bgr' or 'rgb', not {color_order!r}")
    if array.dtype.kind not in "biuf":
        raise ImageError(f"a numpy image must hold numbers, not {array.dtype}")
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise ImageError(f"a numpy image must be HxW, HxWx3 or HxWx4, not {array.shape}")
    _check_size(array.shape[1], array.shape[0], max_pixels, "array")
    array = _to_uint8(array, "array")
    if array.ndim == 3:
        if array.shape[2] == 4:
            return _on_white(array, reverse=color_order == "rgb")
        if color_order == "rgb":
            array = array[:, :, ::-1]
    return np.ascontiguousarray(array)
