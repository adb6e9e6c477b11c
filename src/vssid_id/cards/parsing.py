"""Payload text → record: detect the card kind and hand over to its parser.

>>> parse("001090123456||Nguyễn Văn An|05031990|Nam|Số 1 Phố Huế, Hà Nội|15082021").kind
'cccd'
>>> parse("hello")
Traceback (most recent call last):
...
vssid_id.errors.UnknownPayloadKind: payload: is not a CCCD, Căn cước or BHYT card payload, nor an MRZ
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from ..errors import UnknownPayloadKind, VssidError
from .dates import check_today
from .formats.bhyt import BhytRecord, parse_bhyt_fields
from .formats.cccd import CccdRecord, parse_cccd_fields
from .formats.mrz import MrzRecord, looks_like_mrz, parse_mrz
from .text import payload_text

__all__ = ["parse", "parse_cccd", "parse_bhyt", "payload_kind"]

PayloadKind = Literal["cccd", "bhyt", "mrz"]

_SEPARATOR = "|"
# The first field decides: 12 ASCII digits is a personal ID number (tested
# in _kind without a regex, which is faster); two letters, a digit and twelve
# more digits is a BHYT card code, and 10 digits the BHYT card number of the
# current template (the bare BHXH number). Lenient on purpose (any letters,
# any length near 15) so that a broken BHYT card code is reported as an
# invalid card code, not as an unknown payload.
_BHYT_FIRST = re.compile(r"[A-Za-z]{2}[0-9]{11,14}|[0-9]{10}")


def payload_kind(payload: str | bytes) -> PayloadKind:
    """Which card a payload comes from, without parsing it further."""
    text = payload_text(payload)
    return "mrz" if looks_like_mrz(text) else _kind(text.split(_SEPARATOR))


def _kind(fields: list[str]) -> PayloadKind:
    first = fields[0].strip()
    if len(fields) > 1:
        if len(first) == 12 and first.isdigit() and first.isascii():
            return "cccd"
        if _BHYT_FIRST.fullmatch(first):
            return "bhyt"
        # A broken first field: recognise the layout, so the caller hears
        # "invalid card code" rather than "unknown payload".
        if len(fields) >= 13 and (fields[-1].strip() == "$" or fields[3].strip() in ("1", "2")):
            return "bhyt"
        if 7 <= len(fields) < 13 and fields[4].strip() in ("Nam", "Nữ"):
            return "cccd"
    raise UnknownPayloadKind("is not a CCCD, Căn cước or BHYT card payload, nor an MRZ", "payload")


def parse(payload: str | bytes, *, today: date | None = None) -> CccdRecord | BhytRecord | MrzRecord:
    """Parse a CCCD, Căn cước or BHYT QR payload, or MRZ text, into its record.

    ``payload`` may be the text a QR reader returned or its raw bytes (which
    must be UTF-8). Surrounding whitespace and a BOM are ignored; text a reader
    mis-decoded as Latin-1 or Shift-JIS is repaired. ``today`` (default: the
    system date) bounds dates that cannot lie in the future.

    The machine-readable zone of an ID card (TD1: 3 lines of 30) or a passport
    (TD3: 2 lines of 44), as MRZ readers and OCR deliver it (lines separated by
    CR/LF or run together, either case), becomes an :class:`MrzRecord` with
    every check digit verified (:mod:`vssid_id.cards.formats.mrz`).

    Raises a :class:`~vssid_id.errors.VssidError` subclass naming the field on
    any problem; never returns a partly filled record.
    """
    return _parse(payload, None, today)


def parse_cccd(payload: str | bytes, *, today: date | None = None) -> CccdRecord:
    """Parse a payload that must come from a CCCD or Căn cước card."""
    record = _parse(payload, "cccd", today)
    assert isinstance(record, CccdRecord)
    return record


def parse_bhyt(payload: str | bytes, *, today: date | None = None) -> BhytRecord:
    """Parse a payload that must come from a BHYT card."""
    record = _parse(payload, "bhyt", today)
    assert isinstance(record, BhytRecord)
    return record


def _parse(
    payload: str | bytes, expected: PayloadKind | None, today: date | None
) -> CccdRecord | BhytRecord | MrzRecord:
    today = check_today(today)
    try:
        text = payload_text(payload)
        fields = text.split(_SEPARATOR)
        kind = "mrz" if looks_like_mrz(text) else _kind(fields)
        if expected is not None and kind != expected:
            names = {"cccd": "a CCCD / Căn cước", "bhyt": "a BHYT card", "mrz": "an MRZ"}
            raise UnknownPayloadKind(f"is {names[kind]} payload, not {names[expected]} one", "payload")
        if kind == "mrz":
            return parse_mrz(text, today)
        if kind == "cccd":
            return parse_cccd_fields(fields, today)
        return parse_bhyt_fields(fields, today)
    except VssidError as error:
        # An error raised while handling another (a UnicodeDecodeError, a
        # ValueError from a date) keeps it as __context__ even after
        # ``raise … from None``, and that exception holds the payload text:
        # error-reporting tools serialise the chain. Ours travel alone.
        error.__context__ = error.__cause__ = None
        raise
