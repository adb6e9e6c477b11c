"""CCCD / personal identification number (số định danh cá nhân), 12 digits.

Structure, from Nghị định 137/2015/NĐ-CP (Điều 13) and Thông tư 07/2016/TT-BCA
(Điều 7), kept by Thông tư 59/2021/TT-BCA:

* digits 1–3: code of the province where the birth was registered
  (see :data:`vssid_id.cards.tables.CCCD_PROVINCES`);
* digit 4: century of birth and sex — 0/1 born 1900–1999 male/female, 2/3
  2000–2099, 4/5 2100–2199, 6/7 2200–2299, 8/9 2300–2399 (even = male);
* digits 5–6: the last two digits of the year of birth;
* digits 7–12: a random number.

What this cannot prove: the number has **no check digit**, so a number that
passes :func:`validate` may still be one that was never issued, and a single
mistyped digit in the random part is undetectable. Only the national
population database can say a number exists.

>>> validate('001 0 90 123456')
'001090123456'
>>> format('001-090-123456')
'001090123456'
>>> parse_cccd_number('079305001234').birth_year
2005
>>> validate('003090123456')
Traceback (most recent call last):
...
vssid_id.errors.InvalidComponent: id_number: the province code is not in the official list
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ...errors import InvalidCode, InvalidComponent
from ..gender import Gender
from ..tables import CCCD_PROVINCES
from ..trusted import trusted
from .cleaning import clean, require_digits

__all__ = ["CccdNumberParts", "compact", "validate", "is_valid", "format", "parse_cccd_number", "number_parts"]

_FIELD = "id_number"


class CccdNumberParts(BaseModel):
    """The parts of a 12-digit personal identification number."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    number: str
    province_code: str
    province_name: str
    century_start: int
    """First year of the century of birth: 1900, 2000, 2100, ..."""
    gender: Gender
    birth_year: int
    """Year of birth, from the century digit and the two year digits."""
    serial: str
    """The six random digits."""


def compact(number: str) -> str:
    """Drop ASCII spaces, dashes and dots.

    >>> compact('001-090-123-456')
    '001090123456'
    """
    return clean(number, _FIELD)


def parse_cccd_number(number: str) -> CccdNumberParts:
    """Validate ``number`` and return its parts."""
    return number_parts(require_digits(clean(number, _FIELD), 12, _FIELD))


#: What the first six digits say (province, century, sex, year), by those digits.
_PREFIXES: dict[str, dict[str, object]] = {}


def number_parts(number: str) -> CccdNumberParts:
    """The parts of ``number``, already known to be twelve ASCII digits (the
    payload parser's path: it checks the digits itself)."""
    prefix = _PREFIXES.get(number[:6])
    if prefix is None:
        province_code = number[:3]
        province_name = CCCD_PROVINCES.get(province_code)
        if province_name is None:
            raise InvalidComponent("the province code is not in the official list", _FIELD)
        digit = int(number[3])
        century_start = 1900 + 100 * (digit // 2)
        prefix = {
            "province_code": province_code,
            "province_name": province_name,
            "century_start": century_start,
            "gender": Gender.FEMALE if digit % 2 else Gender.MALE,
            "birth_year": century_start + int(number[4:6]),
        }
        if len(_PREFIXES) < 65_536:  # 63 provinces x 10 x 100 at the most; bounded all the same
            _PREFIXES[number[:6]] = prefix
    return trusted(CccdNumberParts, {"number": number, **prefix, "serial": number[6:]})


def validate(number: str) -> str:
    """Return the compact number, or raise an :class:`~vssid_id.errors.InvalidCode`."""
    return parse_cccd_number(number).number


def is_valid(number: str) -> bool:
    """Whether ``number`` passes :func:`validate`.

    >>> is_valid('001090123456'), is_valid('00109012345')
    (True, False)
    """
    try:
        validate(number)
    except InvalidCode:
        return False
    return True


def format(number: str) -> str:
    """The number as the card prints it: twelve digits, unbroken."""
    return validate(number)
