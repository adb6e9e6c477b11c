"""Validators for the codes on Vietnamese ID and health-insurance cards.

One module per code, in the style of python-stdnum, each with the same four
functions of one positional argument: ``compact(number)`` (drop the ASCII
separators a person adds), ``validate(number)`` (the compact form, or an
:class:`~vssid_id.errors.InvalidCode`, which is a :class:`ValueError`),
``is_valid(number)`` (a bool) and ``format(number)`` (the form the card prints).

* :mod:`~vssid_id.codes.bhxh` — the 10-digit social-insurance number;
* :mod:`~vssid_id.codes.bhyt_card` — the 15-character BHYT card code;
* :mod:`~vssid_id.codes.cccd` — the 12-digit personal ID number;
* :mod:`~vssid_id.codes.cmnd` — the old 9- or 12-digit identity-card number;
* :mod:`~vssid_id.codes.facility` — the BHYT card's registered primary-care facility.

:data:`MODULES` lists them, for code that treats them alike.
"""

from types import ModuleType

from . import bhxh, bhyt_card, cccd, cmnd, facility
from .bhyt_card import BhytCardCodeParts, parse_bhyt_card_code
from .cccd import CccdNumberParts, parse_cccd_number

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

#: Every code module; each has ``compact``, ``validate``, ``is_valid`` and ``format``.
MODULES: tuple[ModuleType, ...] = (bhxh, bhyt_card, cccd, cmnd, facility)
