"""Dates as the card payloads write them.

* CCCD / Căn cước: ``ddmmyyyy`` with no separators (``01011990``).
* BHYT: ``dd/mm/yyyy``; a date of birth may be a bare year ``yyyy`` when the
  holder's day and month of birth are unknown (Quyết định 1351/QĐ-BHXH).

A date of birth known only to the year is returned as ``(None, year)``: we
never invent a 1 January.
"""

from __future__ import annotations

from datetime import date

from .errors import MalformedPayload

__all__ = ["parse_compact_date", "parse_slash_date", "parse_birth_date"]


def _to_date(year: str, month: str, day: str, field: str) -> date:
    if not (year + month + day).isascii() or not (year + month + day).isdigit():
        raise MalformedPayload("is not a date (digits expected)", field)
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise MalformedPayload("is not a valid calendar date", field) from None


def parse_compact_date(text: str, field: str) -> date:
    """Parse ``ddmmyyyy``.

    >>> parse_compact_date('29022000', 'issue_date')
    datetime.date(2000, 2, 29)
    >>> parse_compact_date('30022000', 'issue_date')
    Traceback (most recent call last):
    ...
    vssid_id.errors.MalformedPayload: issue_date: is not a valid calendar date
    """
    if len(text) != 8:
        raise MalformedPayload("must be a date written ddmmyyyy", field)
    return _to_date(text[4:], text[2:4], text[:2], field)


def parse_slash_date(text: str, field: str) -> date:
    """Parse ``dd/mm/yyyy``.

    >>> parse_slash_date('31/12/2025', 'valid_to')
    datetime.date(2025, 12, 31)
    """
    if len(text) != 10 or text[2] != "/" or text[5] != "/":
        raise MalformedPayload("must be a date written dd/mm/yyyy", field)
    return _to_date(text[6:], text[3:5], text[:2], field)


def parse_birth_date(text: str, field: str = "date_of_birth") -> tuple[date | None, int]:
    """Parse a BHYT date of birth, ``dd/mm/yyyy`` or a bare year ``yyyy``.

    Returns ``(date, year)``; the date is ``None`` when only the year is known.

    >>> parse_birth_date('1950')
    (None, 1950)
    >>> parse_birth_date('05/03/1990')
    (datetime.date(1990, 3, 5), 1990)
    """
    if len(text) == 4:
        if not (text.isascii() and text.isdigit()) or int(text) < 1800:
            raise MalformedPayload("must be a year yyyy or a date dd/mm/yyyy", field)
        return None, int(text)
    full = parse_slash_date(text, field)
    return full, full.year
