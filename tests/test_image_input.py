"""load_image: every kind of input read correctly, or refused with ImageError."""

import io
import os
from pathlib import Path

import numpy as np
import pytest
from conftest import qr_gray
from huge_png import huge_png  # fixtures/, on the path by conftest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as npst
from PIL import Image

import vssid_id
from vssid_id import errors
from vssid_id.images.loading import load_image, read_limited


def _png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


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
    data = huge_png(30_000, 30_000)  # 900 megapixels, ~110 kB compressed
    with pytest.raises(errors.ImageTooLarge):
        load_image(data)


def test_200_megapixel_png_refused():
    data = huge_png(20_000, 10_000)
    with pytest.raises(errors.ImageTooLarge, match="too large"):
        load_image(data)
    # Raising our limit does not lift Pillow's own decompression-bomb guard.
    with pytest.raises(errors.ImageTooLarge, match="too large"):
        load_image(data, max_pixels=300_000_000)


def test_over_our_limit_names_the_size():
    data = huge_png(10_000, 6_000)  # 60 MP: over our 50 MP default, under Pillow's guard
    with pytest.raises(errors.ImageTooLarge, match=r"10000x6000 is 60\.0 megapixels"):
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
    ["", np.zeros((4, 4, 2), np.uint8), np.zeros((2, 2, 2, 2), np.uint8),
     np.zeros((0, 5), np.uint8), np.zeros((5, 0), np.uint8), np.zeros((0, 0, 3), np.float32),
     np.array([["a", "b"]]), np.zeros((4, 4), complex), np.array([[None, 1]]), np.zeros(5, np.uint8)],
)
def test_wrong_inputs(value):
    with pytest.raises(errors.ImageError):
        load_image(value)


@pytest.mark.parametrize("value", [5, None, 2.5, ["a.png"]])
def test_wrong_types(value):
    with pytest.raises(TypeError, match="give a path"):
        load_image(value)


@pytest.mark.parametrize("limit", [None, "50", 5.0, True])
def test_limits_of_the_wrong_type(limit):
    image = np.zeros((8, 8), np.uint8)
    with pytest.raises(TypeError, match="max_pixels must be a positive int"):
        load_image(image, max_pixels=limit)
    with pytest.raises(TypeError, match="max_bytes must be a positive int"):
        load_image(image, max_bytes=limit)


def test_limits_that_are_not_positive():
    with pytest.raises(ValueError, match="max_pixels"):
        load_image(np.zeros((8, 8), np.uint8), max_pixels=0)
    with pytest.raises(ValueError, match="max_bytes"):
        read_limited(io.BytesIO(b"x"), -1, "stdin")


# --- bytes read are bounded ------------------------------------------------------


def test_device_is_refused_before_reading():
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    with pytest.raises(errors.ImageError, match="not a regular file"):
        load_image("/dev/zero")


def test_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(errors.ImageError, match="not a regular file"):
        load_image(fifo)


def test_file_over_the_byte_limit_is_refused_by_its_size(tmp_path):
    path = tmp_path / "huge.jpg"
    with open(path, "wb") as handle:
        handle.truncate(300 * 1024 * 1024)  # sparse: 300 MB that take no disk
    with pytest.raises(errors.ImageTooLarge, match="314,572,800 bytes, over the limit of 52,428,800"):
        load_image(path)
    small = tmp_path / "small.png"
    small.write_bytes(_png_bytes(Image.new("L", (80, 80), 255)))
    with pytest.raises(errors.ImageTooLarge, match="over the limit of 100"):
        load_image(small, max_bytes=100)
    assert load_image(small, max_bytes=small.stat().st_size).shape == (80, 80)


class _Endless(io.RawIOBase):
    """A stream that never ends (like /dev/zero on stdin), counting what is read."""

    def __init__(self):
        self.given = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        buffer[:] = b"\0" * len(buffer)
        self.given += len(buffer)
        return len(buffer)


def test_endless_stream_is_refused_after_the_cap():
    stream = _Endless()
    with pytest.raises(errors.ImageTooLarge, match="over the limit of 1,000 bytes"):
        load_image(stream, max_bytes=1000)
    assert stream.given <= 1001
    stream = _Endless()
    with pytest.raises(errors.ImageTooLarge):
        read_limited(stream, 3 * 1024 * 1024, "stdin")
    assert stream.given == 3 * 1024 * 1024 + 1


def test_read_limited_refuses_text_streams_and_returns_bytes():
    with pytest.raises(errors.ImageError, match="binary mode"):
        read_limited(io.StringIO("hello"), 100, "stdin")
    assert read_limited(io.BytesIO(b"abc"), 3, "stdin") == b"abc"
    assert read_limited(io.BytesIO(b""), 3, "stdin") == b""


def test_bytes_over_the_limit():
    with pytest.raises(errors.ImageTooLarge, match="over the limit of 10"):
        load_image(b"\x89PNG" + bytes(100), max_bytes=10)
    with pytest.raises(errors.ImageTooLarge):
        load_image(memoryview(np.zeros(100, np.uint32)), max_bytes=100)  # 400 bytes


def test_thin_image_header_is_refused_before_decoding():
    # A few hundred bytes claiming 1 x 49,999,999 pixels took 1.4 GB to load.
    data = huge_png(1, 49_999_999)
    with pytest.raises(errors.ImageTooLarge, match="a side under 64 pixels counts as 64"):
        load_image(data)
    assert load_image(np.zeros((2, 3000), np.uint8)).shape == (2, 3000)


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


# --- numpy arrays of every kind -----------------------------------------------------


def test_uint16_holding_8_bit_values_is_not_black(cccd_payload):
    gray = qr_gray(cccd_payload)
    assert np.array_equal(load_image(gray.astype(np.uint16)), gray)
    assert np.array_equal(load_image(gray.astype(np.int64)), gray)
    assert _decoded(gray.astype(np.uint16)) == {cccd_payload}


def test_wider_samples_are_scaled_by_the_bit_depth_their_maximum_needs():
    twelve_bit = np.array([[0, 4095, 2048]], np.uint16)
    assert load_image(twelve_bit).tolist() == [[0, 255, 128]]
    sixteen_bit = np.array([[0, 65535, 256]], np.uint16)
    assert load_image(sixteen_bit).tolist() == [[0, 255, 1]]
    assert load_image(np.array([[0.0, 1.0, 0.5]], np.float16)).tolist() == [[0, 255, 128]]
    assert load_image(np.array([[0.0, 200.0, 100.4]])).tolist() == [[0, 200, 100]]
    assert load_image(np.array([[0.0, 510.0]])).tolist() == [[0, 255]]
    assert load_image(np.array([[True, False]])).tolist() == [[255, 0]]


def test_channels_are_scaled_together_not_each_by_its_own_maximum():
    rgb16 = np.zeros((2, 2, 3), np.uint16)
    rgb16[..., 0] = 65535  # blue at full scale, red faint
    rgb16[..., 2] = 4096
    assert load_image(rgb16)[0, 0].tolist() == [255, 0, 16]


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_infinity_are_refused(bad):
    image = np.ones((8, 8, 3), np.float32)
    image[3, 4, 1] = bad
    with pytest.raises(errors.ImageError, match="NaN or infinite"):
        load_image(image)


def test_negative_values_are_refused():
    with pytest.raises(errors.ImageError, match="negative"):
        load_image(np.array([[-1, 5]], np.int16))
    with pytest.raises(errors.ImageError, match="negative"):
        load_image(np.array([[-0.5, 0.5]]))


def test_any_strides_are_accepted(cccd_payload):
    gray = qr_gray(cccd_payload)
    flipped = gray[::-1, ::-1]
    assert np.array_equal(load_image(flipped), np.ascontiguousarray(flipped))
    bgr = np.dstack([gray, gray, gray])
    assert np.array_equal(load_image(bgr[:, :, ::-1], color_order="rgb"), bgr)
    assert load_image(bgr[::2, ::3]).flags.c_contiguous
    assert np.asfortranarray(gray).flags.f_contiguous
    assert np.array_equal(load_image(np.asfortranarray(gray)), gray)


_DTYPES = [np.bool_, np.uint8, np.int8, np.uint16, np.int16, np.uint32, np.int32, np.uint64, np.int64,
           np.float16, np.float32, np.float64, np.complex64, np.dtype(">u2"), np.dtype("<f8")]


@st.composite
def _arrays(draw):
    dtype = np.dtype(draw(st.sampled_from(_DTYPES)))
    shape = draw(st.lists(st.integers(0, 6), min_size=0, max_size=4).map(tuple))
    return draw(npst.arrays(dtype, shape))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_arrays(), st.sampled_from(["bgr", "rgb"]))
def test_fuzz_arrays_give_an_image_or_our_error(array, order):
    try:
        out = load_image(array, color_order=order)
    except errors.ImageError:
        return
    assert out.dtype == np.uint8 and out.flags.c_contiguous
    assert out.shape[:2] == array.shape[:2] and out.ndim in (2, 3)
    assert out.ndim == 2 or out.shape[2] == 3


def _sample_files():
    gray = np.tile(np.arange(40, dtype=np.uint8) * 6, (30, 1))
    samples = []
    for image, fmt in [(Image.fromarray(gray), "PNG"), (Image.fromarray(gray).convert("RGB"), "JPEG"),
                       (Image.fromarray(gray).convert("RGBA"), "PNG"), (Image.fromarray(gray).convert("P"), "GIF"),
                       (Image.fromarray(gray.astype(np.uint16) * 257), "TIFF"),
                       (Image.fromarray(gray).convert("CMYK"), "JPEG"), (Image.fromarray(gray), "BMP"),
                       (Image.fromarray(gray).convert("RGB"), "WEBP")]:
        buffer = io.BytesIO()
        image.save(buffer, fmt)
        samples.append(buffer.getvalue())
    return samples


_SAMPLES = _sample_files()


@st.composite
def _corrupt_files(draw):
    data = bytearray(draw(st.sampled_from(_SAMPLES)))
    for _ in range(draw(st.integers(0, 8))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(data)))
    return bytes(data[:cut]) if draw(st.booleans()) else bytes(data)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=2000), _corrupt_files()))
def test_fuzz_bytes_give_an_image_or_our_error(data):
    try:
        out = load_image(data)
    except errors.ImageError as error:
        assert error.__cause__ is None
        return
    assert out.dtype == np.uint8 and out.ndim in (2, 3)
