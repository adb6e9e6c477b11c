"""Dates as the card payloads write them.

* CCCD / Căn cước: ``ddmmyyyy`` with no separators (``01011990``).
* BHYT: ``dd/mm/yyyy``.

A date of birth may be known only to the month (``mmyyyy``, ``mm/yyyy``) or the
year (``yyyy``) when the civil register does not hold the day; we never invent
a 1 January.

Every date read has a four-digit year no earlier than a plausible bound:
:data:`EARLIEST_BIRTH_YEAR` for dates of birth, :data:`EARLIEST_CARD_YEAR`
for the dates a card is issued or valid from and to. The formatting helpers
write the year with four digits, zero-padded, so that whatever is read writes
back to text that reads again (``strftime('%Y')`` writes ``1`` for the year 1
on Linux).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from time import time as _time

from ..errors import MalformedPayload

__all__ = [
    "EARLIEST_BIRTH_YEAR",
    "parse_compact_date",
    "parse_slash_date",
    "parse_birth_date",
    "format_birth_date",
    "format_compact_date",
    "format_slash_date",
    "EARLIEST_CARD_YEAR",
    "today",
    "check_today",
]

#: A date of birth before this year is a misread or a typing error, not a
#: living card holder (the oldest recorded person was born in 1875).
EARLIEST_BIRTH_YEAR = 1800

#: A card's issue, validity or five-year date before this year is a misread.
#: Vietnam's health insurance began in 1992 (Decree 299/HĐBT of 15 August
#: 1992) and the CCCD in 2016 (Law 59/2014/QH13 on Citizen Identification);
#: 1900 leaves generous room for a date typed from an older document while
#: refusing years such as 0001 that no card can hold.
EARLIEST_CARD_YEAR = 1900


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
        pass
    # Raised outside the except block: the ValueError quotes the date, which
    # would travel as the new error's __context__.
    digits = year + month + day
    if digits.isascii() and digits.isdigit():
        raise MalformedPayload("is not a valid calendar date", field)
    raise MalformedPayload("is not a date (digits expected)", field)


def parse_compact_date(text: str, field: str) -> date:
    """Parse ``ddmmyyyy``, a card date (no earlier than :data:`EARLIEST_CARD_YEAR`).

    >>> parse_compact_date('29022000', 'issue_date')
    datetime.date(2000, 2, 29)
    >>> parse_compact_date('30022000', 'issue_date')
    Traceback (most recent call last):
    ...
    vssid_id.errors.MalformedPayload: issue_date: is not a valid calendar date
    """
    if len(text) != 8:
        raise MalformedPayload("must be a date written ddmmyyyy", field)
    value = _to_date(text[4:], text[2:4], text[:2], field)  # as _compact, inlined: this is hot
    if value.year < EARLIEST_CARD_YEAR:
        raise MalformedPayload(f"is before {EARLIEST_CARD_YEAR}", field)
    return value


def _compact(text: str, field: str) -> date:
    if len(text) != 8:
        raise MalformedPayload("must be a date written ddmmyyyy", field)
    return _to_date(text[4:], text[2:4], text[:2], field)


def parse_slash_date(text: str, field: str) -> date:
    """Parse ``dd/mm/yyyy``, a card date (no earlier than :data:`EARLIEST_CARD_YEAR`).

    >>> parse_slash_date('31/12/2025', 'valid_to')
    datetime.date(2025, 12, 31)
    >>> parse_slash_date('01/01/0001', 'valid_to')
    Traceback (most recent call last):
    ...
    vssid_id.errors.MalformedPayload: valid_to: is before 1900
    """
    if len(text) != 10 or text[2] != "/" or text[5] != "/":
        raise MalformedPayload("must be a date written dd/mm/yyyy", field)
    value = _to_date(text[6:], text[3:5], text[:2], field)  # as _slash, inlined: this is hot
    if value.year < EARLIEST_CARD_YEAR:
        raise MalformedPayload(f"is before {EARLIEST_CARD_YEAR}", field)
    return value


def _slash(text: str, field: str) -> date:
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
        full = _slash(text, field) if slashes else _compact(text, field)
        month, year = full.month, full.year
    if year < EARLIEST_BIRTH_YEAR:
        raise MalformedPayload(f"is before {EARLIEST_BIRTH_YEAR}", field)
    return full, month, year


def format_birth_date(value: date | None, month: int | None, year: int, *, slashes: bool) -> str:
    """The inverse of :func:`parse_birth_date`.

    >>> format_birth_date(None, 3, 1990, slashes=True)
    '03/1990'
    >>> format_birth_date(date(1890, 5, 7), 5, 1890, slashes=False)
    '07051890'
    """
    if value is not None:
        return format_slash_date(value) if slashes else format_compact_date(value)
    sep = "/" if slashes else ""
    if month is not None:
        return f"{month:02d}{sep}{year:04d}"
    return f"{year:04d}"


def format_compact_date(value: date) -> str:
    """``ddmmyyyy``, the inverse of :func:`parse_compact_date`; the year has four digits.

    >>> format_compact_date(date(2021, 8, 15)), format_compact_date(date(1, 2, 3))
    ('15082021', '03020001')
    """
    return f"{value.day:02d}{value.month:02d}{value.year:04d}"


def format_slash_date(value: date) -> str:
    """``dd/mm/yyyy``, the inverse of :func:`parse_slash_date`; the year has four digits.

    >>> format_slash_date(date(2025, 12, 31)), format_slash_date(date(1, 2, 3))
    ('31/12/2025', '03/02/0001')
    """
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


_today: tuple[float, date] = (0.0, date.min)  # (the next local midnight as a timestamp, today)


def today() -> date:
    """The system's local date, like :meth:`datetime.date.today`, at a tenth of its cost.

    Every parse needs it (dates must not lie in the future), and
    ``date.today()`` costs half a microsecond, about 5% of a parse. The date
    is kept until the next local midnight (computed by :mod:`datetime` in
    local time, so a daylight-saving change is honoured).

    >>> today() == date.today()
    True
    """
    global _today
    now = _time()
    until, value = _today
    if now >= until:
        value = date.today()
        until = datetime.combine(value + timedelta(days=1), datetime.min.time()).timestamp()
        _today = (until, value)
    return value


def check_today(today: object) -> date | None:
    """``today`` as a date: ``None`` (the system date), a :class:`~datetime.date`,
    or a :class:`~datetime.datetime` (its date); anything else is a :class:`TypeError`."""
    if today is None or type(today) is date:
        return today
    if isinstance(today, datetime):
        return today.date()
    if isinstance(today, date):
        return today
    raise TypeError(f"today must be a datetime.date, not {type(today).__name__}")
