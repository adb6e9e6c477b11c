"""Public path of the card field types: the code lives in :mod:`vssid_id.cards.fields`."""

from .cards.fields import *  # noqa: F403
from .cards.fields import __all__ as __all__
