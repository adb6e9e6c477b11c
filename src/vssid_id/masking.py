"""Masking personal data for anything that is printed or logged.

The rules, applied by :func:`mask_record`:

* numbers (CCCD, old CMND, BHXH, the BHYT management code, serials): every digit but
  the last four becomes ``*``;
* the BHYT card code keeps its beneficiary type, benefit level and province
  (not personal) and masks the BHXH number inside it the same way;
* names (holder and, on a child's BHYT card, guardian): initials only (``Nguyễn Văn An`` → ``N. V. A.``);
* addresses: only the last comma-separated part, the province, is kept;
* dates of birth: only the year is kept (the month of birth is masked too);
* fields whose meaning the library does not know (``extra_fields``): ``***``.

Dates of issue and validity, codes of facilities and provinces, and the
derived parts (gender, birth year, province of the number) stay readable: a
support engineer needs them to see why a scan failed.

>>> mask_number('001090123456')
'********3456'
>>> mask_name('Nguyễn Văn An')
'N. V. A.'
>>> mask_address('Số 12, Phố Huế, Quận Hai Bà Trưng, Hà Nội')
'***, Hà Nội'
"""

from __future__ import annotations

from typing import Any

from .records import BhytRecord, CccdRecord

__all__ = ["mask_number", "mask_name", "mask_address", "mask_record"]

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
    head, sep, province = value.rpartition(",")
    return f"***, {province.strip()}" if sep else "***"


def _mask_birth(data: dict[str, Any]) -> None:
    if data.get("date_of_birth"):
        data["date_of_birth"] = f"****-**-** ({data['year_of_birth']})"
    if data.get("month_of_birth") is not None:
        data["month_of_birth"] = "**"


def mask_record(record: CccdRecord | BhytRecord) -> dict[str, Any]:
    """A JSON-ready dict of ``record`` with its personal data masked."""
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
