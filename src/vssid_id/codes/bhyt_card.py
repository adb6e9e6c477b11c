"""Public path of the BHYT card code: the code lives in :mod:`vssid_id.cards.codes.bhyt_card`."""

from ..cards.codes.bhyt_card import *  # noqa: F403
from ..cards.codes.bhyt_card import __all__ as __all__
