"""Health-insurance card code (mã thẻ BHYT), 15 characters.

Structure, from Quyết định 1351/QĐ-BHXH (2015), Điều 2 and Phụ lục, as in
``HS4010120878811``:

* characters 1–2: beneficiary type (mã đối tượng), two letters from the table
  in :data:`vssid_id.cards.tables.BENEFICIARY_TYPES`;
* character 3: benefit level (mức hưởng), a digit 1–5
  (:data:`vssid_id.cards.tables.BENEFIT_LEVELS`);
* characters 4–5: code of the province whose BHXH office issued the card
  (:data:`vssid_id.cards.tables.BHYT_ISSUER_PROVINCES`);
* characters 6–15: the holder's 10-digit BHXH number
  (:mod:`vssid_id.codes.bhxh`).

What this cannot prove: the code has no check character of its own, and
whether a beneficiary type may carry a given benefit level depends on the law
in force when the card was issued, so that pairing is reported as a warning by
the parser, not checked here.

>>> validate('hs4 01 0120878811')
'HS4010120878811'
>>> format('HS4010120878811')
'HS 4 01 0120878811'
>>> parse_bhyt_card_code('HS4010120878811').bhxh_code
'0120878811'
>>> validate('ZZ4010120878811')
Traceback (most recent call last):
...
vssid_id.errors.InvalidComponent: card_code: the beneficiary type is not in the official list
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ...errors import InvalidCode, InvalidComponent, InvalidFormat, InvalidLength
from ..tables import BENEFICIARY_TYPES, BENEFIT_LEVELS, BHYT_ISSUER_PROVINCES
from ..trusted import trusted
from .cleaning import clean

__all__ = ["BhytCardCodeParts", "compact", "validate", "is_valid", "format", "parse_bhyt_card_code"]

_FIELD = "card_code"


class BhytCardCodeParts(BaseModel):
    """The parts of a BHYT card code, each with its meaning."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    card_code: str
    beneficiary_code: str
    beneficiary_vi: str
    beneficiary_en: str
    benefit_level: int
    benefit_level_vi: str
    benefit_level_en: str
    province_code: str
    province_name: str
    bhxh_code: str


def compact(number: str) -> str:
    """Drop ASCII spaces, dashes and dots and upper-case the letters.

    Only ASCII letters are upper-cased: a look-alike such as the long s
    (``ſ``, which ``str.upper()`` turns into ``S``) stays as it is, for
    :func:`validate` to refuse.

    >>> compact('hs-4-01-0120878811')
    'HS4010120878811'
    """
    code = clean(number, _FIELD)
    return code.upper() if code.isascii() else code


def parse_bhyt_card_code(number: str) -> BhytCardCodeParts:
    """Validate ``number`` (a card code) and return its parts."""
    field = _FIELD
    code = compact(number)
    if not code.isascii():
        raise InvalidFormat("must contain only the letters A-Z and the digits 0-9", field)
    if len(code) != 15:
        raise InvalidLength(f"must have 15 characters, not {len(code)}", field)
    prefix = _PREFIXES.get(code[:5])
    if prefix is None:
        prefix = _prefix_parts(code[:5])
    if not code[5:].isdigit():
        raise InvalidFormat("must have 13 digits after the two letters", field)
    return trusted(BhytCardCodeParts, {"card_code": code, **prefix, "bhxh_code": code[5:]})


#: What the first five characters say (type, level, province), by those characters.
_PREFIXES: dict[str, dict[str, object]] = {}


def _prefix_parts(prefix: str) -> dict[str, object]:
    """The parts of a card code's first five (ASCII) characters, checked against the tables."""
    field = _FIELD
    if not prefix[:2].isalpha():
        raise InvalidFormat("must start with two letters A-Z", field)
    if not prefix[2:].isdigit():
        raise InvalidFormat("must have 13 digits after the two letters", field)
    beneficiary = BENEFICIARY_TYPES.get(prefix[:2])
    if beneficiary is None:
        raise InvalidComponent("the beneficiary type is not in the official list", field)
    level = BENEFIT_LEVELS.get(int(prefix[2]))
    if level is None:
        raise InvalidComponent("the benefit level must be a digit 1-5", field)
    province_name = BHYT_ISSUER_PROVINCES.get(prefix[3:5])
    if province_name is None:
        raise InvalidComponent("the province code is not in the official list", field)
    parts: dict[str, object] = {
        "beneficiary_code": beneficiary.code,
        "beneficiary_vi": beneficiary.label_vi,
        "beneficiary_en": beneficiary.label_en,
        "benefit_level": level.level,
        "benefit_level_vi": level.label_vi,
        "benefit_level_en": level.label_en,
        "province_code": prefix[3:5],
        "province_name": province_name,
    }
    _PREFIXES[prefix] = parts  # valid prefixes only: at most 43 types x 5 levels x 63 provinces
    return parts


def validate(number: str) -> str:
    """Return the compact code, or raise an :class:`~vssid_id.errors.InvalidCode`."""
    return parse_bhyt_card_code(number).card_code


def is_valid(number: str) -> bool:
    """Whether ``number`` passes :func:`validate`.

    >>> is_valid('HS4010120878811'), is_valid('HS6010120878811')
    (True, False)
    """
    try:
        validate(number)
    except InvalidCode:
        return False
    return True


def format(number: str) -> str:
    """The code as the card prints it: type, level, province, BHXH number.

    >>> format('hs4010120878811')
    'HS 4 01 0120878811'
    """
    code = validate(number)
    return f"{code[:2]} {code[2]} {code[3:5]} {code[5:]}"
