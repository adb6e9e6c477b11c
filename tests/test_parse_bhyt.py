"""BHYT payloads → BhytRecord."""

import random
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vssid_id
from vssid_id import errors
from vssid_id.cards.gender import Gender
from vssid_id.records import BhytRecord

TODAY = date(2026, 11, 25)
NAME = "Trần Thị Bình"
ADDRESS = "Thôn Đông, Xã Tân Phú, Hà Nội"
GUARDIAN = "Trần Văn Cường"


CHECK = "5c0ffee15bad1dea-a1b2"  # the shape of public examples: hex, '-', 4 hex


def payload(**changes):
    """A payload in the layout of public card examples, built from synthetic values."""
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
        "management_code": "01090120878811",
        "guardian_name": GUARDIAN.encode().hex(),
        "living_area_code": "4",
        "five_years_from": "01/01/2030",
        "checksum": CHECK,
    }
    extra = changes.pop("extra", [])
    values.update(changes)
    return "|".join([*values.values(), *extra, "$"])


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
    assert record.management_code == "01090120878811"
    assert record.guardian_name == GUARDIAN
    assert record.living_area_code == "4" and record.living_area is None
    assert record.five_years_from == date(2030, 1, 1)
    assert record.checksum == CHECK and record.checksum_verified is None
    assert record.extra_fields == ()
    assert record.warnings == ()
    assert record.to_payload() == payload()
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
    without_check = payload().rsplit("|", 2)[0]
    record = vssid_id.parse(without_check, today=TODAY)
    assert record.checksum is None and record.full_name == NAME
    assert vssid_id.parse(without_check + "|$", today=TODAY).checksum is None
    assert vssid_id.parse(payload().removesuffix("|$"), today=TODAY).checksum == CHECK


def test_uppercase_check_field_is_accepted():
    assert vssid_id.parse(payload(checksum=CHECK.upper()), today=TODAY).checksum == CHECK


def test_check_field_is_not_verified_only_shaped():
    # Its algorithm is not public: any value of the right shape is kept as written.
    for check in ("0", "7ea4e8f446328cc-7102", "ffffffffffffffff"):
        assert vssid_id.parse(payload(checksum=check), today=TODAY).checksum == check


def test_current_template_ten_digit_card_with_extra_fields():
    place = "Quận 12, Thành phố Hồ Chí Minh".encode().hex()
    text = payload(card_code="0120878811", facility_code="79 - 034", extra=["4", place])
    record = vssid_id.parse(text, today=TODAY)
    assert record.card_code == record.bhxh_code == "0120878811"
    assert record.card_code_parts is None
    assert record.extra_fields == ("4", place)
    assert record.to_form()["mã số BHXH"] == "0120878811"
    assert record.to_payload() == text


def test_dash_means_empty():
    record = vssid_id.parse(
        payload(address="-", valid_to="-", issue_date="-", management_code="-", guardian_name="-",
                living_area_code="-", five_years_from="-"),
        today=TODAY,
    )
    assert (record.address, record.valid_to, record.issue_date, record.management_code, record.guardian_name,
            record.living_area_code, record.five_years_from) == (None,) * 7
    assert record.to_form()["địa chỉ"] == ""
    assert vssid_id.parse(record.to_payload(), today=TODAY) == record


def test_optional_fields_empty():
    record = vssid_id.parse(
        payload(valid_to="", issue_date="", management_code="", guardian_name="", five_years_from=""),
        today=TODAY,
    )
    assert (record.valid_to, record.issue_date, record.management_code, record.guardian_name,
            record.five_years_from) == (None, None, None, None, None)


def test_leading_space_in_a_date_is_tolerated():
    assert vssid_id.parse(payload(five_years_from=" 01/08/2019"), today=TODAY).five_years_from == date(2019, 8, 1)


@pytest.mark.parametrize("field, expected", [("4", None), ("5", "K1"), ("6", "K2"), ("7", "K3"), ("K2", "K2"),
                                             ("k3", "K3")])
def test_living_area(field, expected):
    record = vssid_id.parse(payload(living_area_code=field), today=TODAY)
    assert record.living_area == expected and record.living_area_code == field.upper()


def test_management_code_not_ending_in_the_bhxh_number_is_a_warning():
    record = vssid_id.parse(payload(management_code="01099999999999"), today=TODAY)
    assert record.warnings == ("management_code: its last 10 digits are not the card's BHXH number",)


def test_unusual_benefit_level_is_a_warning():
    record = vssid_id.parse(payload(card_code="HS2010120878811"), today=TODAY)
    assert record.card_code_parts.benefit_level == 2
    assert any("usual level 4" in warning for warning in record.warnings)


# --- errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, error, field",
    [
        ({"checksum": "zz!z"}, errors.MalformedPayload, "checksum"),
        ({"checksum": "abc-"}, errors.MalformedPayload, "checksum"),
        ({"card_code": "0120878"}, errors.InvalidLength, "card_code"),
        ({"card_code": "ZZ4010120878811"}, errors.InvalidComponent, "card_code"),
        ({"card_code": "HS9010120878811"}, errors.InvalidComponent, "card_code"),
        ({"card_code": "HS40101208788"}, errors.InvalidLength, "card_code"),
        ({"full_name": "4e67757"}, errors.MalformedPayload, "full_name"),  # odd number of hex digits
        ({"full_name": "ff"}, errors.MalformedPayload, "full_name"),
        ({"full_name": ""}, errors.MalformedPayload, "full_name"),
        ({"full_name": "4e00677579"}, errors.MalformedPayload, "full_name"),  # hex of a NUL byte
        ({"date_of_birth": "31/02/2010"}, errors.MalformedPayload, "date_of_birth"),
        ({"date_of_birth": "2010-03-05"}, errors.MalformedPayload, "date_of_birth"),
        ({"date_of_birth": "05/03/2027"}, errors.MalformedPayload, "date_of_birth"),
        ({"gender": "0"}, errors.MalformedPayload, "gender"),
        ({"gender": "Nữ"}, errors.MalformedPayload, "gender"),
        ({"facility_code": "01 - 0011"}, errors.MalformedPayload, "facility_code"),
        ({"facility_code": "03 - 001"}, errors.InvalidComponent, "facility_code"),
        ({"valid_from": ""}, errors.MalformedPayload, "valid_from"),
        ({"valid_to": "31/12/2025"}, errors.InconsistentRecord, "valid_to"),
        ({"issue_date": "1-1-2025"}, errors.MalformedPayload, "issue_date"),
        ({"management_code": "01 920"}, errors.MalformedPayload, "management_code"),
        ({"living_area_code": "K4"}, errors.InvalidComponent, "living_area_code"),
        ({"living_area_code": "8"}, errors.InvalidComponent, "living_area_code"),
        ({"five_years_from": "2030"}, errors.MalformedPayload, "five_years_from"),
    ],
)
def test_bad_payloads(changes, error, field):
    with pytest.raises(error) as info:
        vssid_id.parse(payload(**changes), today=TODAY)
    assert info.value.field == field


def test_wrong_field_counts():
    parts = payload().split("|")
    for bad in (parts[:-3], [*parts[:10], "$"], [*parts[:-1], *["x"] * 7, "$"]):
        with pytest.raises(errors.MalformedPayload) as info:
            vssid_id.parse("|".join(bad), today=TODAY)
        assert info.value.field in ("payload", "checksum")


def test_messages_never_hold_the_data():
    for bad in (payload(checksum="zz"), payload(management_code="0 1"), payload(full_name="ff")):
        with pytest.raises(errors.VssidError) as info:
            vssid_id.parse(bad, today=TODAY)
        assert NAME.encode().hex() not in str(info.value) and "0120878811" not in str(info.value)


# --- round trip --------------------------------------------------------------------

# Card text is of the Latin script (vssid_id.cards.text.is_card_text): letters up to
# Latin Extended-B, and the Vietnamese letters of Latin Extended Additional.
_letters = st.characters(codec="utf-8", categories=("Lu", "Ll"), max_codepoint=0x24F,
                         include_characters="ăâđêôơưàáạảãầấậẩẫằắặẳẵèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ",
                         ).filter(lambda c: c.isascii() or c >= "\u00c0")  # µ ª º are no Latin letters
_words = st.lists(st.text(_letters, min_size=1, max_size=8), min_size=1, max_size=6).map(" ".join)
# A BHYT name is two words or more (family and given name): since the parser
# refuses a one-word name such as 'u' (the hex '75' it would decode from), the
# names generated here have two words at least (and so the addresses their
# two letters at least).
_names = st.lists(st.text(_letters, min_size=1, max_size=8), min_size=2, max_size=6).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(name=_names, address=_names, seed=st.integers(0, 2**32))
def test_round_trip_with_generated_vietnamese_text(name, address, seed):
    from vssid_id.cards.synthetic import synthetic_bhyt_record

    base = synthetic_bhyt_record(random.Random(seed))
    changed = base.model_copy(update={"full_name": unicodedata.normalize("NFC", name),
                                      "address": unicodedata.normalize("NFC", address)})
    reparsed = vssid_id.parse(changed.to_payload(), today=TODAY)
    assert reparsed == changed
    assert reparsed.to_payload() == changed.to_payload()
