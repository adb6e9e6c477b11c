"""Public path of the code validators (python-stdnum style): the code lives in :mod:`vssid_id.cards.codes`.

``from vssid_id.codes import bhxh, bhyt_card, cccd, cmnd, facility``; each
module has ``compact``, ``validate``, ``is_valid`` and ``format``.
"""

from ..cards.codes import MODULES, BhytCardCodeParts, CccdNumberParts, parse_bhyt_card_code, parse_cccd_number
from . import bhxh, bhyt_card, cccd, cmnd, facility

__all__ = [
    "bhxh",
    "bhyt_card",
    "cccd",
    "cmnd",
    "facility",
    "MODULES",
    "BhytCardCodeParts",
    "CccdNumberParts",
    "parse_bhyt_card_code",
    "parse_cccd_number",
]
