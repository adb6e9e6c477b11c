"""The CCCD (2021) and Căn cước (2024) identity cards: record, payload parser, serializer.

See docs/formats.md for the field-by-field reference and its sources. In short,
fields are separated by ``|``::

    id_number | old_id_number | full_name | date_of_birth | gender | address | issue_date [| 4 more]

with dates written ``ddmmyyyy`` and gender ``Nam`` / ``Nữ``. The Căn cước card
(issued from 1 July 2024) adds four fields, empty on every public example.

>>> payload = "001090123456||Nguyễn Văn An|05031990|Nam|Hà Nội|15082021"
>>> record = parse_cccd_fields(payload.split("|"))
>>> record.variant.value, record.date_of_birth, to_payload(record) == payload
('cccd_2021', datetime.date(1990, 3, 5), True)
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Literal

from pydantic import Field

from ...errors import InconsistentRecord, MalformedPayload
from ..codes import cmnd
from ..codes.cccd import CccdNumberParts, number_parts
from ..codes.cleaning import require_digits
from ..dates import format_birth_date, format_compact_date, parse_birth_date, parse_compact_date
from ..dates import today as system_today
from ..expiry import identity_card_valid_until
from ..fields import MAX_TEXT_CHARS, CardDate, CardExtraField, CardText, CccdNumber, CmndNumber
from ..gender import Gender
from ..text import nfc, reject_forbidden, require_card_text
from ..trusted import trusted
from .base import CardRecord

__all__ = [
    "CccdVariant",
    "CccdRecord",
    "parse_cccd_fields",
    "to_payload",
    "field_name",
    "variant",
    "FIELD_NAMES",
    "CAN_CUOC_FIELD_COUNT",
    "CAN_CUOC_FROM",
]

#: The fields of the payload, in order.
FIELD_NAMES = (
    "id_number",
    "old_id_number",
    "full_name",
    "date_of_birth",
    "gender",
    "address",
    "issue_date",
)

#: How many fields the payload of the Căn cước card (issued from 1 July 2024)
#: has: the seven above, then four that are empty on every public example
#: (docs/formats.md). Their meaning is not published, so they are kept
#: verbatim. A payload has seven fields or eleven: no public sample has
#: another count (docs/formats.md).
CAN_CUOC_FIELD_COUNT = 11

#: The day Luật Căn cước 2023 took effect: every card issued from then on is
#: a Căn cước card (Thông tư 16/2024/TT-BCA template).
CAN_CUOC_FROM = date(2024, 7, 1)

_SEPARATOR = "|"
_GENDERS = {"Nam": Gender.MALE, "Nữ": Gender.FEMALE}


class CccdVariant(str, Enum):
    """Which identity card layout a payload came from."""

    CCCD_2021 = "cccd_2021"
    """Chip-based Căn cước công dân (Thông tư 06/2021/TT-BCA), 7 fields."""
    CAN_CUOC_2024 = "can_cuoc_2024"
    """Căn cước under Luật Căn cước 2023 (Thông tư 16/2024/TT-BCA), issued
    from 1 July 2024, also to children under 14: the same seven fields, then
    four more (11 in all)."""


class CccdRecord(CardRecord):
    """What the QR code of a CCCD or Căn cước card holds."""

    kind: Literal["cccd"] = "cccd"
    variant: CccdVariant = Field(title="Loại thẻ")
    id_number: CccdNumber = Field(title="Số định danh cá nhân (số CCCD)")
    id_number_parts: CccdNumberParts = Field(title="Thành phần số định danh")
    old_id_number: CmndNumber | None = Field(title="Số CMND cũ")
    full_name: CardText = Field(title="Họ và tên")
    date_of_birth: CardDate | None = Field(title="Ngày sinh")
    month_of_birth: int | None = Field(title="Tháng sinh")
    year_of_birth: int = Field(title="Năm sinh")
    gender: Gender = Field(title="Giới tính")
    address: CardText = Field(title="Địa chỉ")
    issue_date: CardDate | None = Field(title="Ngày cấp")
    extra_fields: tuple[CardExtraField, ...] = Field(default=(), title="Trường bổ sung")
    """Fields after the seventh, kept verbatim (NFC), empty ones included so
    that :meth:`to_payload` gives back the card's exact text. The Căn cước
    card has four, empty on every public example; what they may hold (the
    law lists a cancelled ID number, and parents' names on children's cards)
    is not published field by field, so they are not interpreted."""

    @property
    def valid_until(self) -> date | None:
        """The card's last valid day by the law it was issued under, or ``None``:
        valid for life, or not known (no issue date, or no day of birth).
        The rules and their sources: :mod:`vssid_id.cards.expiry`."""
        return identity_card_valid_until(self.date_of_birth, self.issue_date)

    def to_payload(self) -> str:
        """The exact QR payload text of this card."""
        return to_payload(self)

    @classmethod
    def _parse_payload(cls, payload: str, today: date | None) -> CccdRecord:
        return parse_cccd_fields(payload.split(_SEPARATOR), today)


def _gender(text: str) -> Gender:
    gender = _GENDERS.get(text)
    if gender is None:
        text = nfc(text)
        gender = _GENDERS.get(text) or _GENDERS.get(text.capitalize())
    if gender is None:
        raise MalformedPayload("must be 'Nam' or 'Nữ'", "gender")
    return gender


def _text(value: str, field: str) -> str:
    """A name or an address: NFC, card text (:func:`~vssid_id.cards.text.is_card_text`)."""
    if not value:
        raise MalformedPayload("is empty", field)
    return require_card_text(nfc(value), field)


def field_name(index: int) -> str:
    """The name of the payload field at ``index`` (0-based), as errors give it.

    >>> field_name(2), field_name(7)
    ('full_name', 'field_8')
    """
    return FIELD_NAMES[index] if index < len(FIELD_NAMES) else f"field_{index + 1}"


def variant(issue_date: date | None, extra_fields: tuple[str, ...]) -> CccdVariant:
    """Which card a payload comes from.

    A Căn cước card (2024) when the payload has the eleven-field layout, holds
    something after the seventh field, or was issued on or after
    :data:`CAN_CUOC_FROM`; otherwise the chip-based CCCD (2021).

    >>> variant(date(2021, 8, 15), ()).value, variant(None, ('', '', '', '')).value
    ('cccd_2021', 'can_cuoc_2024')
    """
    if (
        len(FIELD_NAMES) + len(extra_fields) >= CAN_CUOC_FIELD_COUNT
        or any(extra_fields)
        or (issue_date is not None and issue_date >= CAN_CUOC_FROM)
    ):
        return CccdVariant.CAN_CUOC_2024
    return CccdVariant.CCCD_2021


def parse_cccd_fields(fields: list[str], today: date | None = None) -> CccdRecord:
    """Build a :class:`CccdRecord` from a payload already split on ``|``."""
    if len(fields) != len(FIELD_NAMES) and len(fields) != CAN_CUOC_FIELD_COUNT:
        raise MalformedPayload(
            f"has {len(fields)} fields; a CCCD payload has {len(FIELD_NAMES)}, "
            f"a Căn cước payload {CAN_CUOC_FIELD_COUNT}",
            "payload",
        )
    reject_forbidden(fields, field_name)
    (id_raw, old_raw, name_raw, dob_raw, gender_raw, address_raw, issue_raw,
     *extra) = map(str.strip, fields)
    parts = number_parts(require_digits(id_raw, 12, "id_number"))
    old_id_number = cmnd.validate(require_digits(old_raw, len(old_raw), "old_id_number")) if old_raw else None
    full_name = _text(name_raw, "full_name")
    date_of_birth, month_of_birth, year_of_birth = parse_birth_date(dob_raw, slashes=False)
    gender = _gender(gender_raw)
    address = _text(address_raw, "address")
    issue_date = parse_compact_date(issue_raw, "issue_date") if issue_raw else None
    extra_fields = tuple(map(nfc, extra))  # verbatim, empty ones too: to_payload() gives the same text back
    for index, value in enumerate(extra_fields, len(FIELD_NAMES)):
        if len(value) > MAX_TEXT_CHARS:
            raise MalformedPayload(f"has more than {MAX_TEXT_CHARS} characters", field_name(index))

    today = today or system_today()
    if (date_of_birth or date(year_of_birth, month_of_birth or 1, 1)) > today:
        raise MalformedPayload("is in the future", "date_of_birth")
    if issue_date is not None and not (
        (date_of_birth or date(year_of_birth, 1, 1)) <= issue_date <= today
    ):
        raise InconsistentRecord("must fall between the date of birth and today", "issue_date")
    if parts.birth_year != year_of_birth:
        raise InconsistentRecord(
            "the century and year digits of the ID number disagree with the date of birth",
            "id_number",
        )
    if parts.gender is not gender:
        raise InconsistentRecord(
            "the sex digit of the ID number disagrees with the gender field", "id_number"
        )

    return trusted(CccdRecord, {  # every field, in declaration order: trusted() takes the dict as it is
        "warnings": (),
        "kind": "cccd",
        "variant": variant(issue_date, extra_fields),
        "id_number": parts.number,
        "id_number_parts": parts,
        "old_id_number": old_id_number,
        "full_name": full_name,
        "date_of_birth": date_of_birth,
        "month_of_birth": month_of_birth,
        "year_of_birth": year_of_birth,
        "gender": gender,
        "address": address,
        "issue_date": issue_date,
        "extra_fields": extra_fields,
    })


def to_payload(record: CccdRecord) -> str:
    """The exact payload text of ``record``'s card."""
    fields = [
        record.id_number,
        record.old_id_number or "",
        record.full_name,
        format_birth_date(record.date_of_birth, record.month_of_birth, record.year_of_birth, slashes=False),
        record.gender.label_vi,
        record.address,
        format_compact_date(record.issue_date) if record.issue_date else "",
        *record.extra_fields,
    ]
    return _SEPARATOR.join(fields)
