"""The address under the 2025 administrative units (vssid_id.registration.addresses).

Expected values come from the law, not from the code under test:

* provinces: Nghị quyết 202/2025/QH15 (which provinces merged into which),
  Quyết định 19/2025/QĐ-TTg (the 2025 codes), Nghị quyết 30, 36 and
  39/2026/QH16 (Đồng Nai, Quảng Ninh, Bắc Ninh became centrally-run cities);
* wards: the ward-level resolutions of the Ủy ban Thường vụ Quốc hội of 16 June
  2025 — Bắc Kạn's Phường Sông Cầu → Phường Bắc Kạn (the example of issue 11),
  Hồ Chí Minh City's Phường Đa Kao split between the new Phường Sài Gòn and
  Phường Tân Định (Nghị quyết 1685/NQ-UBTVQH15), Hà Nội's Phường Đội Cấn split
  between Phường Ba Đình and Phường Ngọc Hà (Nghị quyết 1656/NQ-UBTVQH15).
  Every ward expectation below is also the one given by the independent
  vietnamadminunits dataset (GSO list + sapnhap.bando.com.vn), checked by hand.
"""

from __future__ import annotations

import functools
import random
import subprocess
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vssid_id import errors
from vssid_id.cards.synthetic import synthetic_address, synthetic_cccd_record
from vssid_id.cards.tables import PROVINCES, PROVINCES_MERGED_2025
from vssid_id.registration.addresses import PROVINCES_2025, AddressConversion, convert_address

HCM = "Thành phố Hồ Chí Minh"


def _strip_marks(text: str) -> str:
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in text if not unicodedata.combining(ch))


# --------------------------------------------------------------------------
# The province table
# --------------------------------------------------------------------------


def test_every_old_province_has_one_2025_province_and_there_are_34():
    assert set(PROVINCES_MERGED_2025) == set(PROVINCES)
    assert len(set(PROVINCES_MERGED_2025.values())) == 34 == len(PROVINCES_2025)
    # Each 2025 province keeps the code of one of the provinces it merged.
    for province in PROVINCES_2025.values():
        assert PROVINCES_MERGED_2025[province.code] == province


@pytest.mark.parametrize(("old_code", "code", "full_name"), [
    ("06", "19", "Tỉnh Thái Nguyên"),      # Bắc Kạn
    ("02", "08", "Tỉnh Tuyên Quang"),      # Hà Giang
    ("15", "15", "Tỉnh Lào Cai"),          # Yên Bái: Lào Cai took Yên Bái's code
    ("10", "15", "Tỉnh Lào Cai"),
    ("70", "75", "Thành phố Đồng Nai"),    # Bình Phước; Đồng Nai a city since 30/4/2026
    ("74", "79", HCM),                     # Bình Dương
    ("77", "79", HCM),                     # Bà Rịa - Vũng Tàu
    ("80", "80", "Tỉnh Tây Ninh"),         # Long An: Tây Ninh took Long An's code
    ("91", "91", "Tỉnh An Giang"),         # Kiên Giang
    ("82", "82", "Tỉnh Đồng Tháp"),        # Tiền Giang
    ("44", "44", "Tỉnh Quảng Trị"),        # Quảng Bình
    ("52", "52", "Tỉnh Gia Lai"),          # Bình Định
    ("49", "48", "Thành phố Đà Nẵng"),     # Quảng Nam
    ("46", "46", "Thành phố Huế"),
    ("27", "24", "Thành phố Bắc Ninh"),    # a city since 20/9/2026
    ("22", "22", "Thành phố Quảng Ninh"),  # a city since 1/9/2026
    ("93", "92", "Thành phố Cần Thơ"),     # Hậu Giang
    ("95", "96", "Tỉnh Cà Mau"),           # Bạc Liêu
])
def test_merged_provinces_follow_the_resolution(old_code, code, full_name):
    province = PROVINCES_MERGED_2025[old_code]
    assert (province.code, province.full_name) == (code, full_name)


def test_nine_centrally_run_cities():
    cities = {p.name for p in PROVINCES_2025.values() if p.full_name.startswith("Thành phố ")}
    assert cities == {"Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ",
                      "Đồng Nai", "Quảng Ninh", "Bắc Ninh"}


def test_the_dataset_merges_provinces_as_the_table_does():
    from vietnam_address_converter.data import DEFAULT_DATA

    from vssid_id.registration.addresses import _fold

    by_name = {_fold(name): code for code, name in PROVINCES.items()}
    by_name.update({"hue": "46", "ba ria vung tau": "77"})
    for row in DEFAULT_DATA["mapping"]["rows"]:
        old = _fold(row["old"]["province_name"]).removeprefix("tinh ").removeprefix("thanh pho ")
        new = _fold(row["new"]["province_name"]).removeprefix("tinh ").removeprefix("thanh pho ")
        assert _fold(PROVINCES_MERGED_2025[by_name[old]].name) == new


# --------------------------------------------------------------------------
# Converting addresses
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("card", "expected"), [
    # Bắc Kạn → Thái Nguyên (the issue's example, as a CCCD prints it).
    ("Tổ 5, Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn",
     "Tổ 5, Phường Bắc Kạn, Tỉnh Thái Nguyên"),
    # Bình Phước → Đồng Nai.
    ("Thôn 2, Xã Thanh Hòa, Huyện Bù Đốp, Tỉnh Bình Phước",
     "Thôn 2, Xã Thiện Hưng, Thành phố Đồng Nai"),
    ("Số 8, Phường Tân Phú, Thành phố Đồng Xoài, Bình Phước",
     "Số 8, Phường Bình Phước, Thành phố Đồng Nai"),
    # Hà Giang → Tuyên Quang.
    ("Tổ 1, Phường Minh Khai, Thành phố Hà Giang, Hà Giang",
     "Tổ 1, Phường Hà Giang 2, Tỉnh Tuyên Quang"),
    ("Thôn Lũng Cú, Thị trấn Đồng Văn, Huyện Đồng Văn, Tỉnh Hà Giang",
     "Thôn Lũng Cú, Xã Đồng Văn, Tỉnh Tuyên Quang"),
    # Bình Dương and Bà Rịa - Vũng Tàu → Hồ Chí Minh City.
    ("Số 3, Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương",
     f"Số 3, Phường Thủ Dầu Một, {HCM}"),
    ("12 Trần Hưng Đạo, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu",
     f"12 Trần Hưng Đạo, Phường Vũng Tàu, {HCM}"),
    # An island district became one đặc khu whole.
    ("Khu 3, Huyện Côn Đảo, Bà Rịa - Vũng Tàu", f"Khu 3, Đặc khu Côn Đảo, {HCM}"),
    # A province that kept its name: the district goes, the ward stays.
    ("Số 1, Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội", "Số 1, Phường Hoàn Kiếm, Thành phố Hà Nội"),
])
def test_old_units_convert(card, expected):
    result = convert_address(card)
    assert result.status == "converted"
    assert result.address_2025 == expected
    ward, province = expected.split(", ")[-2:]
    assert (result.ward_2025, result.province_2025) == (ward, province)
    assert result.candidates == ()


def test_the_issue_example_in_full():
    result = convert_address("Tổ 5, Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn")
    assert result == AddressConversion(
        status="converted",
        address_2025="Tổ 5, Phường Bắc Kạn, Tỉnh Thái Nguyên",
        province_2025="Tỉnh Thái Nguyên",
        province_2025_code="19",
        ward_2025="Phường Bắc Kạn",
        candidates=(),
        street="Tổ 5",
        old_province="Bắc Kạn",
        dataset=result.dataset,
    )
    assert result.dataset.startswith("vietnam-address-converter 1.0.")


def test_a_split_ward_of_ho_chi_minh_city_is_ambiguous_with_its_candidates():
    result = convert_address("45 Đinh Tiên Hoàng, Phường Đa Kao, Quận 1, Thành phố Hồ Chí Minh")
    assert result.status == "ambiguous"
    assert result.address_2025 is None and result.ward_2025 is None
    assert result.province_2025 == HCM and result.province_2025_code == "79"
    assert result.candidates == (
        f"45 Đinh Tiên Hoàng, Phường Sài Gòn, {HCM}",
        f"45 Đinh Tiên Hoàng, Phường Tân Định, {HCM}",
    )


def test_a_split_ward_of_ha_noi_is_ambiguous():
    result = convert_address("Ngõ 1, P. Đội Cấn, Q. Ba Đình, TP. Hà Nội")
    assert result.status == "ambiguous"
    assert result.candidates == (
        "Ngõ 1, Phường Ba Đình, Thành phố Hà Nội",
        "Ngõ 1, Phường Ngọc Hà, Thành phố Hà Nội",
    )


@pytest.mark.parametrize("address", [
    "Tổ 5, Phường Bắc Kạn, Tỉnh Thái Nguyên",
    "Tổ 5, Phường Bắc Kạn, Thái Nguyên",
    "TỔ 5, PHƯỜNG BẮC KẠN, TỈNH THÁI NGUYÊN",
])
def test_an_address_in_the_2025_units_is_unchanged(address):
    result = convert_address(address)
    assert result.status == "unchanged"
    assert result.address_2025 == f"{address.split(',')[0]}, Phường Bắc Kạn, Tỉnh Thái Nguyên"
    assert (result.ward_2025, result.province_2025) == ("Phường Bắc Kạn", "Tỉnh Thái Nguyên")


@pytest.mark.parametrize("address", [
    "Số 1, Phường Sài Gòn, Thành phố Hồ Chí Minh",
    "Số 1, Phường Sài Gòn, TP.HCM",
    "Số 1, Xã Thiện Hưng, Thành phố Đồng Nai",
    "Số 1, Xã Thiện Hưng, Tỉnh Đồng Nai",  # as written before Đồng Nai became a city
])
def test_2025_addresses_of_merged_provinces_are_unchanged(address):
    result = convert_address(address)
    assert result.status == "unchanged"
    assert result.street == "Số 1"


@pytest.mark.parametrize("spelling", [
    "Tổ 5, Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn",            # CCCD, mixed case
    "TỔ 5, PHƯỜNG SÔNG CẦU, THÀNH PHỐ BẮC KẠN, TỈNH BẮC KẠN",        # old BHYT, capitals
    "To 5, Phuong Song Cau, Thanh pho Bac Kan, Bac Kan",             # no diacritics
    "tổ 5, p. sông cầu, tp. bắc kạn, t. bắc kạn",                    # abbreviations
    "Tổ 5, P.Sông Cầu, Tp Bắc Kạn, Bắc Kạn",
    "Tổ 5 ,  Phường  Sông Cầu ,TP Bắc Kạn,Bắc Kạn, Việt Nam",         # spacing, country
])
def test_case_diacritics_and_prefixes_do_not_matter(spelling):
    result = convert_address(unicodedata.normalize("NFD", spelling))
    assert result.status == "converted"
    assert result.ward_2025 == "Phường Bắc Kạn"
    assert result.province_2025 == "Tỉnh Thái Nguyên"


@pytest.mark.parametrize(("card", "ward"), [
    ("Xóm 2, X. Thanh Hòa, H. Bù Đốp, Bình Phước", "Xã Thiện Hưng"),
    ("Xóm 2, Xã Thanh Hòa, Huyện Bù Đốp, Bình Phước", "Xã Thiện Hưng"),
    ("Tổ 1, TT Đồng Văn, H. Đồng Văn, Hà Giang", "Xã Đồng Văn"),
    ("Tổ 1, Thị trấn Đồng Văn, Huyện Đồng Văn, Hà Giang", "Xã Đồng Văn"),
    ("Số 2, P.01, TP Vũng Tàu, BR-VT", "Phường Vũng Tàu"),
    ("Số 2, Phường 1, Thành phố Vũng Tàu, Bà Rịa-Vũng Tàu", "Phường Vũng Tàu"),
    ("Số 3, Phường Hàng Bạc, Q. Hoàn Kiếm, Hà Nội", "Phường Hoàn Kiếm"),
    ("Số 3, Phường Phú Cường, Thị xã Thủ Dầu Một, Bình Dương", "Phường Thủ Dầu Một"),
])
def test_unit_prefixes_as_cards_print_them(card, ward):
    assert convert_address(card).ward_2025 == ward


def test_an_abolished_district_is_read_through_a_ward_unique_in_its_province():
    # Quận 2 became part of Thành phố Thủ Đức in 2021; cards issued before
    # still print it. Thảo Điền is now part of Phường An Khánh.
    result = convert_address("Số 1, Phường Thảo Điền, Quận 2, TP Hồ Chí Minh")
    assert (result.status, result.ward_2025) == ("converted", "Phường An Khánh")


def test_the_street_part_is_kept_verbatim():
    street = "Số 12/3A  đường Lê Lợi (nhà  trọ), Khu phố 4"
    result = convert_address(f"{street}, Phường Phú Cường, TP. Thủ Dầu Một, Bình Dương")
    assert result.street == street
    assert result.address_2025 == f"{street}, Phường Thủ Dầu Một, {HCM}"


def test_no_street_part():
    result = convert_address("Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn")
    assert (result.address_2025, result.street) == ("Phường Bắc Kạn, Tỉnh Thái Nguyên", None)


def test_a_name_that_loses_its_diacritics_is_ambiguous_never_guessed():
    # Huyện Lộc Ninh had both Xã Lộc Thành and Xã Lộc Thạnh.
    result = convert_address("Ap 1, Xa Loc Thanh, Huyen Loc Ninh, Tinh Binh Phuoc")
    assert result.status == "ambiguous"
    assert {c.split(", ")[1] for c in result.candidates} >= {"Xã Lộc Thành", "Xã Lộc Thạnh"}
    with_marks = convert_address("Ấp 1, Xã Lộc Thạnh, Huyện Lộc Ninh, Tỉnh Bình Phước")
    assert with_marks.status == "converted"


@pytest.mark.parametrize(("address", "province"), [
    ("Số 1 Phố Huế, Hà Nội", "Thành phố Hà Nội"),
    ("Tổ 5, Phường Không Có, Thành phố Bắc Kạn, Bắc Kạn", "Tỉnh Thái Nguyên"),
    ("Quận Ba Đình, Hà Nội", "Thành phố Hà Nội"),
    ("Bình Dương", HCM),
])
def test_an_unknown_ward_still_gives_the_province(address, province):
    result = convert_address(address)
    assert result.status == "not_found"
    assert result.province_2025 == province
    assert result.address_2025 is None and result.ward_2025 is None and result.candidates == ()


@pytest.mark.parametrize("address", ["", "   ", ",,", "Số 1, Phố Huế", "Paris, France", "Việt Nam"])
def test_nothing_recognised(address):
    result = convert_address(address)
    assert result.status == "not_found"
    assert result.province_2025 is None and result.old_province is None


def test_the_result_is_frozen():
    result = convert_address("Tổ 5, Phường Bắc Kạn, Tỉnh Thái Nguyên")
    with pytest.raises(ValueError):
        result.status = "converted"  # type: ignore[misc]


def test_synthetic_card_addresses_give_their_province():
    rng = random.Random(11)
    for code, name in PROVINCES.items():
        result = convert_address(synthetic_address(rng, name))
        assert result.province_2025 == PROVINCES_MERGED_2025[code].full_name
    assert convert_address(synthetic_cccd_record(rng).address).province_2025 is not None


# --------------------------------------------------------------------------
# Against the whole dataset
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _dataset_old_wards() -> dict[tuple[str, str, str, str], set[str]]:
    from vietnam_address_converter.data import DEFAULT_DATA

    wards: dict[tuple[str, str, str, str], set[str]] = {}
    for row in DEFAULT_DATA["mapping"]["rows"]:
        old = row["old"]
        key = (old["province_name"], old["district_name"], old["ward_name"], old["ward_code"])
        wards.setdefault(key, set()).add(_strip_marks(row["new"]["ward_name"]).casefold())
    return wards


def test_every_old_ward_of_the_dataset_converts_to_its_new_wards():
    for (province, district, ward, _), targets in _dataset_old_wards().items():
        result = convert_address(", ".join(p for p in ("Số 1", ward, district, province) if p))
        got = [result.ward_2025] if result.ward_2025 else [c.split(", ")[1] for c in result.candidates]
        assert {_strip_marks(w).casefold() for w in got} == targets, (province, district, ward)
        assert result.status == ("converted" if len(targets) == 1 else "ambiguous")


@functools.lru_cache(maxsize=1)
def _sorted_old_wards() -> list[tuple[str, str, str, str]]:
    return sorted(_dataset_old_wards())


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_capitals_and_nfd_change_nothing(data):
    wards = _sorted_old_wards()
    province, district, ward, _ = data.draw(st.sampled_from(wards))
    address = ", ".join(p for p in ("Số 1", ward, district, province) if p)
    expected = convert_address(address)
    for variant in (address.upper(), unicodedata.normalize("NFD", address)):
        result = convert_address(variant)
        assert (result.status, result.ward_2025, len(result.candidates)) == (
            expected.status, expected.ward_2025, len(expected.candidates))


# --------------------------------------------------------------------------
# Bad arguments, junk, privacy, cost
# --------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [None, 42, b"To 5, Bac Kan", ["Bắc Kạn"]])
def test_not_a_string_is_a_type_error(bad):
    with pytest.raises(TypeError, match=r"^address: expected str"):
        convert_address(bad)


def test_too_long_or_forbidden_characters_are_refused_without_repeating_the_address():
    secret = "Số 99 Ngõ Bí Mật"
    with pytest.raises(errors.MalformedPayload) as too_long:
        convert_address(secret + ", " + "x" * 2000)
    with pytest.raises(errors.MalformedPayload) as control:
        convert_address(secret + "\u202e, Hà Nội")
    for error in (too_long.value, control.value):
        assert error.field == "address"
        assert "Bí Mật" not in str(error) and "Ngõ" not in str(error)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.lists(
    st.sampled_from(["Phường Sông Cầu", "Bắc Kạn", "Quận 1", "TP.HCM", "Xã", "P.", "Huyện Côn Đảo",
                     "Phường Đa Kao", "Việt Nam", "", " ", "Số 1", "Bà Rịa - Vũng Tàu", "Tỉnh"]),
    max_size=6).map(", ".join))
def test_any_text_gives_a_consistent_result_or_our_error(text):
    try:
        result = convert_address(text)
    except errors.MalformedPayload as error:
        assert error.field == "address"
        return
    if result.status in ("converted", "unchanged"):
        assert result.address_2025 and result.ward_2025 and result.province_2025
        assert result.address_2025.endswith(f"{result.ward_2025}, {result.province_2025}")
        assert result.candidates == ()
    else:
        assert result.address_2025 is None and result.ward_2025 is None
        assert (len(result.candidates) >= 2) == (result.status == "ambiguous")
    if result.province_2025 is not None:
        assert PROVINCES_2025[result.province_2025_code or ""].full_name == result.province_2025


_NO_NETWORK = """
import socket, sys
def refuse(*args, **kwargs):
    raise AssertionError("network access attempted")
socket.socket = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from vssid_id.registration.addresses import convert_address
assert "vietnam_address_converter" not in sys.modules
for text in ("Tổ 5, Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn",
             "45 Đinh Tiên Hoàng, Phường Đa Kao, Quận 1, Thành phố Hồ Chí Minh",
             "Tổ 5, Phường Bắc Kạn, Tỉnh Thái Nguyên", "nowhere"):
    print(convert_address(text).status)
"""


def test_converting_never_touches_the_network():
    # A fresh process, so that the dataset is loaded under the block too.
    done = subprocess.run([sys.executable, "-c", _NO_NETWORK], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["converted", "ambiguous", "unchanged", "not_found"]


_LAZY = """
import sys
import vssid_id
vssid_id.parse("001090123456||Nguyễn Văn An|05031990|Nam|Tổ 5, Phường Sông Cầu, Bắc Kạn|15082021")
import vssid_id.registration.addresses
print("vietnam_address_converter" in sys.modules)
"""


def test_import_and_parse_do_not_load_the_dataset():
    done = subprocess.run([sys.executable, "-c", _LAZY], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
