"""Public path of the old identity-card number: the code lives in :mod:`vssid_id.cards.codes.cmnd`."""

from ..cards.codes.cmnd import *  # noqa: F403
from ..cards.codes.cmnd import __all__ as __all__
