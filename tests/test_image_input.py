"""load_image: every kind of input read correctly, or refused with ImageError."""

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

import vssid_id
from vssid_id import errors
from vssid_id.image_input import load_image

from conftest import qr_gray


def _png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _huge_png(width: int, height: int) -> bytes:
    """A valid 1-bit grayscale PNG of width x height, all black, built by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


# --- refused, with our own error ----------------------------------------------


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(errors.ImageError, match="empty"):
        load_image(path)


def test_text_file_named_jpg(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("this is not an image\n")
    with pytest.raises(errors.ImageError, match="not an image"):
        load_image(path)


def test_truncated_jpeg(tmp_path, cccd_payload):
    buffer = io.BytesIO()
    Image.fromarray(qr_gray(cccd_payload)).save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(errors.ImageError, match="corrupt or truncated"):
        load_image(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(errors.ImageError, match="no such file"):
        load_image(tmp_path / "nope.png")
    with pytest.raises(errors.ImageError, match="directory"):
        load_image(tmp_path)


def test_30000_square_png_refused_before_decoding():
    data = _huge_png(30_000, 30_000)  # 900 megapixels, ~110 kB compressed
    with pytest.raises(errors.ImageTooLarge):
        load_image(data)


def test_200_megapixel_png_refused():
    data = _huge_png(20_000, 10_000)
    with pytest.raises(errors.ImageTooLarge, match="too large"):
        load_image(data)
    # Raising our limit does not lift Pillow's own decompression-bomb guard.
    with pytest.raises(errors.ImageTooLarge, match="too large"):
        load_image(data, max_pixels=300_000_000)


def test_over_our_limit_names_the_size():
    data = _huge_png(10_000, 6_000)  # 60 MP: over our 50 MP default, under Pillow's guard
    with pytest.raises(errors.ImageTooLarge, match="10000x6000 is 60.0 megapixels"):
        load_image(data)


def test_configurable_pixel_limit(cccd_payload):
    gray = qr_gray(cccd_payload)
    with pytest.raises(errors.ImageTooLarge, match="over the limit"):
        load_image(gray, max_pixels=gray.size - 1)
    with pytest.raises(errors.ImageTooLarge):
        vssid_id.decode(_png_bytes(Image.fromarray(gray)), max_pixels=1000)
    assert load_image(gray, max_pixels=gray.size).shape == gray.shape


@pytest.mark.parametrize(
    "value",
    [5, "", None, np.zeros((4, 4, 2), np.uint8), np.zeros((2, 2, 2, 2), np.uint8),
     np.zeros((0, 5), np.uint8), np.array([["a", "b"]])],
)
def test_wrong_inputs(value):
    with pytest.raises(errors.ImageError):
        load_image(value)


def test_text_mode_file_object(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("hello")
    with open(path) as handle, pytest.raises(errors.ImageError, match="binary mode"):
        load_image(handle)


def test_bad_color_order(cccd_payload):
    with pytest.raises(errors.ImageError, match="color_order"):
        load_image(np.zeros((8, 8, 3), np.uint8), color_order="rbg")  # type: ignore[arg-type]


# --- read correctly ------------------------------------------------------------


def _decoded(image_or_bytes) -> set[str]:
    return {p.text for p in vssid_id.decode(image_or_bytes)}


def test_animated_gif_uses_first_frame(cccd_payload, bhyt_payload):
    first = Image.fromarray(qr_gray(cccd_payload)).convert("P")
    second = Image.fromarray(qr_gray(bhyt_payload)).resize(first.size).convert("P")
    buffer = io.BytesIO()
    first.save(buffer, "GIF", save_all=True, append_images=[second], duration=100, loop=0)
    assert _decoded(buffer.getvalue()) == {cccd_payload}


def test_16_bit_tiff(cccd_payload):
    sixteen = qr_gray(cccd_payload).astype(np.uint16) * 257
    buffer = io.BytesIO()
    Image.fromarray(sixteen).save(buffer, "TIFF")
    assert Image.open(io.BytesIO(buffer.getvalue())).mode.startswith("I;16")
    loaded = load_image(buffer.getvalue())
    assert loaded.dtype == np.uint8 and loaded.max() == 255 and loaded.min() == 0
    assert _decoded(buffer.getvalue()) == {cccd_payload}


def test_cmyk_jpeg(bhyt_payload):
    buffer = io.BytesIO()
    Image.fromarray(qr_gray(bhyt_payload)).convert("CMYK").save(buffer, "JPEG", quality=95)
    assert Image.open(io.BytesIO(buffer.getvalue())).mode == "CMYK"
    assert _decoded(buffer.getvalue()) == {bhyt_payload}


def test_heic_through_pillow_heif(cccd_payload):
    pillow_heif = pytest.importorskip("pillow_heif")  # a hard dependency; present
    heif = pillow_heif.from_pillow(Image.fromarray(qr_gray(cccd_payload, ppm=6)).convert("RGB"))
    buffer = io.BytesIO()
    heif.save(buffer, quality=95)
    assert buffer.getvalue()[4:12] in (b"ftypheic", b"ftypmif1", b"ftypheix")
    assert _decoded(buffer.getvalue()) == {cccd_payload}


def test_exif_orientation_is_applied():
    stored = Image.new("RGB", (200, 100), "white")
    stored.paste((255, 0, 0), (0, 0, 20, 20))  # red square at the stored top-left
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", exif=exif, quality=95)
    bgr = load_image(buffer.getvalue())
    assert bgr.shape == (200, 100, 3)  # displayed portrait
    b, g, r = bgr[5, 95]  # the red square is now at the top-right
    assert r > 200 and g < 60 and b < 60


def test_transparent_png_composited_on_white(cccd_payload):
    gray = qr_gray(cccd_payload)
    rgba = np.zeros((*gray.shape, 4), np.uint8)
    rgba[..., 3] = 255 - gray  # dark modules opaque black, light ones transparent
    data = _png_bytes(Image.fromarray(rgba, "RGBA"))
    loaded = load_image(data)
    assert loaded[0, 0].tolist() == [255, 255, 255]
    assert _decoded(data) == {cccd_payload}


def test_colour_order_is_explicit():
    rgb = np.zeros((4, 4, 3), np.uint8)
    rgb[..., 0] = 200  # red in RGB order
    assert load_image(rgb, color_order="rgb")[0, 0].tolist() == [0, 0, 200]  # BGR out
    assert load_image(rgb)[0, 0].tolist() == [200, 0, 0]  # taken as BGR: blue


def test_array_kinds(cccd_payload):
    gray = qr_gray(cccd_payload)
    assert _decoded(gray) == {cccd_payload}
    assert _decoded(gray[:, :, None]) == {cccd_payload}
    assert _decoded(gray > 127) == {cccd_payload}  # boolean
    assert _decoded(gray.astype(np.float32) / 255.0) == {cccd_payload}  # float 0..1
    bgra = np.dstack([gray, gray, gray, np.full_like(gray, 255)])
    assert _decoded(bgra) == {cccd_payload}


def test_path_bytes_file_object_and_pil_image(tmp_path, bhyt_payload):
    image = Image.fromarray(qr_gray(bhyt_payload))
    path = tmp_path / "qr.png"
    image.save(path)
    assert _decoded(path) == {bhyt_payload}
    assert _decoded(str(path)) == {bhyt_payload}
    assert _decoded(path.read_bytes()) == {bhyt_payload}
    with open(path, "rb") as handle:
        assert _decoded(handle) == {bhyt_payload}
    assert _decoded(image) == {bhyt_payload}
