"""Dates as the card payloads write them.

* CCCD / Căn cước: ``ddmmyyyy`` with no separators (``01011990``).
* BHYT: ``dd/mm/yyyy``.

A date of birth may be known only to the month (``mmyyyy``, ``mm/yyyy``) or the
year (``yyyy``) when the civil register does not hold the day; we never invent
a 1 January.
"""

from __future__ import annotations

from datetime import date

from .errors import MalformedPayload

__all__ = [
    "EARLIEST_BIRTH_YEAR",
    "parse_compact_date",
    "parse_slash_date",
    "parse_birth_date",
    "format_birth_date",
]

#: A date of birth before this year is a misread or a typing error, not a
#: living card holder (the oldest recorded person was born in 1875).
EARLIEST_BIRTH_YEAR = 1800


def _to_date(year: str, month: str, day: str, field: str) -> date:
    """The date of a 4-character year, 2-character month and 2-character day.

    ``date.fromisoformat`` does the digit and calendar checks in C: given
    text of exactly the shape ``yyyy-mm-dd`` it accepts ASCII digits only,
    and it is about twice as fast as ``int()`` three times and ``date()``.
    (tests/test_dates.py holds it to the plain digit rule.)
    """
    try:
        return date.fromisoformat(f"{year}-{month}-{day}")
    except ValueError:
        digits = year + month + day
        if digits.isascii() and digits.isdigit():
            raise MalformedPayload("is not a valid calendar date", field) from None
        raise MalformedPayload("is not a date (digits expected)", field) from None


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


def parse_birth_date(text: str, field: str = "date_of_birth", *, slashes: bool) -> tuple[date | None, int | None, int]:
    """Parse a date of birth that may be known only to the month or the year.

    Cards print what the civil register holds: ``dd/mm/yyyy``, ``mm/yyyy`` or
    ``yyyy`` on BHYT cards (``slashes=True``); ``ddmmyyyy``, ``mmyyyy`` or
    ``yyyy`` on CCCD cards. Returns ``(date, month, year)`` with ``date``
    (and ``month``) ``None`` when not known.

    >>> parse_birth_date('1950', slashes=True)
    (None, None, 1950)
    >>> parse_birth_date('05/03/1990', slashes=True)
    (datetime.date(1990, 3, 5), 3, 1990)
    >>> parse_birth_date('031990', slashes=False)
    (None, 3, 1990)
    """
    if len(text) == 4:
        if not (text.isascii() and text.isdigit()):
            raise MalformedPayload("must be a date, a month and year, or a year", field)
        full, month, year = None, None, int(text)
    elif len(text) == (7 if slashes else 6):
        if slashes and text[2] != "/":
            raise MalformedPayload("must be a date written dd/mm/yyyy, mm/yyyy or yyyy", field)
        first = _to_date(text[-4:], text[:2], "01", field)
        full, month, year = None, first.month, first.year
    else:
        full = parse_slash_date(text, field) if slashes else parse_compact_date(text, field)
        month, year = full.month, full.year
    if year < EARLIEST_BIRTH_YEAR:
        raise MalformedPayload(f"is before {EARLIEST_BIRTH_YEAR}", field)
    return full, month, year


def format_birth_date(value: date | None, month: int | None, year: int, *, slashes: bool) -> str:
    """The inverse of :func:`parse_birth_date`.

    >>> format_birth_date(None, 3, 1990, slashes=True)
    '03/1990'
    """
    sep = "/" if slashes else ""
    if value is not None:
        return value.strftime(f"%d{sep}%m{sep}%Y")
    if month is not None:
        return f"{month:02d}{sep}{year:04d}"
    return f"{year:04d}"
