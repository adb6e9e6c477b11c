"""CCCD / Căn cước payloads → CccdRecord."""

import random
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import vssid_id
from vssid_id import errors
from vssid_id.cards.gender import Gender
from vssid_id.records import CccdRecord, CccdVariant

TODAY = date(2026, 11, 25)

# Synthetic: the number says Hà Nội (001), male (0), born 1990 (90).
NAME = "Nguyễn Văn An"
ADDRESS = "Số 12, Phố Huế, Phường Hai Bà Trưng, Hà Nội"
PAYLOAD = f"001090123456|123456789|{NAME}|05031990|Nam|{ADDRESS}|15082021"


def fields(**changes):
    names = ["id_number", "old_id_number", "full_name", "date_of_birth", "gender", "address", "issue_date"]
    values = dict(zip(names, PAYLOAD.split("|"), strict=True))
    values.update(changes)
    return "|".join(values[name] for name in names)


def test_every_field():
    record = vssid_id.parse(PAYLOAD, today=TODAY)
    assert isinstance(record, CccdRecord)
    assert record.kind == "cccd"
    assert record.variant is CccdVariant.CCCD_2021
    assert record.id_number == "001090123456"
    assert record.old_id_number == "123456789"
    assert record.full_name == NAME
    assert record.date_of_birth == date(1990, 3, 5)
    assert record.year_of_birth == 1990
    assert record.gender is Gender.MALE
    assert record.address == ADDRESS
    assert record.issue_date == date(2021, 8, 15)
    assert record.id_number_parts.province_name == "Hà Nội"
    assert record.id_number_parts.birth_year == 1990
    assert record.warnings == ()


def test_empty_old_id_number_is_none():
    assert vssid_id.parse(fields(old_id_number=""), today=TODAY).old_id_number is None


def test_female_21st_century():
    record = vssid_id.parse(fields(id_number="079308000001", date_of_birth="29022008", gender="Nữ"), today=TODAY)
    assert record.gender is Gender.FEMALE
    assert record.date_of_birth == date(2008, 2, 29)


def test_to_form_has_the_registration_labels():
    form = vssid_id.parse(PAYLOAD, today=TODAY).to_form()
    assert form == {
        "họ tên": NAME,
        "số CCCD": "001090123456",
        "ngày sinh": "05/03/1990",
        "giới tính": "Nam",
        "địa chỉ": ADDRESS,
    }


def test_json_round_trip():
    record = vssid_id.parse(PAYLOAD, today=TODAY)
    assert CccdRecord.model_validate_json(record.model_dump_json()) == record


def test_record_is_frozen():
    record = vssid_id.parse(PAYLOAD, today=TODAY)
    with pytest.raises(ValidationError):
        record.full_name = "x"  # type: ignore[misc]


# --- tolerated variations -----------------------------------------------------


def test_bytes_bom_and_whitespace():
    raw = b"\xef\xbb\xbf  " + PAYLOAD.encode() + b"\r\n"
    assert vssid_id.parse(raw, today=TODAY).full_name == NAME


def test_nfd_input_becomes_nfc():
    record = vssid_id.parse(unicodedata.normalize("NFD", PAYLOAD), today=TODAY)
    assert record.full_name == NAME
    assert unicodedata.is_normalized("NFC", record.address)


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_mojibake_from_a_latin1_reader_is_repaired(encoding):
    # cp1252 leaves five bytes undefined; this address's UTF-8 avoids them.
    payload = fields(address="Số 12, Phố Huế, Hà Nội")
    garbled = payload.encode("utf-8").decode(encoding)
    assert garbled != payload
    record = vssid_id.parse(garbled, today=TODAY)
    assert (record.full_name, record.address) == (NAME, "Số 12, Phố Huế, Hà Nội")


def test_mojibake_from_a_shift_jis_reader_is_repaired():
    # Build a payload whose UTF-8 bytes happen to be valid Shift-JIS.
    name = None
    for candidate in ("Lê An", "Hà Vy", "Lê Vũ", "Tô Lê", "Hà My"):
        try:
            (candidate).encode("utf-8").decode("shift_jis")
            name = candidate
            break
        except UnicodeDecodeError:
            continue
    assert name is not None
    payload = fields(full_name=name, address="So 1, Ha Noi")
    garbled = payload.encode("utf-8").decode("shift_jis")
    assert garbled != payload
    assert vssid_id.parse(garbled, today=TODAY).full_name == name


def test_trailing_extra_fields_are_kept_verbatim_and_mark_the_2024_card():
    # A payload has 7 or 11 fields (issue 10, item 11): the extra fields come four at a time.
    record = vssid_id.parse(PAYLOAD + "|extra|||", today=TODAY)
    assert record.variant is CccdVariant.CAN_CUOC_2024
    assert record.extra_fields == ("extra", "", "", "")
    assert record.to_payload() == PAYLOAD + "|extra|||"
    assert vssid_id.parse(record.to_payload(), today=TODAY) == record


def test_can_cuoc_eleven_field_layout():
    """The 2024 card: the seven CCCD fields, then four empty ones."""
    payload = fields(issue_date="02092024") + "||||"
    record = vssid_id.parse(payload, today=TODAY)
    assert record.variant is CccdVariant.CAN_CUOC_2024
    assert (record.full_name, record.issue_date, record.address) == (NAME, date(2024, 9, 2), ADDRESS)
    assert record.extra_fields == ("", "", "", "")
    assert record.to_payload() == payload


@pytest.mark.parametrize(
    "issue_date, expected",
    [("30062024", CccdVariant.CCCD_2021), ("01072024", CccdVariant.CAN_CUOC_2024), ("", CccdVariant.CCCD_2021)],
)
def test_a_card_issued_from_1_july_2024_is_a_can_cuoc_card(issue_date, expected):
    assert vssid_id.parse(fields(issue_date=issue_date), today=TODAY).variant is expected


def test_childs_can_cuoc_card():
    """A child under 14 (cards for children exist since 1 July 2024): no old ID number."""
    payload = "001320001234||Trần Ngọc Hà|14022020|Nữ|Thôn Đông, Xã Tân Phú, Hà Nội|10082024||||"
    record = vssid_id.parse(payload, today=TODAY)
    assert record.variant is CccdVariant.CAN_CUOC_2024
    assert (record.old_id_number, record.gender, record.date_of_birth) == (None, Gender.FEMALE, date(2020, 2, 14))
    assert record.id_number_parts.birth_year == 2020
    assert record.to_form()["số CCCD"] == "001320001234"
    assert record.to_payload() == payload


def test_cancelled_twelve_digit_id_number_in_the_old_id_field():
    """Nghị định 70/2024, Điều 12: the QR carries a cancelled ID number where there is one."""
    record = vssid_id.parse(fields(old_id_number="001090999999"), today=TODAY)
    assert record.old_id_number == "001090999999"


# --- errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload, error, field",
    [
        ("|".join(PAYLOAD.split("|")[:6]), errors.MalformedPayload, "payload"),
        (fields(date_of_birth="31021990"), errors.MalformedPayload, "date_of_birth"),
        (fields(date_of_birth="5031990"), errors.MalformedPayload, "date_of_birth"),
        (fields(issue_date="15/08/2021"), errors.MalformedPayload, "issue_date"),
        (fields(gender="M"), errors.MalformedPayload, "gender"),
        (fields(full_name=""), errors.MalformedPayload, "full_name"),
        (fields(full_name="An\u202eX"), errors.MalformedPayload, "full_name"),
        (fields(address="Hà\x00Nội"), errors.MalformedPayload, "address"),
        (fields(old_id_number="12345"), errors.InvalidLength, "old_id_number"),
        (fields(id_number="003090123456"), errors.InvalidComponent, "id_number"),
        (fields(gender="Nữ"), errors.InconsistentRecord, "id_number"),
        (fields(date_of_birth="05031991"), errors.InconsistentRecord, "id_number"),
        (fields(date_of_birth="05032090"), errors.MalformedPayload, "date_of_birth"),
        (fields(issue_date="15081980"), errors.InconsistentRecord, "issue_date"),
    ],
)
def test_bad_payloads(payload, error, field):
    with pytest.raises(error) as info:
        vssid_id.parse(payload, today=TODAY)
    assert info.value.field == field


def test_error_never_contains_the_personal_data():
    with pytest.raises(errors.VssidError) as info:
        vssid_id.parse(fields(gender="Nữ"), today=TODAY)
    message = str(info.value)
    assert NAME not in message and "001090123456" not in message and "Phố Huế" not in message


def test_parse_bhyt_refuses_a_cccd_payload():
    with pytest.raises(errors.UnknownPayloadKind):
        vssid_id.parse_bhyt(PAYLOAD, today=TODAY)


# --- round trip -----------------------------------------------------------------

# Card text is of the Latin script (vssid_id.cards.text.is_card_text): letters up to
# Latin Extended-B and the Vietnamese letters; an address has two letters at least.
_vietnamese_letters = st.characters(
    codec="utf-8",
    categories=("Lu", "Ll"),
    max_codepoint=0x24F,
    include_characters="ăâđêôơưĂÂĐÊÔƠƯàáạảãầấậẩẫằắặẳẵèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ",
).filter(lambda c: c.isascii() or c >= "\u00c0")  # µ ª º are no Latin letters
_word = st.text(_vietnamese_letters, min_size=1, max_size=8)
_name = st.lists(_word, min_size=2, max_size=5).map(" ".join)
_address = st.lists(st.lists(_word, min_size=2, max_size=4).map(" ".join), min_size=1, max_size=5).map(", ".join)


@settings(max_examples=300)
@given(name=_name, address=_address, seed=st.integers(0, 2**32))
def test_round_trip_with_generated_vietnamese_text(name, address, seed):
    from vssid_id.cards.synthetic import synthetic_cccd_record

    base = synthetic_cccd_record(random.Random(seed))
    record = base.model_copy(update={"full_name": unicodedata.normalize("NFC", name),
                                     "address": unicodedata.normalize("NFC", address)})
    assert vssid_id.parse(record.to_payload(), today=TODAY) == record
