"""The typed records a card QR payload becomes.

Records are frozen pydantic v2 models: hashable, JSON-serialisable
(``record.model_dump_json()``), with text in NFC and dates as
:class:`datetime.date`. A date of birth printed as a bare year is
``date_of_birth=None`` with ``year_of_birth`` set: the library never invents a
day. ``warnings`` lists cross-field findings that a genuine card may still
show (see docs/formats.md); they never contain personal data.

Build records with :func:`vssid_id.parse`; ``to_payload()`` turns one back into
the exact payload text of its card, and ``to_form()`` gives the fields of the
VssID registration form under their Vietnamese labels.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .codes.bhyt_card import BhytCardCodeParts
from .codes.cccd import CccdNumberParts
from .gender import Gender

__all__ = [
    "Gender",
    "CccdVariant",
    "CccdRecord",
    "BhytRecord",
    "Record",
    "FORM_LABELS",
    "FIELD_LABELS_VI",
]

#: The VssID registration form's labels, in the order the form shows them.
FORM_LABELS = ("họ tên", "mã số BHXH", "số CCCD", "ngày sinh", "giới tính", "địa chỉ")

#: The Vietnamese label of each record field, as the cards and forms word them.
FIELD_LABELS_VI = {
    "variant": "Loại thẻ",
    "id_number": "Số định danh cá nhân (số CCCD)",
    "old_id_number": "Số CMND cũ",
    "card_code": "Mã thẻ BHYT",
    "bhxh_code": "Mã số BHXH",
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "year_of_birth": "Năm sinh",
    "gender": "Giới tính",
    "address": "Địa chỉ",
    "issue_date": "Ngày cấp",
    "facility_code": "Nơi đăng ký KCB ban đầu",
    "valid_from": "Giá trị sử dụng từ",
    "valid_to": "Giá trị sử dụng đến",
    "month_of_birth": "Tháng sinh",
    "management_code": "Mã quản lý",
    "guardian_name": "Họ tên cha, mẹ hoặc người giám hộ",
    "living_area_code": "Mã nơi sinh sống (trường QR)",
    "living_area": "Mã nơi sinh sống",
    "five_years_from": "Thời điểm đủ 5 năm liên tục",
    "checksum": "Mã kiểm tra",
    "extra_fields": "Trường bổ sung",
}


class CccdVariant(str, Enum):
    """Which identity card layout a payload came from."""

    CCCD_2021 = "cccd_2021"
    """Chip-based Căn cước công dân (Thông tư 06/2021/TT-BCA), 7 fields."""
    CAN_CUOC_2024 = "can_cuoc_2024"
    """Căn cước under Luật Căn cước 2023 (Thông tư 16/2024/TT-BCA), issued
    from 1 July 2024, also to children under 14: the same seven fields, then
    four more (11 in all)."""


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    warnings: tuple[str, ...] = ()


def _form_date(record: "CccdRecord | BhytRecord") -> str:
    from .dates import format_birth_date

    return format_birth_date(record.date_of_birth, record.month_of_birth, record.year_of_birth, slashes=True)


class CccdRecord(_Record):
    """What the QR code of a CCCD or Căn cước card holds."""

    kind: Literal["cccd"] = "cccd"
    variant: CccdVariant
    id_number: str
    id_number_parts: CccdNumberParts
    old_id_number: str | None
    full_name: str
    date_of_birth: date | None
    month_of_birth: int | None
    year_of_birth: int
    gender: Gender
    address: str
    issue_date: date | None
    extra_fields: tuple[str, ...] = ()
    """Fields after the seventh, kept verbatim (NFC), empty ones included so
    that :meth:`to_payload` gives back the card's exact text. The Căn cước
    card has four, empty on every public example; what they may hold (the
    law lists a cancelled ID number, and parents' names on children's cards)
    is not published field by field, so they are not interpreted."""

    def to_form(self) -> dict[str, str]:
        """The fields this card fills on the VssID registration form."""
        return {
            "họ tên": self.full_name,
            "số CCCD": self.id_number,
            "ngày sinh": _form_date(self),
            "giới tính": self.gender.label_vi,
            "địa chỉ": self.address,
        }

    def to_payload(self) -> str:
        """The exact QR payload text of this card."""
        from .cccd_payload import to_payload

        return to_payload(self)


class BhytRecord(_Record):
    """What the QR code of a BHYT (health-insurance) card holds."""

    kind: Literal["bhyt"] = "bhyt"
    card_code: str
    """The card number as the QR holds it: the 15-character code of cards
    issued before April 2021 (``HS4010120878811``), or the bare 10-digit BHXH
    number of the current card template (Quyết định 1666/QĐ-BHXH, 2020)."""
    card_code_parts: BhytCardCodeParts | None
    """The parts of a 15-character card code; ``None`` for a 10-digit one."""
    bhxh_code: str
    full_name: str
    date_of_birth: date | None
    month_of_birth: int | None
    year_of_birth: int
    gender: Gender
    address: str | None
    """``None`` when the card writes ``-`` (no address)."""
    facility_code: str
    """Registered primary-care facility (nơi đăng ký KCB ban đầu): 2-digit
    province + 3-digit facility, e.g. ``01001`` (printed ``01 - 001``)."""
    valid_from: date
    valid_to: date | None
    """``None`` when the card writes ``-`` (no end date)."""
    issue_date: date | None
    management_code: str | None
    """The management code (mã quản lý; ``ManagerCodeBHXH`` in hospital
    software). In every public example it is 14 digits: 4 digits of the BHXH
    office, then the holder's 10-digit BHXH number."""
    guardian_name: str | None
    """Parent or guardian (họ tên cha, mẹ hoặc người giám hộ), on children's cards."""
    living_area_code: str | None
    """The living-area field as written (``4``, ``5``–``7`` or ``K1``–``K3``)."""
    living_area: Literal["K1", "K2", "K3"] | None
    """What :attr:`living_area_code` stands for: residents of disadvantaged
    areas (K1, K2, K3; Nghị định 146/2018/NĐ-CP, Điều 14), or ``None``."""
    five_years_from: date | None
    """Date from which the holder has five years of continuous coverage
    (thời điểm đủ 5 năm liên tục)."""
    checksum: str | None
    """The payload's check field as written (lower case), e.g.
    ``7ea4e8f446328cc-7102``. Its algorithm is not public, so it is checked
    for shape only; see :attr:`checksum_verified`."""
    extra_fields: tuple[str, ...] = ()
    """Fields after the check field (two on public examples of 2021 cards),
    kept verbatim: their meaning is not documented."""

    @property
    def checksum_verified(self) -> bool | None:
        """Always ``None``: the check value cannot be verified (see docs/formats.md)."""
        return None

    def to_form(self) -> dict[str, str]:
        """The fields this card fills on the VssID registration form."""
        return {
            "họ tên": self.full_name,
            "mã số BHXH": self.bhxh_code,
            "ngày sinh": _form_date(self),
            "giới tính": self.gender.label_vi,
            "địa chỉ": self.address or "",
        }

    def to_payload(self) -> str:
        """The exact QR payload text of this card."""
        from .bhyt_payload import to_payload

        return to_payload(self)

    def is_in_force(self, on: date) -> bool:
        """Whether the card is valid on the day ``on``."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


Record = CccdRecord | BhytRecord
