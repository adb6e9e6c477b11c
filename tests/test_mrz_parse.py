"""MRZ text → MrzRecord: ICAO 9303 check digits, the Vietnamese card layout, dates, errors."""

import random
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import vssid_id
from vssid_id.cards.formats.mrz import MrzRecord, check_digit, latin_name, mrz_lines
from vssid_id.cards.synthetic import synthetic_card_mrz, synthetic_cccd_record, synthetic_passport_mrz
from vssid_id.errors import ChecksumMismatch, InconsistentRecord, MalformedPayload, UnknownPayloadKind, VssidError

TODAY = date(2026, 12, 1)

# ICAO Doc 9303 specimens (part 4: TD3 "Utopia" passport; part 5: TD1 card;
# part 11 appendix D.2: a TD1 document number longer than nine characters).
TD3_SPECIMEN = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD1_SPECIMEN = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
TD1_LONG_NUMBER = "I<UTOD23145890<7349<<<<<<<<<<<\n3407127M9507122UTO<<<<<<<<<<<2\nSTEVENSON<<PETER<JOHN<<<<<<<<<"
# A made-up Vietnamese card (number 001090012345: Hà Nội, male, born 1990);
# the check digits were computed by hand (docs/formats.md shows the sums).
VN_CARD = "IDVNM0900123450001090012345<<1\n9002155M3002153VNM<<<<<<<<<<<0\nNGUYEN<<VAN<AN<<<<<<<<<<<<<<<<"
VN_CARD_NO_EXPIRY = VN_CARD.replace("M3002153VNM<<<<<<<<<<<0", "M9912315VNM<<<<<<<<<<<6")


@pytest.mark.parametrize(
    ("text", "digit"),
    [
        ("520727", "3"),  # part 3, appendix A, example 1 (a date)
        ("AB2134<<<", "5"),  # part 3, appendix A, example 2 (a document number)
        ("HA672242<6YTO5802254M9601086<<<<<<<<<<<<<<", "8"),  # example 3, the composite's input, whole line …
        ("D23145890", "7"),  # part 5 specimen
        ("L898902C3", "6"),  # part 4 specimen
        ("ZE184226B<<<<<", "1"),
        ("D23145890734", "9"),  # part 11, D.2
    ],
)
def test_check_digit_icao_examples(text, digit):
    if text.startswith("HA6"):  # the composite of example 3 covers positions 1-10, 14-20, 22-43
        text = text[0:10] + text[13:20] + text[21:43]
    assert check_digit(text) == digit


def test_icao_td3_specimen():
    record = vssid_id.parse(TD3_SPECIMEN, today=TODAY)
    assert isinstance(record, MrzRecord)
    assert (record.document_format, record.document_code, record.issuing_state) == ("td3", "P<", "UTO")
    assert (record.document_number, record.optional_data, record.nationality) == ("L898902C3", "ZE184226B", "UTO")
    assert (record.surname, record.given_names, record.gender) == ("ERIKSSON", "ANNA MARIA", vssid_id.Gender.FEMALE)
    assert record.date_of_birth == date(1974, 8, 12)
    assert record.valid_until == date(2012, 4, 15)  # expired: the century nearest today after the birth
    assert record.id_number is None and not record.no_expiry


def test_icao_td1_specimens():
    record = vssid_id.parse(TD1_SPECIMEN, today=TODAY)
    assert (record.document_format, record.document_number, record.date_of_birth) == (
        "td1", "D23145890", date(1974, 8, 12))
    long = vssid_id.parse(TD1_LONG_NUMBER, today=TODAY)
    assert long.document_number == "D23145890734"
    assert (long.date_of_birth, long.valid_until) == (date(1934, 7, 12), date(1995, 7, 12))
    assert long.gender is vssid_id.Gender.MALE
    assert long.to_payload() == TD1_LONG_NUMBER


def test_vietnamese_card():
    record = vssid_id.parse(VN_CARD, today=TODAY)
    assert record.model_dump() == {
        "warnings": (), "kind": "mrz", "document_format": "td1", "document_code": "ID", "issuing_state": "VNM",
        "document_number": "090012345", "id_number": "001090012345", "optional_data": "001090012345<<1",
        "optional_data_2": "", "date_of_birth": date(1990, 2, 15), "gender": vssid_id.Gender.MALE,
        "valid_until": date(2030, 2, 15), "no_expiry": False, "nationality": "VNM", "surname": "NGUYEN",
        "given_names": "VAN AN", "sex_code": "M",
    }
    assert record.full_name == "NGUYEN VAN AN" and not record.name_truncated
    assert record.to_form() == {"họ tên": "NGUYEN VAN AN", "số CCCD": "001090012345", "ngày sinh": "15/02/1990",
                                "giới tính": "Nam"}


def test_no_expiry_is_none_with_a_flag():
    record = vssid_id.parse(VN_CARD_NO_EXPIRY, today=TODAY)
    assert record.valid_until is None and record.no_expiry
    assert record.to_payload() == VN_CARD_NO_EXPIRY


def vn_card(number, birth, sex="M", expiry="991231", name="NGUYEN<<VAN<AN"):
    """A Vietnamese card's zone from its parts, check digits computed."""
    line1 = f"IDVNM{number[3:]}{check_digit(number[3:])}{number}<<{check_digit(number)}"
    line2 = f"{birth}{check_digit(birth)}{sex}{expiry}{check_digit(expiry)}VNM<<<<<<<<<<<"
    line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return f"{line1}\n{line2}\n{name:<<30}"


def test_vn_card_helper_matches_the_worked_example():
    assert vn_card("001090012345", "900215", expiry="300215") == VN_CARD


def test_birth_century_from_the_id_number():
    # A holder born 1925 (digit 4 = 0, year 25) must not become 2025, nor one born 2024 become 1924.
    assert vssid_id.parse(vn_card("001025123456", "250601"), today=TODAY).date_of_birth == date(1925, 6, 1)
    assert vssid_id.parse(vn_card("001224123456", "240601", expiry="380601"), today=TODAY).date_of_birth == date(
        2024, 6, 1)
    with pytest.raises(InconsistentRecord) as raised:  # year digits 5-6 of the number against the birth
        vssid_id.parse(vn_card("001091012345", "900215"), today=TODAY)
    assert raised.value.field == "id_number"


def test_birth_without_a_number_is_the_latest_past_date():
    # TD3 specimen: 740812 is 1974; a passport born "250101" read in 2026 is 2025, "270101" is 1927.
    for yy, year in (("25", 2025), ("27", 1927)):
        text = _td3_with_birth(f"{yy}0101")
        assert vssid_id.parse(text, today=TODAY).date_of_birth.year == year


def _td3_with_birth(birth):
    line2 = f"L898902C36UTO{birth}{check_digit(birth)}F350415{check_digit('350415')}ZE184226B<<<<<1"
    line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    return f"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n{line2}"


@pytest.mark.parametrize(
    "text",
    [
        VN_CARD.replace("\n", ""),  # run together
        VN_CARD.replace("\n", "\r\n"),
        "  " + VN_CARD.lower().replace("\n", "  \n  ") + "\n",
        VN_CARD.encode(),
    ],
)
def test_reader_forms(text):
    assert vssid_id.parse(text, today=TODAY) == vssid_id.parse(VN_CARD, today=TODAY)
    assert vssid_id.payload_kind(text) == "mrz"


@pytest.mark.parametrize(
    ("text", "error", "field"),
    [
        (VN_CARD.replace("0900123450", "0900123451"), ChecksumMismatch, "document_number"),
        (VN_CARD.replace("<<1\n", "<<2\n"), ChecksumMismatch, "id_number"),
        (VN_CARD.replace("9002155", "9002156"), ChecksumMismatch, "date_of_birth"),
        (VN_CARD.replace("3002153", "3002154"), ChecksumMismatch, "valid_until"),
        (VN_CARD.replace("<<<0\n", "<<<1\n"), ChecksumMismatch, "mrz_composite"),
        (TD3_SPECIMEN.replace("<<<<<10", "<<<<<20"), ChecksumMismatch, "optional_data"),
        (VN_CARD.replace("M30", "F30"), InconsistentRecord, "id_number"),  # sex against the number's digit 4
        (VN_CARD.replace("VNM<<<<<<<<<<<0", "VNA<<<<<<<<<<<0"), MalformedPayload, "document_code"),
        (VN_CARD.replace("IDVNM", "IDVNA"), MalformedPayload, "document_code"),
        (VN_CARD.replace("IDVNM", "I<VNM"), MalformedPayload, "document_code"),
        (VN_CARD.replace("NGUYEN<<", "NGUY3N<<"), MalformedPayload, "surname"),
        (VN_CARD[:-1], MalformedPayload, "mrz"),
        (VN_CARD.replace("\n", "\n<", 1)[:-1], MalformedPayload, "mrz"),  # 90 characters, wrong line lengths
        (VN_CARD.replace("A", "Ä"), UnknownPayloadKind, "payload"),  # not ASCII: not taken for an MRZ
        (VN_CARD.replace("M3002153", "X3002153"), MalformedPayload, "gender"),
    ],
)
def test_errors_name_the_field(text, error, field):
    with pytest.raises(error) as raised:
        vssid_id.parse(text, today=TODAY)
    assert raised.value.field == field
    assert "0900" not in str(raised.value) and "NGUYEN" not in str(raised.value)


def test_vietnamese_layout_checks_the_short_number():
    # A valid check digit on a short number that is not the last nine digits of the ID number.
    line1 = f"IDVNM090012346{check_digit('090012346')}001090012345<<1"
    lines = VN_CARD.split("\n")
    line2 = lines[1][:29] + check_digit(line1[5:30] + lines[1][0:7] + lines[1][8:15] + lines[1][18:29])
    with pytest.raises(InconsistentRecord) as raised:
        vssid_id.parse("\n".join((line1, line2, lines[2])), today=TODAY)
    assert raised.value.field == "document_number"


def test_parse_cccd_refuses_an_mrz():
    with pytest.raises(UnknownPayloadKind):
        vssid_id.parse_cccd(VN_CARD)


def test_latin_name():
    assert latin_name("Đặng Thị Ngọc Ánh") == "DANG THI NGOC ANH"
    assert latin_name("  Ứng  Hoàng Hiệp ") == "UNG HOANG HIEP"


def test_mrz_lines_refuses_td2():
    with pytest.raises(MalformedPayload):
        mrz_lines("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6")


def test_record_validates_as_parse_would():
    record = vssid_id.parse(VN_CARD, today=TODAY)
    assert MrzRecord.model_validate_json(record.model_dump_json(), context={"today": TODAY}) == record
    with pytest.raises(ValidationError):
        MrzRecord.model_validate(record.model_dump() | {"date_of_birth": date(1991, 2, 15)}, context={"today": TODAY})
    adapter = __import__("pydantic").TypeAdapter(vssid_id.AnyRecord)
    assert adapter.validate_python(record.model_dump(), context={"today": TODAY}) == record


def test_synthetic_round_trip():
    rng = random.Random(5)
    for _ in range(200):
        card = synthetic_cccd_record(rng)
        if card.date_of_birth is None:
            continue
        back = synthetic_card_mrz(card)
        assert vssid_id.parse(back.to_payload(), today=date(2026, 1, 1)) == back
        assert (back.id_number, back.date_of_birth, back.gender) == (card.id_number, card.date_of_birth, card.gender)
        assert back.valid_until == card.valid_until
        assert back.no_expiry == (card.valid_until is None)
        passport = synthetic_passport_mrz(rng)
        assert vssid_id.parse(passport.to_payload(), today=date(2026, 1, 1)) == passport


# --- every single-character change --------------------------------------------------------

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
_VALUE = {char: index if index < 36 else 0 for index, char in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<")}


def _unprotected_fields(record, changed):
    """Fields ICAO 9303 gives no check digit: the names, the sex and the
    nationality (the composites skip them), the document code and issuing state."""
    differ = {name for name in MrzRecord.model_fields if getattr(record, name) != getattr(changed, name)}
    if "issuing_state" in differ:  # the 12-digit number is read on Vietnamese passports only
        differ.discard("id_number")
    return differ <= {"surname", "given_names", "gender", "sex_code", "nationality", "document_code", "issuing_state"}


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), position=st.integers(0, 89), char=st.sampled_from(_ALPHABET))
def test_single_change_of_a_vietnamese_card(seed, position, char):
    """On a Vietnamese card every field but the name is digits or fixed text,
    so any single change outside the name line is refused or changes nothing."""
    card = synthetic_cccd_record(random.Random(seed))
    if card.date_of_birth is None:
        return
    text = synthetic_card_mrz(card).to_payload().replace("\n", "")
    changed = text[:position] + char + text[position + 1:]
    original = vssid_id.parse(text, today=date(2026, 1, 1))
    try:
        record = vssid_id.parse(changed, today=date(2026, 1, 1))
    except VssidError:
        return
    if position < 60:
        assert record == original
    else:  # the name line: no check digit covers it (Doc 9303 part 5)
        assert {n for n in MrzRecord.model_fields if getattr(record, n) != getattr(original, n)} <= {
            "surname", "given_names"}


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), position=st.integers(0, 87), char=st.sampled_from(_ALPHABET))
def test_single_change_of_a_passport(seed, position, char):
    """A passport's single change is refused or yields the same record, except
    where ICAO's code cannot see it: the unprotected fields, and a change by a
    multiple of ten in character value (A ↔ K ↔ U, 0 ↔ A, < ↔ A …), which leaves
    the 7-3-1 sum unchanged modulo 10."""
    text = synthetic_passport_mrz(random.Random(seed)).to_payload().replace("\n", "")
    changed = text[:position] + char + text[position + 1:]
    original = vssid_id.parse(text, today=date(2026, 1, 1))
    try:
        record = vssid_id.parse(changed, today=date(2026, 1, 1))
    except VssidError:
        return
    if record == original:
        return
    blind = (_VALUE[char] - _VALUE[text[position]]) % 10 == 0
    assert blind or _unprotected_fields(original, record)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET + "\n\r abcxyz|é", max_size=100))
def test_fuzz_parse_raises_only_our_errors(text):
    try:
        record = vssid_id.parse(text, today=TODAY)
    except VssidError:
        return
    assert record.kind in ("mrz", "cccd", "bhyt")
