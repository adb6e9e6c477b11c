"""Public path of the BHYT card's primary-care facility code: the code is :mod:`vssid_id.cards.codes.facility`."""

from ..cards.codes.facility import *  # noqa: F403
from ..cards.codes.facility import __all__ as __all__
