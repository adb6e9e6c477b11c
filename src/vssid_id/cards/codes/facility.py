"""Registered primary-care facility code (mã nơi đăng ký khám chữa bệnh ban đầu), 5 characters.

Printed on the BHYT card as ``01 - 001``: the 2-digit code of the province
(Quyết định 1351/QĐ-BHXH, 2015, the same list as the card code's issuing
province, :data:`vssid_id.cards.tables.BHYT_ISSUER_PROVINCES`), then the facility's
3-character code within it, given by the province's BHXH office. The
facility part is usually digits; a public card of 2023 has ``01 - C54``, so
capital letters are accepted (docs/formats.md).

What this cannot prove: no public list of the facilities exists, so only the
province part is checked against a table; a facility code that passes may
belong to no facility.

>>> validate('01 - 001')
'01001'
>>> format('01c54')
'01 - C54'
>>> validate('03 - 001')
Traceback (most recent call last):
...
vssid_id.errors.InvalidComponent: facility_code: the facility's province code is not in the official list
"""

from __future__ import annotations

from ...errors import InvalidCode, InvalidComponent, InvalidFormat, InvalidLength
from ..tables import BHYT_ISSUER_PROVINCES

__all__ = ["compact", "validate", "is_valid", "format"]

_FIELD = "facility_code"
# As cards and forms print a facility: "01 - 001", "01-001", "01 – 001" (an en dash, as word processors make it).
_SEPARATORS = str.maketrans("", "", " -.\u2013")


def compact(number: str) -> str:
    """Drop the ASCII spaces, dashes and dots and the en dash of the printed form; upper-case ASCII letters.

    >>> compact('01 – c54')
    '01C54'
    """
    if not isinstance(number, str):
        raise InvalidFormat(f"must be a str, not {type(number).__name__}", _FIELD)
    number = number.translate(_SEPARATORS)
    return number.upper() if number.isascii() else number


def validate(number: str) -> str:
    """Return the compact code, or raise an :class:`~vssid_id.errors.InvalidCode`."""
    code = compact(number)
    if not (code.isascii() and code.isalnum()):
        raise InvalidFormat("must be 2 digits and 3 letters or digits, such as '01 - 001'", _FIELD)
    if len(code) != 5:
        raise InvalidLength(f"must have 5 characters, not {len(code)}", _FIELD)
    if not code[:2].isdigit():
        raise InvalidFormat("must start with the 2-digit province code", _FIELD)
    if code[:2] not in BHYT_ISSUER_PROVINCES:
        raise InvalidComponent("the facility's province code is not in the official list", _FIELD)
    return code


def is_valid(number: str) -> bool:
    """Whether ``number`` passes :func:`validate`.

    >>> is_valid('01 - 001'), is_valid('99 - 001')
    (True, False)
    """
    try:
        validate(number)
    except InvalidCode:
        return False
    return True


def format(number: str) -> str:
    """The code as the card prints it: ``01 - 001``."""
    code = validate(number)
    return f"{code[:2]} - {code[2:]}"
