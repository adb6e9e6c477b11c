"""The live-camera loop, driven by fake captures (no camera needed)."""

import cv2
import numpy as np
import pytest
from conftest import card_bgr

from vssid_id import errors
from vssid_id.cli import scan as cli
from vssid_id.images import camera
from vssid_id.images.camera import SharpnessGate, scan_camera, scan_frames, sharpness
from vssid_id.scanning.scanner import parses


class FakeCapture:
    """Plays a list of frames like cv2.VideoCapture.read(); then reports failure."""

    def __init__(self, frames):
        self.frames = list(frames)
        self.reads = 0

    def read(self):
        self.reads += 1
        if self.frames:
            return True, self.frames.pop(0)
        return False, None


@pytest.fixture
def sharp_card(cccd_payload):
    return card_bgr(cccd_payload, "cccd", 4.0)


def test_sharpness_orders_blurred_below_sharp(sharp_card):
    blurred = cv2.GaussianBlur(sharp_card, (0, 0), 4)
    assert sharpness(blurred) < sharpness(sharp_card) / 5
    assert sharpness(np.full((480, 640, 3), 90, np.uint8)) == 0.0


def test_gate_skips_blurred_and_featureless_frames(sharp_card):
    gate = SharpnessGate()
    assert not gate.worth_decoding(np.full((480, 640, 3), 90, np.uint8))  # below the floor
    assert gate.worth_decoding(sharp_card)
    assert not gate.worth_decoding(cv2.GaussianBlur(sharp_card, (0, 0), 3))  # well below recent best
    assert gate.worth_decoding(sharp_card)


def test_stops_at_first_frame_with_a_card_and_skips_blurred_ones(monkeypatch, sharp_card, cccd_payload):
    decoded = []
    real_decode = camera.decode

    def counting_decode(frame, **options):
        decoded.append(frame)
        return real_decode(frame, **options)

    monkeypatch.setattr(camera, "decode", counting_decode)
    blank = np.full(sharp_card.shape, 128, np.uint8)
    # sigma 3: sharp enough for the gate (above its floor), past what the
    # ladder reads (its deconvolution step reads sigma 2.5 at 4 px per module).
    soft = cv2.GaussianBlur(sharp_card, (0, 0), 3.0)
    blurred = cv2.GaussianBlur(sharp_card, (0, 0), 4)
    capture = FakeCapture([blank, soft, blurred, blurred, sharp_card, soft, sharp_card])
    payloads = scan_camera(capture, accept=parses, timeout=10)
    assert [p.text for p in payloads] == [cccd_payload]
    assert capture.reads == 5  # stopped at the first readable card
    # Decoded: the soft frame (the best so far when it came) and the sharp card;
    # the blank frame and the two blurred ones were skipped.
    assert len(decoded) == 2
    assert decoded[1] is sharp_card


def test_a_non_card_code_does_not_stop_the_loop(sharp_card, cccd_payload):
    from conftest import qr_gray

    url = cv2.cvtColor(qr_gray("https://example.org", 6), cv2.COLOR_GRAY2BGR)
    # relative=0: the URL code is far sharper than the card, and the gate
    # would otherwise skip the next frames as "softer than the recent best".
    payloads = scan_frames([url, sharp_card], accept=parses, gate=SharpnessGate(relative=0.0))
    assert [p.text for p in payloads] == [cccd_payload]


def test_timeout_with_a_fake_clock():
    ticks = iter(range(100))
    frames = (np.full((240, 320, 3), 128, np.uint8) for _ in range(100))
    assert scan_frames(frames, timeout=5, clock=lambda: next(ticks)) == []


def test_frames_running_out_returns_nothing():
    assert scan_frames([np.full((240, 320, 3), 128, np.uint8)] * 3) == []


def test_a_dead_camera_raises_camera_error(monkeypatch):
    monkeypatch.setattr(camera.time, "sleep", lambda _: None)
    with pytest.raises(errors.CameraError, match="stopped delivering"):
        scan_camera(FakeCapture([]), timeout=60)


def test_a_camera_that_cannot_be_opened(capsys):
    with pytest.raises(errors.CameraError, match="cannot be opened"):
        scan_camera("/nonexistent/video.mp4", timeout=1)
    assert cli.main(["--camera", "97", "--timeout", "1"]) == cli.EXIT_NO_INPUT
    assert "camera 97" in capsys.readouterr().err
