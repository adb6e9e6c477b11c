"""Masking personal data for anything that is printed or logged.

The rules, applied by :func:`mask_record`:

* numbers (CCCD, old CMND, BHXH, the BHYT management code, serials): every digit but
  the last four becomes ``*``;
* the parts of the CCCD number (``id_number_parts``) are masked with it: the
  province-of-birth code (digits 1–3) and its name become ``***`` and the serial
  keeps its last four digits; the century, sex and birth year stay, because they
  say no more than the gender and year of birth the masked record shows anyway
  (Nghị định 137/2015/NĐ-CP, Điều 13 derives digits 4–6 from them);
* the BHYT card code keeps its beneficiary type, benefit level and province
  (not personal) and masks the BHXH number inside it the same way;
* names (holder and, on a child's BHYT card, guardian): initials only (``Nguyễn Văn An`` → ``N. V. A.``);
* addresses: only the last comma-separated part, the province, is kept;
* dates of birth: only the year is kept (the month of birth is masked too);
* fields whose meaning the library does not know (``extra_fields``): ``***``;
* **whatever a field holds**: any run of digits anywhere in the masked output
  (the check field, an address's kept province part, …) that contains one of
  the card's masked numbers, its first six digits, or the CCCD number's
  province code and serial, is masked like a number (:func:`mask_numbers_in`),
  so that masking holds whatever the parser put in a field it does not mask;
* any date equal to the date of birth (a child's BHYT card is valid from the
  day of birth) is masked like the date of birth.

Dates of issue and validity, codes of facilities and of the BHYT card's
issuing province, gender and year of birth stay readable: a support engineer
needs them to see why a scan failed. The one exception is an identity card's
expiry date (``valid_until``), which is a birthday: only its year is kept.

What a masked CCCD record still tells about the number: digits 4–6 (from the
year of birth and gender) and the last four. The other five (the province where
the birth was registered, and two random digits) are not shown by any masked
field, directly or derived, so at least 63 × 100 numbers fit any masked record.
(The address keeps its province, the residence, which is often but not
necessarily the province of birth registration.) A masked BHYT record shows
the last four digits of the BHXH number only: the card code keeps its type,
level and issuing province, which are not part of the number, and the
management code loses its office prefix.

>>> mask_number('001090123456')
'********3456'
>>> mask_name('Nguyễn Văn An')
'N. V. A.'
>>> mask_address('Số 12, Phố Huế, Quận Hai Bà Trưng, Hà Nội')
'***, Hà Nội'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from .records import BhytRecord, CccdRecord

__all__ = [
    "mask_number", "mask_name", "mask_address", "mask_birth_date", "mask_numbers_in", "record_numbers", "mask_record",
    "mask_form",
]

_KEEP = 4


def mask_number(value: str | None) -> str | None:
    """Replace every character but the last four with ``*``."""
    if not value:
        return value
    return "*" * max(len(value) - _KEEP, 0) + value[-_KEEP:]


def mask_name(value: str | None) -> str | None:
    """Keep the initial of each word."""
    if not value:
        return value
    return " ".join(word[0] + "." for word in value.split())


def mask_address(value: str | None) -> str | None:
    """Keep only the last comma-separated part (the province)."""
    if not value:
        return value
    _, sep, province = value.rpartition(",")
    return f"***, {province.strip()}" if sep else "***"


def mask_birth_date(value: date | str | None) -> str | None:
    """Keep only the year of a date that reveals a birthday.

    >>> mask_birth_date(date(1990, 3, 5))
    '****-**-** (1990)'
    """
    if not value:
        return None
    year = value.year if isinstance(value, date) else value[:4]
    return f"****-**-** ({year})"


def _mask_birth(data: dict[str, Any]) -> None:
    birth = data.get("date_of_birth")
    if birth:  # a child's BHYT card is valid from its holder's day of birth
        for key, value in data.items():
            if key != "date_of_birth" and value == birth:
                data[key] = mask_birth_date(value)
    if data.get("date_of_birth"):
        data["date_of_birth"] = mask_birth_date(data["date_of_birth"])
    if data.get("month_of_birth") is not None:
        data["month_of_birth"] = "**"
    if data.get("valid_until"):  # an identity card's expiry is a birthday
        data["valid_until"] = mask_birth_date(data["valid_until"])


_DIGIT_RUN = re.compile("[0-9]+")


def _hidden_digits(numbers: list[str | None]) -> set[str]:
    """What must not show of ``numbers``: each number (its digits) and its first six digits; for a
    12-digit CCCD number also its province code and serial (digits 1–3 and 7–12) together."""
    hidden = set()
    for number in numbers:
        digits = "".join(_DIGIT_RUN.findall(number or ""))
        if len(digits) >= 6:
            hidden |= {digits, digits[:6]}
        if len(digits) == 12:
            hidden.add(digits[:3] + digits[6:])
    return hidden


def mask_numbers_in(value: Any, numbers: list[str | None]) -> Any:
    """``value`` (a JSON-ready structure) with every run of digits that contains one of ``numbers``,
    its first six digits or (a CCCD number) its province code and serial masked by :func:`mask_number`.

    >>> mask_numbers_in({"checksum": "82901167147742"}, ["1167147742"])
    {'checksum': '**********7742'}
    """
    hidden = _hidden_digits(numbers)

    def run(match: re.Match[str]) -> str:
        digits = match[0]
        return mask_number(digits) or digits if any(part in digits for part in hidden) else digits

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            return _DIGIT_RUN.sub(run, item) if len(item) >= 6 else item
        if isinstance(item, dict):
            return {key: walk(inner) for key, inner in item.items()}
        if isinstance(item, list):
            return [walk(inner) for inner in item]
        return item

    return walk(value) if hidden else value


def record_numbers(record: CccdRecord | BhytRecord) -> list[str | None]:
    """The numbers masking hides on ``record``'s card."""
    if isinstance(record, CccdRecord):
        return [record.id_number, record.old_id_number]
    return [record.bhxh_code, record.management_code]  # a card code's number is its BHXH number


def mask_record(record: CccdRecord | BhytRecord) -> dict[str, Any]:
    """A JSON-ready dict of ``record`` with its personal data masked."""
    data = _mask_fields(record)
    masked: dict[str, Any] = mask_numbers_in(data, record_numbers(record))
    return masked


def _mask_fields(record: CccdRecord | BhytRecord) -> dict[str, Any]:
    data = record.model_dump(mode="json")
    data["full_name"] = mask_name(data["full_name"])
    data["address"] = mask_address(data["address"])
    _mask_birth(data)
    if isinstance(record, CccdRecord):
        data["id_number"] = mask_number(data["id_number"])
        data["old_id_number"] = mask_number(data["old_id_number"])
        parts = data["id_number_parts"]
        parts["number"] = mask_number(parts["number"])
        parts["serial"] = mask_number(parts["serial"])
        parts["province_code"] = "***"
        parts["province_name"] = "***"
    else:
        bhxh = mask_number(data["bhxh_code"])
        data["bhxh_code"] = bhxh
        parts = data["card_code_parts"]
        data["card_code"] = bhxh if parts is None else data["card_code"][:5] + bhxh
        if parts is not None:
            parts["card_code"] = data["card_code"]
            parts["bhxh_code"] = bhxh
        data["management_code"] = mask_number(data["management_code"])
        data["guardian_name"] = mask_name(data["guardian_name"])
    data["extra_fields"] = ["***" if value else "" for value in data["extra_fields"]]
    return data


def _mask_printed_birth(value: str) -> str:
    """``05/03/1990`` → ``**/**/1990``: only the year of a printed date of birth."""
    return "".join("*" if char.isdigit() else char for char in value[:-4]) + value[-4:]


#: How each field of the registration form is masked, by record field name.
_FORM_MASKS: dict[str, Callable[[str], str | None]] = {
    "full_name": mask_name,
    "bhxh_code": mask_number,
    "id_number": mask_number,
    "date_of_birth": _mask_printed_birth,
    "gender": str,
    "address": mask_address,
}


def mask_form(form: dict[str, str]) -> dict[str, str]:
    """A form as :meth:`Registration.to_form` (or a record's ``to_form()``)
    gives it, masked by the rules above; a label not of the form is hidden.

    >>> mask_form({"họ tên": "Nguyễn Văn An", "ngày sinh": "05/03/1990", "số CCCD": "001090123456"})
    {'họ tên': 'N. V. A.', 'ngày sinh': '**/**/1990', 'số CCCD': '********3456'}
    """
    from .formats.base import FORM_LABELS

    fields = {label: name for name, label in FORM_LABELS.items()}
    masked = {}
    for label, value in form.items():
        mask = _FORM_MASKS.get(fields.get(label, ""))
        masked[label] = (mask(value) or "" if mask is not None else "***") if value else value
    return masked
