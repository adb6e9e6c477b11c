"""Public path of the 12-digit personal ID number: the code lives in :mod:`vssid_id.cards.codes.cccd`."""

from ..cards.codes.cccd import *  # noqa: F403
from ..cards.codes.cccd import __all__ as __all__
