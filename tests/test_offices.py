"""The receiving social-insurance office: office_for(), OFFICES, Registration.office."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vssid_id
from vssid_id.cards.tables import PROVINCES, PROVINCES_MERGED_2025
from vssid_id.errors import UnknownOffice, VssidError
from vssid_id.registration.offices import OFFICES, REGIONS, office_for

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
         "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV", "XXV", "XXVI", "XXVII", "XXVIII", "XXIX",
         "XXX", "XXXI", "XXXII", "XXXIII", "XXXIV"]


def test_the_issue_example_bac_kan_is_now_thai_nguyen():
    office = vssid_id.office_for("BHXH tỉnh Bắc Kạn")
    assert office.name == "Bảo hiểm xã hội tỉnh Thái Nguyên"
    assert office.province_2025 == "Tỉnh Thái Nguyên"
    assert office.former_provinces == ("Thái Nguyên", "Bắc Kạn")
    assert office.region == "X"
    assert office.regional_name == "Bảo hiểm xã hội khu vực X"


@pytest.mark.parametrize(("place", "name"), [
    ("Hà Nội", "Bảo hiểm xã hội thành phố Hà Nội"),
    ("TP. Hồ Chí Minh", "Bảo hiểm xã hội Thành phố Hồ Chí Minh"),
    ("tphcm", "Bảo hiểm xã hội Thành phố Hồ Chí Minh"),
    ("Bình Dương", "Bảo hiểm xã hội Thành phố Hồ Chí Minh"),
    ("Bà Rịa Vũng Tàu", "Bảo hiểm xã hội Thành phố Hồ Chí Minh"),
    ("Thừa Thiên Huế", "Bảo hiểm xã hội thành phố Huế"),
    ("Huế", "Bảo hiểm xã hội thành phố Huế"),
    ("Kon Tum", "Bảo hiểm xã hội tỉnh Quảng Ngãi"),
    ("Bình Định", "Bảo hiểm xã hội tỉnh Gia Lai"),
    ("Long An", "Bảo hiểm xã hội tỉnh Tây Ninh"),
    ("Tiền Giang", "Bảo hiểm xã hội tỉnh Đồng Tháp"),
    ("Kiên Giang", "Bảo hiểm xã hội tỉnh An Giang"),
    ("Hà Giang", "Bảo hiểm xã hội tỉnh Tuyên Quang"),
    ("Yên Bái", "Bảo hiểm xã hội tỉnh Lào Cai"),
    ("Quảng Bình", "Bảo hiểm xã hội tỉnh Quảng Trị"),
    ("Bắc Giang", "Bảo hiểm xã hội thành phố Bắc Ninh"),  # Bắc Ninh: a city since 20/9/2026
    ("Bình Phước", "Bảo hiểm xã hội thành phố Đồng Nai"),
    ("Hải Dương", "Bảo hiểm xã hội thành phố Hải Phòng"),
    ("Đắk Nông", "Bảo hiểm xã hội tỉnh Lâm Đồng"),
    ("Bạc Liêu", "Bảo hiểm xã hội tỉnh Cà Mau"),
    ("Hậu Giang", "Bảo hiểm xã hội thành phố Cần Thơ"),
    ("Trà Vinh", "Bảo hiểm xã hội tỉnh Vĩnh Long"),
])
def test_known_places(place, name):
    assert office_for(place).name == name


@pytest.mark.parametrize("spelling", [
    "Bắc Kạn", "bắc kạn", "BẮC KẠN", "Bac Kan", "bac kan", "Tỉnh Bắc Kạn", "tinh bac kan", "Bắc Cạn",
    unicodedata.normalize("NFD", "Tỉnh Bắc Kạn"), "  Bắc   Kạn ", "BHXH tỉnh Bắc Kạn", "Bảo hiểm xã hội tỉnh Bắc Kạn",
    "Bảo hiểm xã hội khu vực X", "BHXH khu vực X", "bhxh khu vuc x", "Bảo hiểm xã hội khu vực 10",
    "Thái Nguyên", "Tỉnh Thái Nguyên", "Bảo hiểm xã hội tỉnh Thái Nguyên", "BHXH TỈNH THÁI NGUYÊN",
])
def test_spellings_of_one_office(spelling):
    assert office_for(spelling).name == "Bảo hiểm xã hội tỉnh Thái Nguyên"


@pytest.mark.parametrize("spelling", ["Thành phố Hồ Chí Minh", "TP Hồ Chí Minh", "TP.HCM", "TP. HCM", "HCM",
                                      "Hồ Chí Minh", "ho chi minh", "Bảo hiểm xã hội Thành phố Hồ Chí Minh"])
def test_spellings_of_ho_chi_minh_city(spelling):
    assert office_for(spelling).region == "XXVII"


@pytest.mark.parametrize(("code", "name"), sorted(PROVINCES.items()))
def test_every_pre_2025_province(code, name):
    office = office_for(name)
    assert name in office.former_provinces
    # the office is the one of the province Nghị quyết 202/2025/QH15 merged it into
    assert office.province_2025_code == PROVINCES_MERGED_2025[code].code
    assert office_for(f"Tỉnh {name}") == office == office_for(f"BHXH tỉnh {name}")


NEW_PROVINCES = sorted(set(PROVINCES_MERGED_2025.values()))


@pytest.mark.parametrize("province", NEW_PROVINCES, ids=lambda p: p.code)
def test_every_2025_province(province):
    for spelling in (province.name, province.full_name, province.full_name.upper()):
        office = office_for(spelling)
        assert office.province_2025 == province.full_name
        assert office.province_2025_code == province.code
    assert office_for(office.name) == office


@pytest.mark.parametrize("number", range(1, 35))
def test_every_region_by_its_numeral_and_number(number):
    office = office_for(f"Bảo hiểm xã hội khu vực {ROMAN[number - 1]}")
    assert office.region == ROMAN[number - 1]
    assert office_for(f"BHXH khu vực {number}") == office


def test_offices_are_34_and_cover_the_63_provinces_once():
    assert len(OFFICES) == 34 == len(vssid_id.OFFICES)
    assert [office.region for office in OFFICES] == ROMAN
    assert len({office.name for office in OFFICES}) == 34
    assert len({office.province_2025_code for office in OFFICES}) == 34
    former = [name for office in OFFICES for name in office.former_provinces]
    assert sorted(former) == sorted(PROVINCES.values())


def test_regions_of_qd_1733_are_the_provinces_of_nq_202():
    """The inference the renames rest on: each region's provinces are exactly one 2025 province's."""
    groups: dict[str, set[str]] = {}
    for code, province in PROVINCES_MERGED_2025.items():
        groups.setdefault(province.code, set()).add(PROVINCES[code])
    assert sorted(map(sorted, groups.values())) == sorted(sorted(names) for names in REGIONS.values())


@pytest.mark.parametrize("place", ["", "   ", "Mars", "Bảo hiểm xã hội", "BHXH khu vực XXXV", "khu vực 0",
                                   "khu vực 35", "Hà Tây", "Phường Bắc Kạn", "x" * 300, None, 12, b"Bac Kan"])
def test_unknown_places_raise_our_error(place):
    with pytest.raises(UnknownOffice) as caught:
        office_for(place)
    assert caught.value.field == "office"
    assert isinstance(caught.value, VssidError)
    if isinstance(place, str) and place.strip():
        assert place.strip() not in str(caught.value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_office_for_raises_only_our_error(text):
    try:
        office = office_for(text)
    except UnknownOffice:
        return
    assert office in OFFICES


def test_the_registration_office_comes_from_the_2025_province():
    cccd = vssid_id.parse("001090123456||Nguyễn Văn An|05031990|Nam|"
                          "Tổ 5, Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn|15082021")
    registration = vssid_id.prefill(cccd, today=date(2026, 11, 25))
    assert registration.office == office_for("Thái Nguyên")
    assert registration.office.name == "Bảo hiểm xã hội tỉnh Thái Nguyên"


def test_the_registration_office_is_none_without_a_province():
    cccd = vssid_id.parse("001090123456||Nguyễn Văn An|05031990|Nam|Số 1 Phố Nào Đó|15082021")
    registration = vssid_id.prefill(cccd, today=date(2026, 11, 25))
    assert registration.province_2025 is None
    assert registration.office is None
    unconverted = vssid_id.prefill(cccd, today=date(2026, 11, 25), convert_addresses=False)
    assert unconverted.office is None
