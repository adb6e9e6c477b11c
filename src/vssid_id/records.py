"""Public path of the record types: the code lives in :mod:`vssid_id.cards.records`."""

from .cards.records import *  # noqa: F403
from .cards.records import __all__ as __all__
