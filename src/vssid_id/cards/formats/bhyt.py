"""The BHYT (health-insurance) card: record, payload parser, serializer.

See docs/formats.md for the field-by-field reference and its sources (public
payload examples in hospital software; the card issuer, BHXH Việt Nam, has not
published the format). Fields are separated by ``|``::

    card_code | full_name* | date_of_birth | gender | address* | facility_code |
    valid_from | valid_to | issue_date | management_code | guardian_name* |
    living_area | five_years_from | check | [extra fields of 2021+ cards |] $

``*`` marks text written as hex-encoded UTF-8; dates are ``dd/mm/yyyy`` (a date
of birth may be ``mm/yyyy`` or ``yyyy``); gender is ``1`` (Nam) or ``2`` (Nữ);
the facility is printed ``01 - 001``; an empty optional field is ``-``. The
card code is the 15-character code of cards issued before April 2021, or the
bare 10-digit BHXH number of the current card template. The check field and
the ``$`` end marker are optional when a reader or a form dropped them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from ...errors import InconsistentRecord, InvalidCode, InvalidComponent, MalformedPayload
from ..codes import facility
from ..codes.bhyt_card import BhytCardCodeParts, parse_bhyt_card_code
from ..dates import format_birth_date, format_slash_date, parse_birth_date, parse_slash_date
from ..dates import today as system_today
from ..fields import MAX_TEXT_CHARS, BhxhNumber, BhytCardNumber, CardDate, CardExtraField, CardText, FacilityCode
from ..gender import Gender
from ..tables import BHYT_ISSUER_PROVINCES, LIVING_AREA_FIELD_CODES, USUAL_BENEFIT_LEVEL
from ..text import nfc, reject_forbidden, require_card_text
from ..trusted import trusted
from ..typed_hex import hex_field_text
from .base import CardRecord

__all__ = ["BhytRecord", "FIELD_NAMES", "MAX_EXTRA_FIELDS", "field_name", "parse_bhyt_fields", "to_payload"]

#: The data fields of the payload, in order; the check field follows.
FIELD_NAMES = (
    "card_code",
    "full_name",
    "date_of_birth",
    "gender",
    "address",
    "facility_code",
    "valid_from",
    "valid_to",
    "issue_date",
    "management_code",
    "guardian_name",
    "living_area_code",
    "five_years_from",
)
#: At most this many fields after the check field (the public 2021 and 2023 samples have 2).
MAX_EXTRA_FIELDS = 6
_TERMINATOR = "$"
_EMPTY = "-"
_GENDERS = {"1": Gender.MALE, "2": Gender.FEMALE}
_GENDER_CODES = {Gender.MALE: "1", Gender.FEMALE: "2"}
_CHECK_PATTERN = r"[0-9a-f]{1,64}(?:-[0-9a-f]{1,16})?"
_CHECK = re.compile(_CHECK_PATTERN, re.IGNORECASE)
_MANAGEMENT_PATTERN = r"[0-9A-Za-z]{1,20}"
_MANAGEMENT = re.compile(_MANAGEMENT_PATTERN)

LivingAreaCode = Literal["4", "5", "6", "7", "K1", "K2", "K3"]


class BhytRecord(CardRecord):
    """What the QR code of a BHYT (health-insurance) card holds."""

    kind: Literal["bhyt"] = "bhyt"
    card_code: BhytCardNumber = Field(title="Mã thẻ BHYT")
    """The card number as the QR holds it: the 15-character code of cards
    issued before April 2021 (``HS4010120878811``), or the bare 10-digit BHXH
    number of the current card template (Quyết định 1666/QĐ-BHXH, 2020)."""
    card_code_parts: BhytCardCodeParts | None = Field(title="Thành phần mã thẻ")
    """The parts of a 15-character card code; ``None`` for a 10-digit one."""
    bhxh_code: BhxhNumber = Field(title="Mã số BHXH")
    full_name: CardText = Field(title="Họ và tên")
    date_of_birth: CardDate | None = Field(title="Ngày sinh")
    month_of_birth: int | None = Field(title="Tháng sinh")
    year_of_birth: int = Field(title="Năm sinh")
    gender: Gender = Field(title="Giới tính")
    address: CardText | None = Field(title="Địa chỉ")
    """``None`` when the card writes ``-`` (no address)."""
    facility_code: FacilityCode = Field(title="Nơi đăng ký KCB ban đầu")
    """Registered primary-care facility (nơi đăng ký KCB ban đầu): 2-digit
    province + 3 characters, e.g. ``01001`` (printed ``01 - 001``)."""
    valid_from: CardDate = Field(title="Giá trị sử dụng từ")
    valid_to: CardDate | None = Field(title="Giá trị sử dụng đến")
    """``None`` when the card writes ``-`` (no end date)."""
    issue_date: CardDate | None = Field(title="Ngày cấp")
    management_code: Annotated[str, StringConstraints(pattern=f"^{_MANAGEMENT_PATTERN}$")] | None = Field(
        title="Mã quản lý"
    )
    """The management code (mã quản lý; ``ManagerCodeBHXH`` in hospital
    software). In most public examples it is 14 digits: 4 digits of the BHXH
    office, then the holder's 10-digit BHXH number."""
    guardian_name: CardText | None = Field(title="Họ tên cha, mẹ hoặc người giám hộ")
    """Parent or guardian (họ tên cha, mẹ hoặc người giám hộ), on children's cards."""
    living_area_code: LivingAreaCode | None = Field(title="Mã nơi sinh sống (trường QR)")
    """The living-area field as written (``4``, ``5``–``7`` or ``K1``–``K3``)."""
    living_area: Literal["K1", "K2", "K3"] | None = Field(title="Mã nơi sinh sống")
    """What :attr:`living_area_code` stands for: residents of disadvantaged
    areas (K1, K2, K3; Nghị định 146/2018/NĐ-CP, Điều 14), or ``None``."""
    five_years_from: CardDate | None = Field(title="Thời điểm đủ 5 năm liên tục")
    """Date from which the holder has five years of continuous coverage
    (thời điểm đủ 5 năm liên tục)."""
    checksum: Annotated[str, StringConstraints(pattern=f"^{_CHECK_PATTERN}$")] | None = Field(title="Mã kiểm tra")
    """The payload's check field as written (lower case), e.g.
    ``7ea4e8f446328cc-7102``. Its algorithm is not public, so it is checked
    for shape only; see :attr:`checksum_verified`."""
    extra_fields: tuple[CardExtraField, ...] = Field(default=(), title="Trường bổ sung")
    """Fields after the check field (two on public examples of 2021 cards),
    kept verbatim: their meaning is not documented."""

    @property
    def checksum_verified(self) -> bool | None:
        """Always ``None``: the check value cannot be verified (see docs/formats.md)."""
        return None

    def to_payload(self) -> str:
        """The exact QR payload text of this card."""
        return to_payload(self)

    def is_in_force(self, on: date) -> bool:
        """Whether the card is valid on the day ``on``."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    @classmethod
    def _parse_payload(cls, payload: str, today: date | None) -> BhytRecord:
        return parse_bhyt_fields(payload.split("|"), today)


def field_name(index: int) -> str:
    """The name of the payload field at ``index`` (0-based), as errors give it.

    >>> field_name(1), field_name(13), field_name(14)
    ('full_name', 'checksum', 'field_15')
    """
    if index < len(FIELD_NAMES):
        return FIELD_NAMES[index]
    return "checksum" if index == len(FIELD_NAMES) else f"field_{index + 1}"


def _optional(value: str) -> str:
    """The field with the card's ``-`` for "nothing" made empty."""
    return "" if value == _EMPTY else value


def _text(value: str, field: str, required: bool) -> str | None:
    """Hex-encoded UTF-8 as the card writes it (repaired when a scanner typed it
    through a Vietnamese input method, see :mod:`vssid_id.cards.typed_hex`); plain
    text is accepted too, by the same card-text rule."""
    value = _optional(value)
    if not value:
        if required:
            raise MalformedPayload("is empty", field)
        return None
    decoded = hex_field_text(value, field)
    if decoded is None:  # plain text
        return require_card_text(nfc(value), field)
    # NFC, stripped, card text, nothing forbidden (typed_hex's contract); only the length is left to check.
    if len(decoded) > MAX_TEXT_CHARS:
        raise MalformedPayload(f"has more than {MAX_TEXT_CHARS} characters", field)
    return decoded


def _facility(value: str) -> str:
    """The facility as the card prints it (``01 - 001``): :mod:`vssid_id.codes.facility`."""
    if len(value) == 8 and value[2:5] == " - ":  # the printed form, nearly always digits
        code = value[:2] + value[5:]
        if code.isdigit() and code.isascii() and code[:2] in BHYT_ISSUER_PROVINCES:
            return code
    try:
        return facility.validate(value)
    except InvalidComponent:
        raise
    except InvalidCode as error:
        reason = error.reason
    raise MalformedPayload(reason, "facility_code")  # outside the except block: no __context__


def _card_code(value: str) -> tuple[str, BhytCardCodeParts | None, str]:
    """(card_code, parts or None, bhxh_code): a 15-character code or a bare 10-digit number."""
    if len(value) == 10 and value.isascii() and value.isdigit():
        return value, None, value
    if not value.isalnum():  # a payload writes the code unbroken
        raise MalformedPayload("must be letters and digits, unbroken", "card_code")
    parts = parse_bhyt_card_code(value)
    return parts.card_code, parts, parts.bhxh_code


def _split(fields: list[str]) -> tuple[list[str], str | None, list[str]]:
    """Separate the data fields, the check field and the fields after it; drop ``$``."""
    count = len(FIELD_NAMES)
    if fields and fields[-1] == _TERMINATOR:
        fields = fields[:-1]
    elif len(fields) > count + 1 and fields[-1] == "":
        fields = fields[:-1]  # "…|check|": the '$' was lost (a public 2020 sample, docs/formats.md)
    if _TERMINATOR in fields:
        raise MalformedPayload("has the end marker '$' before its last field", "payload")
    if count <= len(fields) <= count + 1 + MAX_EXTRA_FIELDS:
        check = fields[count] if len(fields) > count else None
        return fields[:count], check, fields[count + 1:]
    raise MalformedPayload(
        f"has {len(fields)} fields; a BHYT payload has {count} data fields, "
        f"then a check field, at most {MAX_EXTRA_FIELDS} more, and '$'",
        "payload",
    )


def parse_bhyt_fields(fields: list[str], today: date | None = None) -> BhytRecord:
    """Build a :class:`BhytRecord` from a payload already split on ``|``."""
    reject_forbidden(fields, field_name)
    data, check, extra = _split(list(map(str.strip, fields)))
    if check is not None and not _CHECK.fullmatch(check):
        raise MalformedPayload("must be hex digits, optionally '-' and more hex digits", "checksum")
    (card_raw, name_raw, dob_raw, gender_raw, address_raw, facility_raw, from_raw, to_raw,
     issue_raw, management_raw, guardian_raw, area_raw, five_raw) = data
    card_code, parts, bhxh_code = _card_code(card_raw)
    if check is not None and bhxh_code in check:
        # The fields are shifted (the management code, which ends in the BHXH number, in the check
        # slot): a card's check value is not its holder's number, and a field holding it is no check.
        raise MalformedPayload("holds the card's BHXH number: the payload's fields are out of place", "checksum")
    full_name = _text(name_raw, "full_name", required=True)
    date_of_birth, month_of_birth, year_of_birth = parse_birth_date(dob_raw, slashes=True)
    gender = _GENDERS.get(gender_raw)
    if gender is None:
        raise MalformedPayload("must be 1 (Nam) or 2 (Nữ)", "gender")
    address = _text(address_raw, "address", required=False)
    facility_code = _facility(facility_raw)
    valid_from = parse_slash_date(from_raw, "valid_from")
    # Optional fields: "-" (or nothing) for none; written out, not through helpers, as this is hot.
    valid_to = parse_slash_date(to_raw, "valid_to") if to_raw and to_raw != _EMPTY else None
    issue_date = parse_slash_date(issue_raw, "issue_date") if issue_raw and issue_raw != _EMPTY else None
    management_code = management_raw if management_raw and management_raw != _EMPTY else None
    if management_code is not None and not _MANAGEMENT.fullmatch(management_code):
        raise MalformedPayload("must be letters and digits", "management_code")
    guardian_name = _text(guardian_raw, "guardian_name", required=False)
    area_field = _optional(area_raw).upper() or None
    if area_field is not None and area_field not in LIVING_AREA_FIELD_CODES:
        raise InvalidComponent("must be K1, K2, K3 or one of the digits 4 to 7", "living_area_code")
    five_years_from = parse_slash_date(five_raw, "five_years_from") if five_raw and five_raw != _EMPTY else None
    extra = [nfc(value) for value in extra]  # NFC as every text of a record (and as a record loaded from JSON)
    for index, value in enumerate(extra, len(FIELD_NAMES) + 1):
        if len(value) > MAX_TEXT_CHARS:
            raise MalformedPayload(f"has more than {MAX_TEXT_CHARS} characters", field_name(index))

    today = today or system_today()
    birth = date_of_birth or date(year_of_birth, month_of_birth or 1, 1)
    if birth > today:
        raise MalformedPayload("is in the future", "date_of_birth")
    if valid_to is not None and valid_to < valid_from:
        raise InconsistentRecord("must not be before valid_from", "valid_to")

    warnings = []
    if parts is not None:
        usual = USUAL_BENEFIT_LEVEL.get(parts.beneficiary_code)
        if usual is not None and usual != parts.benefit_level:
            warnings.append(
                f"card_code: benefit level {parts.benefit_level} is not the usual level {usual} "
                f"for beneficiary type {parts.beneficiary_code}"
            )
    if management_code is not None and len(management_code) == 14 and management_code[4:] != bhxh_code:
        warnings.append("management_code: its last 10 digits are not the card's BHXH number")
    if birth > valid_from:
        warnings.append("valid_from: the card is valid from before the date of birth")
    if issue_date is not None and issue_date > today:
        warnings.append("issue_date: is in the future")
    if five_years_from is not None and five_years_from < birth:
        warnings.append("five_years_from: is before the date of birth")

    return trusted(BhytRecord, {  # every field, in declaration order: trusted() takes the dict as it is
        "warnings": tuple(warnings),
        "kind": "bhyt",
        "card_code": card_code,
        "card_code_parts": parts,
        "bhxh_code": bhxh_code,
        "full_name": full_name,
        "date_of_birth": date_of_birth,
        "month_of_birth": month_of_birth,
        "year_of_birth": year_of_birth,
        "gender": gender,
        "address": address,
        "facility_code": facility_code,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "issue_date": issue_date,
        "management_code": management_code,
        "guardian_name": guardian_name,
        "living_area_code": area_field,
        "living_area": LIVING_AREA_FIELD_CODES[area_field] if area_field else None,
        "five_years_from": five_years_from,
        "checksum": check.lower() if check else None,
        "extra_fields": tuple(extra),
    })


def _date(value: date | None) -> str:
    return format_slash_date(value) if value else _EMPTY


def _hex(value: str | None) -> str:
    return value.encode("utf-8").hex() if value else _EMPTY


def to_payload(record: BhytRecord) -> str:
    """The payload text of ``record``'s card, as the cards write it.

    Empty optional fields are written ``-``; the check field is written back
    as it was read (it cannot be computed, see docs/formats.md) and left out
    when the record has none.
    """
    data = [
        record.card_code,
        _hex(record.full_name),
        format_birth_date(record.date_of_birth, record.month_of_birth, record.year_of_birth, slashes=True),
        _GENDER_CODES[record.gender],
        _hex(record.address),
        facility.format(record.facility_code),
        _date(record.valid_from),
        _date(record.valid_to),
        _date(record.issue_date),
        record.management_code or _EMPTY,
        _hex(record.guardian_name),
        record.living_area_code or _EMPTY,
        _date(record.five_years_from),
    ]
    if record.checksum is not None:
        data += [record.checksum, *record.extra_fields]
    return "|".join([*data, _TERMINATOR])
