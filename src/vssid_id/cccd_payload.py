"""The QR payload of the CCCD (2021) and Căn cước (2024) identity cards.

See docs/formats.md for the field-by-field reference and its sources. In short,
fields are separated by ``|``::

    id_number | old_id_number | full_name | date_of_birth | gender | address | issue_date

with dates written ``ddmmyyyy`` and gender ``Nam`` / ``Nữ``.
"""

from __future__ import annotations

from datetime import date

from .codes._util import require_digits, trusted
from .codes.cccd import parse_cccd_number, validate_cmnd
from .dates import format_birth_date, parse_birth_date, parse_compact_date
from .errors import InconsistentRecord, MalformedPayload
from .gender import Gender
from .records import CccdRecord, CccdVariant
from .text import reject_forbidden

__all__ = [
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
#: (docs/formats.md). Their meaning is not published, so they are kept verbatim.
CAN_CUOC_FIELD_COUNT = 11

#: The day Luật Căn cước 2023 took effect: every card issued from then on is
#: a Căn cước card (Thông tư 16/2024/TT-BCA template).
CAN_CUOC_FROM = date(2024, 7, 1)

_GENDERS = {"Nam": Gender.MALE, "Nữ": Gender.FEMALE}


def _gender(text: str) -> Gender:
    gender = _GENDERS.get(text) or _GENDERS.get(text.capitalize())
    if gender is None:
        raise MalformedPayload("must be 'Nam' or 'Nữ'", "gender")
    return gender


def _required(value: str, field: str) -> str:
    if not value:
        raise MalformedPayload("is empty", field)
    return value


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
    if len(fields) < len(FIELD_NAMES):
        raise MalformedPayload(
            f"has {len(fields)} fields; a CCCD payload has at least {len(FIELD_NAMES)}",
            "payload",
        )
    reject_forbidden(fields, field_name)
    (id_raw, old_raw, name_raw, dob_raw, gender_raw, address_raw, issue_raw,
     *extra) = map(str.strip, fields)
    require_digits(id_raw, 12, "id_number")
    parts = parse_cccd_number(id_raw)
    old_id_number = validate_cmnd(old_raw) if old_raw else None
    full_name = _required(name_raw, "full_name")
    date_of_birth, month_of_birth, year_of_birth = parse_birth_date(dob_raw, slashes=False)
    gender = _gender(gender_raw)
    address = _required(address_raw, "address")
    issue_date = parse_compact_date(issue_raw, "issue_date") if issue_raw else None
    extra_fields = tuple(extra)  # verbatim, empty ones too: to_payload() gives the same text back

    today = today or date.today()
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

    return trusted(CccdRecord, {
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
        record.issue_date.strftime("%d%m%Y") if record.issue_date else "",
        *record.extra_fields,
    ]
    return "|".join(fields)

