"""Social-insurance number (mã số bảo hiểm xã hội, mã số BHXH), 10 digits.

The number is issued by Vietnam Social Security (BHXH Việt Nam) to each
participant for life; Quyết định 595/QĐ-BHXH (2017) and Quyết định
1351/QĐ-BHXH (2015) define it as ten digits, and the BHYT card code ends with
it (see :mod:`vssid_id.codes.bhyt_card`). The card of the current template
(Quyết định 1666/QĐ-BHXH, 2020) prints it unbroken.

What this cannot prove: BHXH Việt Nam publishes no internal structure and no
check digit for the number, so :func:`validate` checks only that it is ten
digits. A number that passes may never have been issued; only the VssID / BHXH
systems can say it exists.

>>> validate('01 2345 6789')
'0123456789'
>>> format('0123-456-789')
'0123456789'
>>> validate('012345678')
Traceback (most recent call last):
...
vssid_id.errors.InvalidLength: bhxh_code: must have 10 digits, not 9
"""

from __future__ import annotations

from ...errors import InvalidCode
from .cleaning import clean, require_digits

__all__ = ["compact", "validate", "is_valid", "format"]

_FIELD = "bhxh_code"


def compact(number: str) -> str:
    """Drop ASCII spaces, dashes and dots.

    >>> compact('0123-456-789')
    '0123456789'
    """
    return clean(number, _FIELD)


def validate(number: str) -> str:
    """Return the compact number, or raise an :class:`~vssid_id.errors.InvalidCode`."""
    return require_digits(compact(number), 10, _FIELD)


def is_valid(number: str) -> bool:
    """Whether ``number`` passes :func:`validate`.

    >>> is_valid('0123456789'), is_valid('012345678X')
    (True, False)
    """
    try:
        validate(number)
    except InvalidCode:
        return False
    return True


def format(number: str) -> str:
    """The number as the card prints it: ten digits, unbroken."""
    return validate(number)
