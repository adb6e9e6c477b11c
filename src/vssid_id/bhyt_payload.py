"""The QR payload of the BHYT (health-insurance) card.

See docs/formats.md for the field-by-field reference and its sources. Fields
are separated by ``|``::

    card_code | full_name* | date_of_birth | gender | address* | facility_code |
    valid_from | valid_to | issue_date | managing_agency_code | guardian_name* |
    living_area_code | five_years_from | checksum | $

``*`` marks text written as hex-encoded UTF-8; dates are ``dd/mm/yyyy`` (a date
of birth may be ``mm/yyyy`` or ``yyyy``); gender is ``1`` (Nam) or ``2`` (Nữ);
the facility is printed ``01 - 001``. The check field and the ``$`` end
marker are optional when a reader or a form dropped them.
"""

from __future__ import annotations

import binascii
import re
import unicodedata
from datetime import date

from .codes.bhyt_card import parse_bhyt_card_code
from .dates import format_birth_date, parse_birth_date, parse_slash_date
from .errors import ChecksumMismatch, InconsistentRecord, InvalidComponent, MalformedPayload
from .gender import Gender
from .records import BhytRecord
from .tables import BHYT_ISSUER_PROVINCES, USUAL_BENEFIT_LEVEL
from .text import clean_field

__all__ = ["FIELD_NAMES", "parse_bhyt_fields", "to_payload", "checksum"]

#: The data fields of the payload, in order; the check field and ``$`` follow.
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
    "managing_agency_code",
    "guardian_name",
    "living_area_code",
    "five_years_from",
)
_TERMINATOR = "$"
_GENDERS = {"1": Gender.MALE, "2": Gender.FEMALE}
_GENDER_CODES = {Gender.MALE: "1", Gender.FEMALE: "2"}
_HEX_CHARS = re.compile(r"[0-9A-Fa-f]+")
_FACILITY_SEPARATORS = re.compile(r"[\s\-\u2013]+")
_LIVING_AREAS = frozenset({"K1", "K2", "K3"})
_CHECK = re.compile(r"[0-9A-Za-z\-]{1,40}")


def checksum(body: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of the UTF-8 ``body``, 4 hex digits.

    ``body`` is the payload up to and including the ``|`` before the check
    field. See docs/formats.md for the sources and what is uncertain.

    >>> checksum("123456789")
    '29b1'
    """
    return f"{binascii.crc_hqx(body.encode('utf-8'), 0xFFFF):04x}"


def _text(value: str, field: str, required: bool) -> str | None:
    """Hex-encoded UTF-8 as the card writes it; plain text is accepted too."""
    if not value:
        if required:
            raise MalformedPayload("is empty", field)
        return None
    if _HEX_CHARS.fullmatch(value):  # no name or address is made of hex digits alone
        if len(value) % 2:
            raise MalformedPayload("is hex with an odd number of digits", field)
        try:
            value = unicodedata.normalize("NFC", bytes.fromhex(value).decode("utf-8"))
        except UnicodeDecodeError:
            raise MalformedPayload("is hex but not of valid UTF-8", field) from None
    value = clean_field(value, field)
    if not value and required:
        raise MalformedPayload("is empty", field)
    return value or None


def _facility(value: str) -> str:
    code = _FACILITY_SEPARATORS.sub("", value)
    if len(code) != 5 or not (code.isascii() and code.isdigit()):
        raise MalformedPayload("must be a 5-digit facility code such as '01 - 001'", "facility_code")
    if code[:2] not in BHYT_ISSUER_PROVINCES:
        raise InvalidComponent("the facility's province code is not in the official list", "facility_code")
    return code


def _optional_date(value: str, field: str) -> date | None:
    return parse_slash_date(value, field) if value else None


def _split_trailer(fields: list[str]) -> tuple[list[str], str | None]:
    """Separate the data fields from the optional check field and ``$``."""
    count = len(FIELD_NAMES)
    if fields and fields[-1].strip() == _TERMINATOR:
        fields = fields[:-1]
    if len(fields) == count:
        return fields, None
    if len(fields) == count + 1:
        return fields[:count], fields[count].strip()
    raise MalformedPayload(
        f"has {len(fields)} fields; a BHYT payload has {count} data fields, "
        "then a check field and '$'",
        "payload",
    )


def parse_bhyt_fields(fields: list[str], today: date | None = None) -> BhytRecord:
    """Build a :class:`BhytRecord` from a payload already split on ``|``."""
    data, check = _split_trailer(fields)
    if check is not None:
        if not _CHECK.fullmatch(check):
            raise MalformedPayload("must be letters, digits or '-'", "checksum")
        body = "|".join(data) + "|"
        if check.lower() != checksum(body):
            raise ChecksumMismatch("does not match the payload's content", "checksum")
    (card_raw, name_raw, dob_raw, gender_raw, address_raw, facility_raw, from_raw, to_raw,
     issue_raw, agency_raw, guardian_raw, area_raw, five_raw) = (
        value.strip() for value in data
    )
    parts = parse_bhyt_card_code(clean_field(card_raw, "card_code"))
    full_name = _text(name_raw, "full_name", required=True)
    date_of_birth, month_of_birth, year_of_birth = parse_birth_date(
        clean_field(dob_raw, "date_of_birth"), slashes=True
    )
    gender = _GENDERS.get(gender_raw)
    if gender is None:
        raise MalformedPayload("must be 1 (Nam) or 2 (Nữ)", "gender")
    address = _text(address_raw, "address", required=True)
    facility_code = _facility(clean_field(facility_raw, "facility_code"))
    valid_from = parse_slash_date(clean_field(from_raw, "valid_from"), "valid_from")
    valid_to = _optional_date(clean_field(to_raw, "valid_to"), "valid_to")
    issue_date = _optional_date(clean_field(issue_raw, "issue_date"), "issue_date")
    agency = clean_field(agency_raw, "managing_agency_code") or None
    if agency is not None and not (agency.isascii() and agency.isalnum()):
        raise MalformedPayload("must be letters and digits", "managing_agency_code")
    guardian_name = _text(guardian_raw, "guardian_name", required=False)
    area = clean_field(area_raw, "living_area_code").upper() or None
    if area is not None and area not in _LIVING_AREAS:
        raise InvalidComponent("must be K1, K2 or K3", "living_area_code")
    five_years_from = _optional_date(clean_field(five_raw, "five_years_from"), "five_years_from")

    today = today or date.today()
    birth = date_of_birth or date(year_of_birth, month_of_birth or 1, 1)
    if birth > today:
        raise MalformedPayload("is in the future", "date_of_birth")
    if valid_to is not None and valid_to < valid_from:
        raise InconsistentRecord("must not be before valid_from", "valid_to")

    warnings = []
    usual = USUAL_BENEFIT_LEVEL.get(parts.beneficiary_code)
    if usual is not None and usual != parts.benefit_level:
        warnings.append(
            f"card_code: benefit level {parts.benefit_level} is not the usual level {usual} "
            f"for beneficiary type {parts.beneficiary_code}"
        )
    if birth > valid_from:
        warnings.append("valid_from: the card is valid from before the date of birth")
    if issue_date is not None and issue_date > today:
        warnings.append("issue_date: is in the future")
    if five_years_from is not None and five_years_from < birth:
        warnings.append("five_years_from: is before the date of birth")

    return BhytRecord(
        card_code=parts.card_code,
        card_code_parts=parts,
        bhxh_code=parts.bhxh_code,
        full_name=full_name,
        date_of_birth=date_of_birth,
        month_of_birth=month_of_birth,
        year_of_birth=year_of_birth,
        gender=gender,
        address=address,
        facility_code=facility_code,
        valid_from=valid_from,
        valid_to=valid_to,
        issue_date=issue_date,
        managing_agency_code=agency,
        guardian_name=guardian_name,
        living_area_code=area,
        five_years_from=five_years_from,
        checksum=check.lower() if check else None,
        warnings=tuple(warnings),
    )


def _date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _hex(value: str | None) -> str:
    return value.encode("utf-8").hex() if value else ""


def to_payload(record: BhytRecord) -> str:
    """The exact payload text of ``record``'s card, with a fresh check field."""
    data = [
        record.card_code,
        _hex(record.full_name),
        format_birth_date(record.date_of_birth, record.month_of_birth, record.year_of_birth, slashes=True),
        _GENDER_CODES[record.gender],
        _hex(record.address),
        f"{record.facility_code[:2]} - {record.facility_code[2:]}",
        _date(record.valid_from),
        _date(record.valid_to),
        _date(record.issue_date),
        record.managing_agency_code or "",
        _hex(record.guardian_name),
        record.living_area_code or "",
        _date(record.five_years_from),
    ]
    body = "|".join(data) + "|"
    return f"{body}{checksum(body)}|{_TERMINATOR}"
