"""Shared helpers: synthetic QR images made with the fixture generator."""

import random
import signal
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
sys.path.insert(0, str(FIXTURES))

import generate  # noqa: E402  (fixtures/generate.py)

from vssid_id.cards.synthetic import synthetic_bhyt_record, synthetic_cccd_record  # noqa: E402

# A test run started in the background by a shell without job control (`cmd &` in a script) inherits
# Ctrl-C ignored, and so would every vssid-scan it starts; vssid-scan rightly keeps an inherited ignore.
# The Ctrl-C tests need Ctrl-C delivered, as in a terminal: Python's own handler again (a child process
# then starts with SIGINT at its default).
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session")
def cccd_payload() -> str:
    return synthetic_cccd_record(random.Random(101)).to_payload()


@pytest.fixture(scope="session")
def bhyt_payload() -> str:
    return synthetic_bhyt_record(random.Random(102)).to_payload()


def qr_gray(payload: str, ppm: float = 4.0) -> np.ndarray:
    """A white-bordered QR of ``payload`` as a uint8 grayscale array."""
    return np.asarray(generate.render_qr(payload, ppm).convert("L"))


def card_bgr(payload: str, kind: str = "cccd", ppm: float = 5.0) -> np.ndarray:
    """A synthetic card with the QR, as an OpenCV BGR array."""
    return np.ascontiguousarray(np.asarray(generate.render_card(payload, kind, ppm))[:, :, ::-1])


#: The one-time notices of an optional backend that cannot run here (no
#: libzbar, a plain OpenCV build): legitimate stderr, printed once per process.
_BACKEND_NOTICE = (b"vssid_id: the zbar backend is off", b"vssid_id: the wechat backend is off")


def without_backend_notices(stderr: bytes) -> bytes:
    """``stderr`` less the optional-backend notices, for tests that expect nothing else there."""
    return b"".join(line for line in stderr.splitlines(keepends=True) if not line.startswith(_BACKEND_NOTICE))
