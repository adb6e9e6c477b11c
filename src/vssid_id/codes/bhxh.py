"""Public path of the 10-digit BHXH number: the code lives in :mod:`vssid_id.cards.codes.bhxh`."""

from ..cards.codes.bhxh import *  # noqa: F403
from ..cards.codes.bhxh import __all__ as __all__
