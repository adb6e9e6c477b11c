"""Gender as printed on the cards (giới tính)."""

from __future__ import annotations

from enum import Enum

__all__ = ["Gender"]


class Gender(str, Enum):
    """The two values the cards define.

    The CCCD / Căn cước payload spells them ``Nam`` / ``Nữ``; the BHYT payload
    codes them ``1`` / ``2`` (Quyết định 1351/QĐ-BHXH).
    """

    MALE = "male"
    FEMALE = "female"

    @property
    def label_vi(self) -> str:
        """The Vietnamese word printed on the card: ``Nam`` or ``Nữ``."""
        return "Nam" if self is Gender.MALE else "Nữ"
