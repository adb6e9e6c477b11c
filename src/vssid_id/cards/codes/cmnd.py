"""Old identity-card number (số chứng minh nhân dân, CMND), 9 or 12 digits.

The 9-digit CMND (Nghị định 05/1999/NĐ-CP) and the 12-digit CMND (Nghị định
106/2013/NĐ-CP) were replaced by the CCCD; the CCCD / Căn cước QR payload
carries the holder's old number in its second field. Both print unbroken.

What this cannot prove: the province prefixes of the CMND follow older lists
that changed over the years, and there is no check digit, so only the shape is
checked.

>>> validate('123 456 789')
'123456789'
>>> validate('12345678')
Traceback (most recent call last):
...
vssid_id.errors.InvalidLength: old_id_number: must have 9 digits, not 8
"""

from __future__ import annotations

from ...errors import InvalidCode
from .cleaning import clean, require_digits

__all__ = ["compact", "validate", "is_valid", "format"]

_FIELD = "old_id_number"


def compact(number: str) -> str:
    """Drop ASCII spaces, dashes and dots.

    >>> compact('123-456-789')
    '123456789'
    """
    return clean(number, _FIELD)


def validate(number: str) -> str:
    """Return the compact number (9 or 12 digits), or raise an :class:`~vssid_id.errors.InvalidCode`."""
    number = compact(number)
    return require_digits(number, 12 if len(number) == 12 else 9, _FIELD)


def is_valid(number: str) -> bool:
    """Whether ``number`` passes :func:`validate`.

    >>> is_valid('123456789'), is_valid('1234567890')
    (True, False)
    """
    try:
        validate(number)
    except InvalidCode:
        return False
    return True


def format(number: str) -> str:
    """The number as the card printed it: its digits, unbroken."""
    return validate(number)
