"""BHYT payloads → BhytRecord."""

import binascii
import random
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vssid_id
from vssid_id import errors
from vssid_id.gender import Gender
from vssid_id.records import BhytRecord

TODAY = date(2026, 11, 25)
NAME = "Trần Thị Bình"
ADDRESS = "Thôn Đông, Xã Tân Phú, Hà Nội"
GUARDIAN = "Trần Văn Cường"


def crc(body: str) -> str:
    """CRC-16/CCITT-FALSE written out bit by bit, independently of the library's table."""
    value = 0xFFFF
    for byte in body.encode("utf-8"):
        value ^= byte << 8
        for _ in range(8):
            value = ((value << 1) ^ 0x1021) if value & 0x8000 else value << 1
            value &= 0xFFFF
    return f"{value:04x}"


def payload(**changes):
    values = {
        "card_code": "HS4010120878811",
        "full_name": NAME.encode().hex(),
        "date_of_birth": "05/03/2010",
        "gender": "2",
        "address": ADDRESS.encode().hex(),
        "facility_code": "01 - 001",
        "valid_from": "01/01/2026",
        "valid_to": "31/12/2026",
        "issue_date": "15/12/2025",
        "managing_agency_code": "01920",
        "guardian_name": GUARDIAN.encode().hex(),
        "living_area_code": "",
        "five_years_from": "01/01/2030",
    }
    check = changes.pop("checksum", None)
    values.update(changes)
    body = "|".join(values.values()) + "|"
    return f"{body}{crc(body) if check is None else check}|$"


def test_crc_reference_value():
    # The standard check value of CRC-16/CCITT-FALSE for "123456789".
    assert crc("123456789") == "29b1"
    assert binascii.crc_hqx(b"123456789", 0xFFFF) == 0x29B1


def test_every_field():
    record = vssid_id.parse(payload(), today=TODAY)
    assert isinstance(record, BhytRecord)
    assert record.kind == "bhyt"
    assert record.card_code == "HS4010120878811"
    assert record.bhxh_code == "0120878811"
    assert record.card_code_parts.beneficiary_code == "HS"
    assert record.card_code_parts.benefit_level == 4
    assert record.card_code_parts.province_name == "Hà Nội"
    assert record.full_name == NAME
    assert record.date_of_birth == date(2010, 3, 5)
    assert record.year_of_birth == 2010
    assert record.gender is Gender.FEMALE
    assert record.address == ADDRESS
    assert record.facility_code == "01001"
    assert record.valid_from == date(2026, 1, 1)
    assert record.valid_to == date(2026, 12, 31)
    assert record.issue_date == date(2025, 12, 15)
    assert record.managing_agency_code == "01920"
    assert record.guardian_name == GUARDIAN
    assert record.living_area_code is None
    assert record.five_years_from == date(2030, 1, 1)
    assert record.checksum == crc(payload().rsplit("|", 2)[0] + "|")
    assert record.warnings == ()
    assert record.is_in_force(date(2026, 6, 1)) and not record.is_in_force(date(2027, 1, 1))


def test_to_form():
    assert vssid_id.parse(payload(), today=TODAY).to_form() == {
        "họ tên": NAME,
        "mã số BHXH": "0120878811",
        "ngày sinh": "05/03/2010",
        "giới tính": "Nữ",
        "địa chỉ": ADDRESS,
    }


@pytest.mark.parametrize("text, expected", [("1958", (None, None, 1958)), ("07/1958", (None, 7, 1958))])
def test_partial_birth_dates(text, expected):
    record = vssid_id.parse(payload(date_of_birth=text), today=TODAY)
    assert (record.date_of_birth, record.month_of_birth, record.year_of_birth) == expected
    assert record.to_form()["ngày sinh"] == text
    assert vssid_id.parse(record.to_payload(), today=TODAY) == record


def test_uppercase_hex_and_plain_text_names_are_read():
    assert vssid_id.parse(payload(full_name=NAME.encode().hex().upper()), today=TODAY).full_name == NAME
    assert vssid_id.parse(payload(full_name=NAME), today=TODAY).full_name == NAME


def test_nfd_name_becomes_nfc():
    nfd = unicodedata.normalize("NFD", NAME).encode().hex()
    assert vssid_id.parse(payload(full_name=nfd), today=TODAY).full_name == NAME


@pytest.mark.parametrize("facility", ["01001", "01-001", "01 – 001", " 01 - 001 "])
def test_facility_code_spellings(facility):
    assert vssid_id.parse(payload(facility_code=facility), today=TODAY).facility_code == "01001"


def test_payload_without_check_field_or_terminator():
    full = payload()
    without_check = full.rsplit("|", 2)[0]
    record = vssid_id.parse(without_check, today=TODAY)
    assert record.checksum is None and record.full_name == NAME
    assert vssid_id.parse(without_check + "|$", today=TODAY).checksum is None


def test_uppercase_checksum_is_accepted():
    body = payload().rsplit("|", 2)[0] + "|"
    assert vssid_id.parse(payload(checksum=crc(body).upper()), today=TODAY).checksum == crc(body)


def test_optional_fields_empty():
    record = vssid_id.parse(
        payload(valid_to="", issue_date="", managing_agency_code="", guardian_name="", five_years_from=""),
        today=TODAY,
    )
    assert (record.valid_to, record.issue_date, record.managing_agency_code, record.guardian_name,
            record.five_years_from) == (None, None, None, None, None)


def test_living_area_code():
    assert vssid_id.parse(payload(living_area_code="K2"), today=TODAY).living_area_code == "K2"


def test_unusual_benefit_level_is_a_warning():
    record = vssid_id.parse(payload(card_code="HS2010120878811"), today=TODAY)
    assert record.card_code_parts.benefit_level == 2
    assert any("usual level 4" in warning for warning in record.warnings)


# --- errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, error, field",
    [
        ({"checksum": "0000"}, errors.ChecksumMismatch, "checksum"),
        ({"checksum": "zz!z"}, errors.MalformedPayload, "checksum"),
        ({"card_code": "ZZ4010120878811"}, errors.InvalidComponent, "card_code"),
        ({"card_code": "HS9010120878811"}, errors.InvalidComponent, "card_code"),
        ({"card_code": "HS40101208788"}, errors.InvalidLength, "card_code"),
        ({"full_name": "4e67757"}, errors.MalformedPayload, "full_name"),  # odd number of hex digits
        ({"full_name": "ff"}, errors.MalformedPayload, "full_name"),
        ({"full_name": ""}, errors.MalformedPayload, "full_name"),
        ({"full_name": "4e00677579"}, errors.MalformedPayload, "full_name"),  # hex of a NUL byte
        ({"address": ""}, errors.MalformedPayload, "address"),
        ({"date_of_birth": "31/02/2010"}, errors.MalformedPayload, "date_of_birth"),
        ({"date_of_birth": "2010-03-05"}, errors.MalformedPayload, "date_of_birth"),
        ({"date_of_birth": "05/03/2027"}, errors.MalformedPayload, "date_of_birth"),
        ({"gender": "0"}, errors.MalformedPayload, "gender"),
        ({"gender": "Nữ"}, errors.MalformedPayload, "gender"),
        ({"facility_code": "01 - 0011"}, errors.MalformedPayload, "facility_code"),
        ({"facility_code": "03 - 001"}, errors.InvalidComponent, "facility_code"),
        ({"valid_from": ""}, errors.MalformedPayload, "valid_from"),
        ({"valid_to": "31/12/2025"}, errors.InconsistentRecord, "valid_to"),
        ({"issue_date": "1/1/2025"}, errors.MalformedPayload, "issue_date"),
        ({"managing_agency_code": "01 920"}, errors.MalformedPayload, "managing_agency_code"),
        ({"living_area_code": "K4"}, errors.InvalidComponent, "living_area_code"),
        ({"five_years_from": "2030"}, errors.MalformedPayload, "five_years_from"),
    ],
)
def test_bad_payloads(changes, error, field):
    with pytest.raises(error) as info:
        vssid_id.parse(payload(**changes), today=TODAY)
    assert info.value.field == field


def test_wrong_field_counts():
    parts = payload().split("|")
    for bad in (parts[:-3], parts[:-2] + ["x", "y", "$"], parts + ["extra"]):
        with pytest.raises(errors.MalformedPayload) as info:
            vssid_id.parse("|".join(bad), today=TODAY)
        assert info.value.field in ("payload", "checksum")


def test_tampering_with_any_data_field_breaks_the_checksum():
    good = payload()
    parts = good.split("|")
    tampered = parts.copy()
    tampered[6] = "02/01/2026"  # shift validity by a day, keep the old check field
    with pytest.raises(errors.ChecksumMismatch):
        vssid_id.parse("|".join(tampered), today=TODAY)


def test_messages_never_hold_the_data():
    with pytest.raises(errors.VssidError) as info:
        vssid_id.parse(payload(checksum="0000"), today=TODAY)
    assert NAME.encode().hex() not in str(info.value) and "0120878811" not in str(info.value)


# --- round trip --------------------------------------------------------------------

_letters = st.characters(codec="utf-8", categories=("Lu", "Ll"),
                         include_characters="ăâđêôơưàáạảãầấậẩẫằắặẳẵèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ")
_words = st.lists(st.text(_letters, min_size=1, max_size=8), min_size=1, max_size=6).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(name=_words, address=_words, seed=st.integers(0, 2**32))
def test_round_trip_with_generated_vietnamese_text(name, address, seed):
    from vssid_id.synthetic import synthetic_bhyt_record

    base = synthetic_bhyt_record(random.Random(seed))
    changed = base.model_copy(update={"full_name": unicodedata.normalize("NFC", name),
                                      "address": unicodedata.normalize("NFC", address)})
    reparsed = vssid_id.parse(changed.to_payload(), today=TODAY)
    assert reparsed.model_copy(update={"checksum": None}) == changed.model_copy(update={"checksum": None})
    assert reparsed.to_payload() == changed.to_payload()
