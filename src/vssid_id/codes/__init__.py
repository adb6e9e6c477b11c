"""Validators for the codes on Vietnamese ID and health-insurance cards.

One module per code, in the style of python-stdnum: ``compact()``,
``validate()`` (the compact form, or an :class:`~vssid_id.errors.InvalidCode`),
``is_valid()`` (a bool).

* :mod:`~vssid_id.codes.bhxh` — the 10-digit social-insurance number;
* :mod:`~vssid_id.codes.bhyt_card` — the 15-character BHYT card code;
* :mod:`~vssid_id.codes.cccd` — the 12-digit personal ID number and the old CMND.
"""

from . import bhxh, bhyt_card, cccd
from .bhyt_card import BhytCardCodeParts, parse_bhyt_card_code
from .cccd import CccdNumberParts, parse_cccd_number

__all__ = [
    "bhxh",
    "bhyt_card",
    "cccd",
    "BhytCardCodeParts",
    "CccdNumberParts",
    "parse_bhyt_card_code",
    "parse_cccd_number",
]
