"""The social-insurance office that receives a registration: 34 offices, one for each province of 2025.

The declaration is addressed to a receiving office ("cơ quan BHXH tiếp nhận"). Those offices changed in 2025:

* Quyết định 391/QĐ-BTC (26/2/2025, in force 1/3/2025) made BHXH Việt Nam a unit of the Ministry of Finance,
  with regional offices ("Bảo hiểm xã hội khu vực") in place of the 63 provincial ones;
* Quyết định 1733/QĐ-BTC (12/5/2025, amending QĐ 391 and its annex; in operation from 1/6/2025) set **34**
  regions, numbered I to XXXIV, each covering whole pre-2025 provinces (:data:`REGIONS` below);
* Nghị quyết 202/2025/QH15 (in force 1/7/2025) merged the 63 provinces into 34 — and each region of QĐ 1733
  covers exactly the pre-2025 provinces of one of them (a test holds the two tables to that);
* Quyết định 2286/QĐ-BTC (30/6/2025; Công văn 1521/BHXH-TCCB) renamed the 34 regional offices "Bảo hiểm xã hội
  tỉnh / thành phố …" after the 34 provinces; the offices' notices sign so by September 2025 (Thông báo
  600/TB-BHXH of 26/9/2025, "Bảo hiểm xã hội tỉnh Đồng Tháp"; Thông báo 425/TB-BHXH of 29/9/2025, "Bảo hiểm xã
  hội tỉnh Đắk Lắk").

So the office receiving a registration today is the one named after the person's 2025 province:
``office_for("Bắc Kạn")`` is ``Bảo hiểm xã hội tỉnh Thái Nguyên`` (the VssID guide's example office, "BHXH tỉnh
Bắc Kạn", is today part of it).

What is inferred, not read in a source: for regions XIX to XXV, XXIX to XXXII and XXXIV the new name was not found
in a public copy of QĐ 2286; it follows from the region covering exactly one 2025 province. The office of a province
that has since become a centrally-run city (Đồng Nai, Quảng Ninh, Bắc Ninh in 2026) is named here after the
province's name in force ("Bảo hiểm xã hội thành phố Đồng Nai"); no act renaming the office was found.
District-level "Bảo hiểm xã hội cơ sở" offices are not listed: no public table of them was found.

>>> office = office_for("BHXH tỉnh Bắc Kạn")
>>> office.name, office.region, office.former_provinces
('Bảo hiểm xã hội tỉnh Thái Nguyên', 'X', ('Thái Nguyên', 'Bắc Kạn'))
>>> office_for("bao hiem xa hoi khu vuc xxvii").name
'Bảo hiểm xã hội Thành phố Hồ Chí Minh'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict

from ..cards.tables import PROVINCES, PROVINCES_MERGED_2025, Province2025
from ..errors import UnknownOffice
from .addresses import _OLD_PROVINCE_BY_KEY, _PROVINCE_2025_BY_KEY, _fold, _Part

__all__ = ["Office", "OFFICES", "REGIONS", "office_for"]

#: Longest place name :func:`office_for` reads, in characters.
MAX_PLACE_CHARS = 200


class Office(BaseModel):
    """A receiving social-insurance office as it is named since 1 July 2025."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    """Its name today, e.g. ``"Bảo hiểm xã hội tỉnh Thái Nguyên"`` (Quyết định 2286/QĐ-BTC)."""
    province_2025: str
    """The 2025 province it serves, as :attr:`vssid_id.Registration.province_2025` writes it (``"Tỉnh Thái
    Nguyên"``)."""
    province_2025_code: str
    """That province's two-digit code (Quyết định 19/2025/QĐ-TTg)."""
    former_provinces: tuple[str, ...]
    """The pre-2025 provinces it covers, in the order of Quyết định 1733/QĐ-BTC's annex."""
    region: str
    """Its regional number under Quyết định 1733/QĐ-BTC (1/6 to 30/6/2025), a Roman numeral: ``"X"``."""

    @property
    def regional_name(self) -> str:
        """Its name from 1 June to 30 June 2025: ``"Bảo hiểm xã hội khu vực X"``."""
        return f"Bảo hiểm xã hội khu vực {self.region}"


#: The 34 regions of Quyết định 1733/QĐ-BTC (annex to Quyết định 391/QĐ-BTC as amended): the region's
#: number → the pre-2025 provinces it covers, as :data:`vssid_id.cards.tables.PROVINCES` names them.
REGIONS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "I": ("Hà Nội",),
    "II": ("Sơn La",),
    "III": ("Điện Biên",),
    "IV": ("Lai Châu",),
    "V": ("Lạng Sơn",),
    "VI": ("Thanh Hóa",),
    "VII": ("Nghệ An",),
    "VIII": ("Quảng Ninh",),
    "IX": ("Cao Bằng",),
    "X": ("Thái Nguyên", "Bắc Kạn"),
    "XI": ("Bắc Giang", "Bắc Ninh"),
    "XII": ("Hưng Yên", "Thái Bình"),
    "XIII": ("Hải Dương", "Hải Phòng"),
    "XIV": ("Hà Nam", "Ninh Bình", "Nam Định"),
    "XV": ("Hà Tĩnh",),
    "XVI": ("Quảng Bình", "Quảng Trị"),
    "XVII": ("Yên Bái", "Lào Cai"),
    "XVIII": ("Vĩnh Phúc", "Phú Thọ", "Hòa Bình"),
    "XIX": ("Hà Giang", "Tuyên Quang"),
    "XX": ("Thừa Thiên Huế",),
    "XXI": ("Kon Tum", "Quảng Ngãi"),
    "XXII": ("Đà Nẵng", "Quảng Nam"),
    "XXIII": ("Gia Lai", "Bình Định"),
    "XXIV": ("Ninh Thuận", "Khánh Hòa"),
    "XXV": ("Lâm Đồng", "Đắk Nông", "Bình Thuận"),
    "XXVI": ("Đắk Lắk", "Phú Yên"),
    "XXVII": ("Bà Rịa - Vũng Tàu", "Bình Dương", "Hồ Chí Minh"),
    "XXVIII": ("Đồng Nai", "Bình Phước"),
    "XXIX": ("Tây Ninh", "Long An"),
    "XXX": ("Cần Thơ", "Sóc Trăng", "Hậu Giang"),
    "XXXI": ("Vĩnh Long", "Bến Tre", "Trà Vinh"),
    "XXXII": ("Cà Mau", "Bạc Liêu"),
    "XXXIII": ("Đồng Tháp", "Tiền Giang"),
    "XXXIV": ("Kiên Giang", "An Giang"),
})

_OLD_CODE_BY_NAME = {name: code for code, name in PROVINCES.items()}


def _office_name(province: Province2025) -> str:
    """``Bảo hiểm xã hội`` + the province's unit in lower case + its name; Hồ Chí Minh keeps its capital T, as
    the city's name is written ("Thành phố Hồ Chí Minh")."""
    unit = province.full_name.removesuffix(province.name).strip()
    if province.code != "79":
        unit = unit.lower()
    return f"Bảo hiểm xã hội {unit} {province.name}"


def _build() -> tuple[Office, ...]:
    offices = []
    for region, names in REGIONS.items():
        provinces = {PROVINCES_MERGED_2025[_OLD_CODE_BY_NAME[name]] for name in names}
        (province,) = provinces  # each region is exactly one province of Nghị quyết 202/2025/QH15
        offices.append(Office(name=_office_name(province), province_2025=province.full_name,
                              province_2025_code=province.code, former_provinces=names, region=region))
    return tuple(offices)


#: The 34 receiving offices, in the order of their regional numbers (I to XXXIV).
OFFICES: tuple[Office, ...] = _build()

_BY_PROVINCE_CODE: Mapping[str, Office] = MappingProxyType({office.province_2025_code: office for office in OFFICES})
_BY_REGION: Mapping[str, Office] = MappingProxyType({office.region.lower(): office for office in OFFICES})
_BY_REGION_NUMBER: Mapping[str, Office] = MappingProxyType(
    {str(number): office for number, office in enumerate(OFFICES, start=1)})

# Other spellings of pre-2025 province names seen on forms (after folding, unit prefix stripped).
_MORE_ALIASES = {"bac can": "06", "kontum": "62", "daklak": "66", "daknong": "67"}
_OFFICE_PREFIX = re.compile(r"^(?:co quan )?(?:bao hiem xa hoi|bhxh)(?: (?=\S)|$)")
_REGION = re.compile(r"^khu vuc ([ivx]+|\d{1,2})$")


def office_by_province_code(code: str) -> Office | None:
    """The office of a 2025 province, by the province's two-digit code; ``None`` for an unknown code."""
    return _BY_PROVINCE_CODE.get(code)


def office_for(place: str) -> Office:
    """The office that receives a registration today for ``place``.

    ``place`` is a province, pre-2025 or 2025 (``"Bắc Kạn"``, ``"Tỉnh Thái Nguyên"``, ``"TP HCM"``, ``"thua
    thien hue"``), or an office under a former or a current name (``"BHXH tỉnh Bắc Kạn"``, ``"Bảo hiểm xã hội
    khu vực X"``, ``"BHXH khu vực 10"``, ``"Bảo hiểm xã hội tỉnh Thái Nguyên"``). Case, diacritics, NFC or NFD
    spelling, punctuation and the prefixes ``Tỉnh`` / ``Thành phố`` / ``TP`` do not matter.

    Raises :class:`~vssid_id.errors.UnknownOffice` (field ``office``) for anything else, text or not.

    >>> office_for("tinh bac kan").province_2025
    'Tỉnh Thái Nguyên'
    """
    if not isinstance(place, str):
        raise UnknownOffice(f"must be text, not {type(place).__name__}", "office")
    if len(place) > MAX_PLACE_CHARS:
        raise UnknownOffice(f"is longer than {MAX_PLACE_CHARS} characters", "office")
    folded = _OFFICE_PREFIX.sub("", _fold(place))
    region = _REGION.match(folded)
    if region is not None:
        office = _BY_REGION.get(region.group(1)) or _BY_REGION_NUMBER.get(region.group(1))
        if office is not None:
            return office
        raise UnknownOffice("names no region of Quyết định 1733/QĐ-BTC (I to XXXIV)", "office")
    part = _Part.of(folded)
    if part.unit_type not in (None, "tinh", "thanh pho"):  # a ward or a district, not a province
        raise UnknownOffice("names a ward or a district, not a province or an office", "office")
    key = part.keys[0]
    code = _OLD_PROVINCE_BY_KEY.get(key) or _MORE_ALIASES.get(key)
    if code is not None:
        return _BY_PROVINCE_CODE[PROVINCES_MERGED_2025[code].code]
    province = _PROVINCE_2025_BY_KEY.get(key)
    if province is not None:
        return _BY_PROVINCE_CODE[province.code]
    raise UnknownOffice("is not a province (before or since July 2025) or a social-insurance office", "office")
