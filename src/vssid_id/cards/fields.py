"""Validated field types: the card codes and card text as pydantic types.

In the style of pydantic-extra-types (``ISBN``, ``PhoneNumber``): a code is a
field type, so every way of building a model — the constructor,
``model_validate``, ``model_validate_json`` — runs the same check as
:mod:`vssid_id.codes`, and a failure is an ordinary pydantic
``ValidationError`` naming the field. The record models use them, and so can
your own models::

    >>> from pydantic import BaseModel, ValidationError
    >>> class Patient(BaseModel):
    ...     id_number: CccdNumber
    ...     bhxh_code: BhxhNumber
    >>> Patient(id_number='001 090 123456', bhxh_code='0120878811').id_number
    '001090123456'
    >>> try:
    ...     Patient(id_number='００１090123456', bhxh_code='0120878811')
    ... except ValidationError as error:
    ...     print(error.errors()[0]['loc'], error.errors()[0]['msg'])
    ('id_number',) must contain only the digits 0-9

Each type compacts what a person may add (ASCII spaces, dashes, dots) and
refuses everything else, like the ``validate()`` of its code module; the value
is then a plain ``str`` in its compact form. Messages never repeat the value.

:data:`CardText` is the text of a card field (a name, an address): NFC, with
surrounding spaces stripped, at most :data:`MAX_TEXT_CHARS` characters, and
nothing the payload parsers refuse (control, format, bidi, invisible or
private-use characters; see :func:`vssid_id.cards.text.forbidden_character`) nor the
payload's field separator ``|``. (A record's own check goes further: its
payload must parse back to it, so the card-text rule of
:func:`vssid_id.cards.text.is_card_text` and the payload's length limit apply too.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..errors import InvalidFormat, InvalidLength, VssidError
from .codes import bhxh, bhyt_card, cccd, cmnd, facility
from .codes.cleaning import clean
from .text import MAX_TEXT_CHARS, forbidden_character, nfc

__all__ = [
    "MAX_TEXT_CHARS",
    "CardText",
    "CardExtraField",
    "CccdNumber",
    "CmndNumber",
    "BhxhNumber",
    "BhytCardCode",
    "BhytCardNumber",
    "FacilityCode",
    "CardDate",
    "card_text",
    "validate_bhyt_card_number",
]


_SEPARATOR = "|"


def _pydantic(check: Callable[[str], str], error_type: str) -> Callable[[str], str]:
    """Turn a validator raising our errors into one raising pydantic's."""

    def validate(value: str) -> str:
        try:
            return check(value)
        except VssidError as error:
            raise PydanticCustomError(error_type, error.reason) from None

    validate.__name__ = check.__name__
    validate.__doc__ = check.__doc__
    return validate


def card_text(value: str, field: str = "text", *, allow_empty: bool = False) -> str:
    """``value`` as a record holds card text, or an :class:`~vssid_id.errors.InvalidFormat`.

    >>> card_text('  Nguye\\u0302\\u0303n Văn An ')
    'Nguyễn Văn An'
    """
    if not isinstance(value, str):
        raise InvalidFormat(f"must be a str, not {type(value).__name__}", field)
    if len(value) > 4 * MAX_TEXT_CHARS:  # before any work on it
        raise InvalidLength(f"must have at most {MAX_TEXT_CHARS} characters", field)
    bad = forbidden_character(value)
    if bad is not None:
        raise InvalidFormat(f"contains the forbidden character U+{ord(bad):04X}", field)
    if _SEPARATOR in value:
        raise InvalidFormat("contains '|', the payload's field separator", field)
    value = nfc(value.strip())
    if len(value) > MAX_TEXT_CHARS:  # as the parsers count: stripped, NFC
        raise InvalidLength(f"must have at most {MAX_TEXT_CHARS} characters, not {len(value)}", field)
    if not value and not allow_empty:
        raise InvalidFormat("is empty", field)
    return value


def _card_text(value: str) -> str:
    return card_text(value)


def _card_extra_field(value: str) -> str:
    return card_text(value, allow_empty=True)


def validate_bhyt_card_number(number: str) -> str:
    """The number a BHYT card carries: a 15-character card code (cards issued
    before April 2021) or the bare 10-digit BHXH number (the current template,
    Quyết định 1666/QĐ-BHXH, 2020).

    >>> validate_bhyt_card_number('0120878811'), validate_bhyt_card_number('hs4010120878811')
    ('0120878811', 'HS4010120878811')
    """
    compact = clean(number, "card_code")
    if len(compact) == 10 and compact.isascii() and compact.isdigit():
        return compact
    return bhyt_card.validate(compact)


def _schema(pattern: str, description: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": pattern, "description": description})


CardText = Annotated[
    str,
    AfterValidator(_pydantic(_card_text, "card_text")),
    WithJsonSchema({"type": "string", "maxLength": MAX_TEXT_CHARS, "description": "Card text (NFC)"}),
]
"""Text of a card field: NFC, stripped, not empty, no forbidden character."""

CardExtraField = Annotated[
    str,
    AfterValidator(_pydantic(_card_extra_field, "card_text")),
    WithJsonSchema({"type": "string", "maxLength": MAX_TEXT_CHARS, "description": "Card field kept verbatim"}),
]
"""A field kept verbatim (possibly empty): NFC, stripped, no forbidden character."""

CccdNumber = Annotated[
    str,
    AfterValidator(_pydantic(cccd.validate, "cccd_number")),
    _schema("^[0-9]{12}$", "12-digit personal identification number (số định danh cá nhân)"),
]
"""The 12-digit personal identification number, as :func:`vssid_id.codes.cccd.validate` checks it."""

CmndNumber = Annotated[
    str,
    AfterValidator(_pydantic(cmnd.validate, "cmnd_number")),
    _schema("^([0-9]{9}|[0-9]{12})$", "old identity-card number (CMND), 9 or 12 digits"),
]
"""The old 9- or 12-digit identity-card number, as :func:`vssid_id.codes.cmnd.validate` checks it."""

BhxhNumber = Annotated[
    str,
    AfterValidator(_pydantic(bhxh.validate, "bhxh_number")),
    _schema("^[0-9]{10}$", "10-digit social-insurance number (mã số BHXH)"),
]
"""The 10-digit BHXH number, as :func:`vssid_id.codes.bhxh.validate` checks it."""

BhytCardCode = Annotated[
    str,
    AfterValidator(_pydantic(bhyt_card.validate, "bhyt_card_code")),
    _schema("^[A-Z]{2}[1-5][0-9]{12}$", "15-character BHYT card code (mã thẻ BHYT)"),
]
"""The 15-character BHYT card code, as :func:`vssid_id.codes.bhyt_card.validate` checks it."""

BhytCardNumber = Annotated[
    str,
    AfterValidator(_pydantic(validate_bhyt_card_number, "bhyt_card_number")),
    _schema("^([A-Z]{2}[1-5][0-9]{12}|[0-9]{10})$", "BHYT card code (15 characters) or BHXH number (10 digits)"),
]
"""What a BHYT card carries as its number: see :func:`validate_bhyt_card_number`."""

FacilityCode = Annotated[
    str,
    AfterValidator(_pydantic(facility.validate, "facility_code")),
    _schema("^[0-9]{2}[0-9A-Z]{3}$", "registered primary-care facility: province + 3 characters"),
]
"""A registered primary-care facility code, as :func:`vssid_id.codes.facility.validate` checks it."""




_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date_as_written(value: Any) -> Any:
    """A ``date``, or text written ``YYYY-MM-DD``: nothing else reaches pydantic's own date parsing."""
    if type(value) is date or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    kind = "datetime" if isinstance(value, datetime) else type(value).__name__
    raise PydanticCustomError("date_format", f"must be a date written YYYY-MM-DD, not a {kind} in another form")


CardDate = Annotated[date, BeforeValidator(_date_as_written)]
"""A date of a card: a :class:`datetime.date` or ``YYYY-MM-DD``, as a record's JSON writes it. Pydantic
alone also reads ``0`` and ``"0"`` (1 January 1970, Unix time), ``"20260101"`` or a datetime at midnight;
a record built from those held a date its card never wrote."""
