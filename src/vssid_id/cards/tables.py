"""Every code table vssid_id checks against, each with its legal source.

Nothing here is guessed: a code that is not listed in the cited document is
not listed here. Where a table changed over time, the module keeps every code
that has been valid on a card still in circulation and says which changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

__all__ = [
    "PROVINCES",
    "Province2025",
    "PROVINCES_MERGED_2025",
    "CCCD_PROVINCES",
    "BHYT_ISSUER_PROVINCES",
    "BeneficiaryType",
    "BENEFICIARY_TYPES",
    "BenefitLevel",
    "BENEFIT_LEVELS",
    "USUAL_BENEFIT_LEVEL",
    "LIVING_AREA_FIELD_CODES",
]

# --------------------------------------------------------------------------
# Provinces
# --------------------------------------------------------------------------

#: The 63 provinces and centrally-run cities with their two-digit codes, from
#: the national list of administrative units, Quyết định 124/2004/QĐ-TTg
#: (as in force until 30 June 2025). The three-digit CCCD province code is the
#: same number with a leading zero (Thông tư 07/2016/TT-BCA, Phụ lục; kept by
#: Thông tư 59/2021/TT-BCA), and the BHYT card code uses the same two digits
#: for the issuing province (Quyết định 1351/QĐ-BHXH, 2015).
PROVINCES: Mapping[str, str] = MappingProxyType({
    "01": "Hà Nội",
    "02": "Hà Giang",
    "04": "Cao Bằng",
    "06": "Bắc Kạn",
    "08": "Tuyên Quang",
    "10": "Lào Cai",
    "11": "Điện Biên",
    "12": "Lai Châu",
    "14": "Sơn La",
    "15": "Yên Bái",
    "17": "Hòa Bình",
    "19": "Thái Nguyên",
    "20": "Lạng Sơn",
    "22": "Quảng Ninh",
    "24": "Bắc Giang",
    "25": "Phú Thọ",
    "26": "Vĩnh Phúc",
    "27": "Bắc Ninh",
    "30": "Hải Dương",
    "31": "Hải Phòng",
    "33": "Hưng Yên",
    "34": "Thái Bình",
    "35": "Hà Nam",
    "36": "Nam Định",
    "37": "Ninh Bình",
    "38": "Thanh Hóa",
    "40": "Nghệ An",
    "42": "Hà Tĩnh",
    "44": "Quảng Bình",
    "45": "Quảng Trị",
    "46": "Thừa Thiên Huế",
    "48": "Đà Nẵng",
    "49": "Quảng Nam",
    "51": "Quảng Ngãi",
    "52": "Bình Định",
    "54": "Phú Yên",
    "56": "Khánh Hòa",
    "58": "Ninh Thuận",
    "60": "Bình Thuận",
    "62": "Kon Tum",
    "64": "Gia Lai",
    "66": "Đắk Lắk",
    "67": "Đắk Nông",
    "68": "Lâm Đồng",
    "70": "Bình Phước",
    "72": "Tây Ninh",
    "74": "Bình Dương",
    "75": "Đồng Nai",
    "77": "Bà Rịa - Vũng Tàu",
    "79": "Hồ Chí Minh",
    "80": "Long An",
    "82": "Tiền Giang",
    "83": "Bến Tre",
    "84": "Trà Vinh",
    "86": "Vĩnh Long",
    "87": "Đồng Tháp",
    "89": "An Giang",
    "91": "Kiên Giang",
    "92": "Cần Thơ",
    "93": "Hậu Giang",
    "94": "Sóc Trăng",
    "95": "Bạc Liêu",
    "96": "Cà Mau",
})



class Province2025(NamedTuple):
    """One of the 34 provinces in force since 1 July 2025."""

    code: str
    """Two-digit code, Quyết định 19/2025/QĐ-TTg: the code of one of the merged provinces."""
    name: str
    """The name without its unit type (``"Thái Nguyên"``), as :data:`PROVINCES` writes names."""
    full_name: str
    """The official name with its unit type as in force today (``"Tỉnh Thái Nguyên"``,
    ``"Thành phố Huế"``); see :data:`PROVINCES_MERGED_2025` for the 2026 changes."""


def _province_2025(code: str, name: str, unit: str = "Tỉnh") -> Province2025:
    return Province2025(code, name, f"{unit} {name}")


_CITY = "Thành phố"  # centrally-run cities (thành phố trực thuộc trung ương)
_HA_NOI = _province_2025("01", "Hà Nội", _CITY)
_CAO_BANG = _province_2025("04", "Cao Bằng")
_TUYEN_QUANG = _province_2025("08", "Tuyên Quang")
_DIEN_BIEN = _province_2025("11", "Điện Biên")
_LAI_CHAU = _province_2025("12", "Lai Châu")
_SON_LA = _province_2025("14", "Sơn La")
_LAO_CAI = _province_2025("15", "Lào Cai")
_THAI_NGUYEN = _province_2025("19", "Thái Nguyên")
_LANG_SON = _province_2025("20", "Lạng Sơn")
_QUANG_NINH = _province_2025("22", "Quảng Ninh", _CITY)
_BAC_NINH = _province_2025("24", "Bắc Ninh", _CITY)
_PHU_THO = _province_2025("25", "Phú Thọ")
_HAI_PHONG = _province_2025("31", "Hải Phòng", _CITY)
_HUNG_YEN = _province_2025("33", "Hưng Yên")
_NINH_BINH = _province_2025("37", "Ninh Bình")
_THANH_HOA = _province_2025("38", "Thanh Hóa")
_NGHE_AN = _province_2025("40", "Nghệ An")
_HA_TINH = _province_2025("42", "Hà Tĩnh")
_QUANG_TRI = _province_2025("44", "Quảng Trị")
_HUE = _province_2025("46", "Huế", _CITY)
_DA_NANG = _province_2025("48", "Đà Nẵng", _CITY)
_QUANG_NGAI = _province_2025("51", "Quảng Ngãi")
_GIA_LAI = _province_2025("52", "Gia Lai")
_KHANH_HOA = _province_2025("56", "Khánh Hòa")
_DAK_LAK = _province_2025("66", "Đắk Lắk")
_LAM_DONG = _province_2025("68", "Lâm Đồng")
_DONG_NAI = _province_2025("75", "Đồng Nai", _CITY)
_HO_CHI_MINH = _province_2025("79", "Hồ Chí Minh", _CITY)
_TAY_NINH = _province_2025("80", "Tây Ninh")
_DONG_THAP = _province_2025("82", "Đồng Tháp")
_VINH_LONG = _province_2025("86", "Vĩnh Long")
_AN_GIANG = _province_2025("91", "An Giang")
_CAN_THO = _province_2025("92", "Cần Thơ", _CITY)
_CA_MAU = _province_2025("96", "Cà Mau")

#: Every one of the 63 provinces of :data:`PROVINCES` (old two-digit code) →
#: the province it belongs to since 1 July 2025.
#:
#: Source: Nghị quyết 202/2025/QH15 (12/6/2025) on the arrangement of
#: provincial-level administrative units, Điều 1: 23 new provinces each formed
#: from two or three whole provinces, and 11 provinces unchanged (Hà Nội, Huế,
#: Lai Châu, Điện Biên, Sơn La, Lạng Sơn, Quảng Ninh, Thanh Hóa, Nghệ An,
#: Hà Tĩnh, Cao Bằng) — 34 in all. Whole provinces were merged, so every old
#: province has exactly one 2025 province. The 2025 codes (each the code of one
#: of the merged provinces, not always the one whose name was kept: Lào Cai is
#: 15, the old code of Yên Bái) are those of Quyết định 19/2025/QĐ-TTg (Bảng
#: danh mục và mã số các đơn vị hành chính Việt Nam, in force 1/7/2025).
#:
#: Six of the 34 were centrally-run cities on 1 July 2025 (Hà Nội, Hải Phòng,
#: Huế, Đà Nẵng, Hồ Chí Minh, Cần Thơ); three provinces have since become
#: cities over the same territory and code, so their official name now starts
#: with "Thành phố": Đồng Nai (Nghị quyết 30/2026/QH16, in force 30/4/2026),
#: Quảng Ninh (Nghị quyết 36/2026/QH16, in force 1/9/2026) and Bắc Ninh
#: (Nghị quyết 39/2026/QH16, in force 20/9/2026).
PROVINCES_MERGED_2025: Mapping[str, Province2025] = MappingProxyType({
    "01": _HA_NOI,
    "02": _TUYEN_QUANG,  # Hà Giang
    "04": _CAO_BANG,
    "06": _THAI_NGUYEN,  # Bắc Kạn
    "08": _TUYEN_QUANG,
    "10": _LAO_CAI,
    "11": _DIEN_BIEN,
    "12": _LAI_CHAU,
    "14": _SON_LA,
    "15": _LAO_CAI,  # Yên Bái
    "17": _PHU_THO,  # Hòa Bình
    "19": _THAI_NGUYEN,
    "20": _LANG_SON,
    "22": _QUANG_NINH,
    "24": _BAC_NINH,  # Bắc Giang
    "25": _PHU_THO,
    "26": _PHU_THO,  # Vĩnh Phúc
    "27": _BAC_NINH,
    "30": _HAI_PHONG,  # Hải Dương
    "31": _HAI_PHONG,
    "33": _HUNG_YEN,
    "34": _HUNG_YEN,  # Thái Bình
    "35": _NINH_BINH,  # Hà Nam
    "36": _NINH_BINH,  # Nam Định
    "37": _NINH_BINH,
    "38": _THANH_HOA,
    "40": _NGHE_AN,
    "42": _HA_TINH,
    "44": _QUANG_TRI,  # Quảng Bình
    "45": _QUANG_TRI,
    "46": _HUE,  # Thừa Thiên Huế (Thành phố Huế since 1/1/2025)
    "48": _DA_NANG,
    "49": _DA_NANG,  # Quảng Nam
    "51": _QUANG_NGAI,
    "52": _GIA_LAI,  # Bình Định
    "54": _DAK_LAK,  # Phú Yên
    "56": _KHANH_HOA,
    "58": _KHANH_HOA,  # Ninh Thuận
    "60": _LAM_DONG,  # Bình Thuận
    "62": _QUANG_NGAI,  # Kon Tum
    "64": _GIA_LAI,
    "66": _DAK_LAK,
    "67": _LAM_DONG,  # Đắk Nông
    "68": _LAM_DONG,
    "70": _DONG_NAI,  # Bình Phước
    "72": _TAY_NINH,
    "74": _HO_CHI_MINH,  # Bình Dương
    "75": _DONG_NAI,
    "77": _HO_CHI_MINH,  # Bà Rịa - Vũng Tàu
    "79": _HO_CHI_MINH,
    "80": _TAY_NINH,  # Long An
    "82": _DONG_THAP,  # Tiền Giang
    "83": _VINH_LONG,  # Bến Tre
    "84": _VINH_LONG,  # Trà Vinh
    "86": _VINH_LONG,
    "87": _DONG_THAP,
    "89": _AN_GIANG,
    "91": _AN_GIANG,  # Kiên Giang
    "92": _CAN_THO,
    "93": _CAN_THO,  # Hậu Giang
    "94": _CAN_THO,  # Sóc Trăng
    "95": _CA_MAU,  # Bạc Liêu
    "96": _CA_MAU,
})

#: CCCD / personal-ID province-of-birth-registration codes (3 digits).
CCCD_PROVINCES: Mapping[str, str] = MappingProxyType(
    {"0" + code: name for code, name in PROVINCES.items()}
)

#: Issuing-province codes in the BHYT card code: the provinces, plus the
#: social-insurance agencies of the armed forces.
BHYT_ISSUER_PROVINCES: Mapping[str, str] = MappingProxyType({
    **PROVINCES,
    "97": "BHXH Bộ Quốc phòng",
    "98": "BHXH Công an nhân dân",
})


# --------------------------------------------------------------------------
# BHYT beneficiary types (mã đối tượng) and benefit levels (mức hưởng)
# --------------------------------------------------------------------------


class BeneficiaryType(NamedTuple):
    """One row of the beneficiary-type table: the two letters and what they mean."""

    code: str
    label_vi: str
    label_en: str


class BenefitLevel(NamedTuple):
    """One benefit level (mức hưởng), the third character of the card code."""

    level: int
    label_vi: str
    label_en: str


# (code, Vietnamese label, English label, usual benefit level)
_BENEFICIARY_ROWS = (
    # Nhóm do người lao động và người sử dụng lao động đóng
    ("DN", "Người lao động làm việc trong doanh nghiệp", "Employee of an enterprise", 4),
    ("HX", "Người lao động làm việc trong hợp tác xã, liên hiệp hợp tác xã", "Employee of a cooperative", 4),
    ("CH", "Người lao động làm việc trong cơ quan nhà nước, đơn vị sự nghiệp, tổ chức chính trị, tổ chức chính trị - xã hội",
     "Employee of a state agency or public service unit", 4),
    ("NN", "Người lao động làm việc trong cơ quan, tổ chức nước ngoài hoặc tổ chức quốc tế tại Việt Nam",
     "Employee of a foreign or international organisation in Vietnam", 4),
    ("TK", "Người lao động làm việc trong các doanh nghiệp, cơ quan, tổ chức khác", "Employee of another organisation", 4),
    ("HC", "Cán bộ, công chức, viên chức", "Civil servant or public employee", 4),
    ("XK", "Người hoạt động không chuyên trách ở xã, phường, thị trấn", "Part-time commune official", 4),
    # Nhóm do tổ chức bảo hiểm xã hội đóng
    ("HT", "Người hưởng lương hưu, trợ cấp mất sức lao động hằng tháng", "Pensioner or monthly incapacity allowance", 3),
    ("TB", "Người hưởng trợ cấp BHXH hằng tháng do tai nạn lao động, bệnh nghề nghiệp",
     "Monthly occupational accident or disease allowance", 4),
    ("NO", "Người lao động nghỉ việc hưởng chế độ ốm đau dài ngày", "Worker on long-term sickness benefit", 4),
    ("CT", "Người từ đủ 80 tuổi trở lên hưởng trợ cấp tuất hằng tháng", "Aged 80 or over on a monthly survivor allowance", 4),
    ("XB", "Cán bộ xã, phường, thị trấn đã nghỉ việc hưởng trợ cấp BHXH hằng tháng",
     "Retired commune official on a monthly social-insurance allowance", 4),
    ("TN", "Người đang hưởng trợ cấp thất nghiệp", "Unemployment benefit recipient", 4),
    ("CS", "Công nhân cao su nghỉ việc hưởng trợ cấp hằng tháng", "Retired rubber worker on a monthly allowance", 4),
    # Nhóm do ngân sách nhà nước đóng
    ("QN", "Quân nhân, sĩ quan, hạ sĩ quan, binh sĩ quân đội nhân dân", "Member of the armed forces", 5),
    ("CA", "Sĩ quan, hạ sĩ quan, chiến sĩ công an nhân dân", "Member of the people's police", 5),
    ("CY", "Người làm công tác cơ yếu", "Cryptography service staff", 5),
    ("XN", "Cán bộ xã, phường, thị trấn đã nghỉ việc hưởng trợ cấp hằng tháng từ ngân sách nhà nước",
     "Retired commune official on a state-budget allowance", 4),
    ("MS", "Người đã thôi hưởng trợ cấp mất sức lao động, hưởng trợ cấp hằng tháng từ ngân sách nhà nước",
     "Former incapacity-allowance recipient on a state-budget allowance", 4),
    ("CC", "Người có công với cách mạng", "Person with meritorious service to the revolution", 1),
    ("CK", "Người có công với cách mạng khác", "Other person with meritorious service to the revolution", 2),
    ("CB", "Cựu chiến binh", "Veteran", 2),
    ("KC", "Người tham gia kháng chiến, bảo vệ Tổ quốc", "Participant in the resistance wars or national defence", 2),
    ("HD", "Đại biểu Quốc hội, đại biểu Hội đồng nhân dân đương nhiệm", "Serving deputy of the National Assembly or a People's Council", 4),
    ("TE", "Trẻ em dưới 6 tuổi", "Child under 6", 1),
    ("BT", "Người hưởng trợ cấp bảo trợ xã hội hằng tháng", "Monthly social-protection allowance recipient", 2),
    ("HN", "Người thuộc hộ gia đình nghèo", "Member of a poor household", 2),
    ("DT", "Người dân tộc thiểu số sinh sống tại vùng có điều kiện kinh tế - xã hội khó khăn",
     "Ethnic-minority resident of a disadvantaged area", 2),
    ("DK", "Người sinh sống tại vùng có điều kiện kinh tế - xã hội đặc biệt khó khăn",
     "Resident of an especially disadvantaged area", 2),
    ("XD", "Người sinh sống tại xã đảo, huyện đảo", "Resident of an island commune or district", 2),
    ("TS", "Thân nhân liệt sĩ, người có công nuôi dưỡng liệt sĩ", "Relative of a martyr", 2),
    ("TC", "Thân nhân của người có công với cách mạng", "Relative of a person with meritorious service", 3),
    ("TQ", "Thân nhân của quân nhân", "Relative of a member of the armed forces", 4),
    ("TA", "Thân nhân của công an nhân dân", "Relative of a member of the people's police", 4),
    ("TY", "Thân nhân của người làm công tác cơ yếu", "Relative of cryptography service staff", 4),
    ("HG", "Người đã hiến bộ phận cơ thể", "Organ donor", 4),
    ("LS", "Người nước ngoài học tập tại Việt Nam được cấp học bổng từ ngân sách nhà nước",
     "Foreign student on a Vietnamese state scholarship", 4),
    ("PV", "Người phục vụ người có công với cách mạng", "Carer of a person with meritorious service", 4),
    # Nhóm được ngân sách nhà nước hỗ trợ mức đóng
    ("CN", "Người thuộc hộ gia đình cận nghèo", "Member of a near-poor household", 3),
    ("HS", "Học sinh", "School pupil or student", 4),
    ("SV", "Sinh viên", "University or college student", 4),
    ("GB", "Người thuộc hộ gia đình làm nông, lâm, ngư, diêm nghiệp có mức sống trung bình",
     "Member of an average-income farming, forestry, fishery or salt household", 4),
    # Nhóm tham gia theo hộ gia đình
    ("GD", "Người tham gia bảo hiểm y tế theo hộ gia đình", "Household participant", 4),
)

#: Beneficiary types (mã đối tượng), the first two letters of the BHYT card
#: code. Source: Quyết định 1351/QĐ-BHXH (16/11/2015), Phụ lục "Mã đối tượng",
#: grouped as Luật BHYT 2008 (sửa đổi 2014), Điều 12 groups participants.
BENEFICIARY_TYPES: Mapping[str, BeneficiaryType] = MappingProxyType(
    {code: BeneficiaryType(code, vi, en) for code, vi, en, _ in _BENEFICIARY_ROWS}
)

#: The benefit level each beneficiary type usually carries under Luật BHYT
#: Điều 22 as amended and Nghị định 146/2018/NĐ-CP. A card may legitimately
#: show another level (the rules changed over time, and a person in two groups
#: gets the better one), so a mismatch is a warning, not an error.
USUAL_BENEFIT_LEVEL: Mapping[str, int] = MappingProxyType({code: level for code, _, _, level in _BENEFICIARY_ROWS})

#: Benefit levels (mức hưởng), the third character of the BHYT card code.
#: Source: Quyết định 1351/QĐ-BHXH, Điều 2 khoản 2, after Luật BHYT Điều 22.
BENEFIT_LEVELS: Mapping[int, BenefitLevel] = MappingProxyType({
    1: BenefitLevel(1, "100% chi phí KCB, không giới hạn tỷ lệ thanh toán thuốc, vật tư, dịch vụ kỹ thuật",
                    "100% of covered costs, with no cap on drugs, supplies and services"),
    2: BenefitLevel(2, "100% chi phí KCB, có giới hạn tỷ lệ thanh toán một số thuốc, vật tư, dịch vụ kỹ thuật",
                    "100% of covered costs, with caps on some drugs, supplies and services"),
    3: BenefitLevel(3, "95% chi phí KCB", "95% of covered costs"),
    4: BenefitLevel(4, "80% chi phí KCB", "80% of covered costs"),
    5: BenefitLevel(5, "100% chi phí KCB, kể cả chi phí ngoài phạm vi hưởng BHYT và vận chuyển",
                    "100% of costs, including costs outside the BHYT scope and transport"),
})



# --------------------------------------------------------------------------
# Living area (mã nơi sinh sống) on the BHYT card
# --------------------------------------------------------------------------

#: The living-area field of the BHYT QR payload → the living-area code it
#: stands for (``None``: not a resident of such an area).
#: K1, K2, K3 are the codes of Quyết định 1351/QĐ-BHXH (2015) for residents of
#: disadvantaged areas and islands (Nghị định 146/2018/NĐ-CP, Điều 14). The
#: payloads of public card examples carry a digit instead, ``4`` on cards with
#: no living-area code; the digits 5, 6, 7 for K1, K2, K3 are the mapping used
#: by a public hospital information system's QR reader (see docs/formats.md).
#: BHXH Việt Nam has not published this mapping, so treat 5–7 as reported,
#: not confirmed.
LIVING_AREA_FIELD_CODES: Mapping[str, str | None] = MappingProxyType({
    "K1": "K1", "K2": "K2", "K3": "K3",
    "4": None, "5": "K1", "6": "K2", "7": "K3",
})
