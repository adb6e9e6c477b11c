"""Parser edges an adversarial run found (issue 10): field counts, facility codes,
round trips of every accepted record, no payload copy hidden in an error."""

import random
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vssid_id
from vssid_id import errors
from vssid_id.cards.synthetic import synthetic_bhyt_record, synthetic_cccd_record

TODAY = date(2026, 11, 25)
RNG = random.Random(1010)
CCCD = [synthetic_cccd_record(RNG).to_payload() for _ in range(30)]
BHYT = [synthetic_bhyt_record(RNG).to_payload() for _ in range(30)]


# --- field counts (item 11) ---------------------------------------------------------


@pytest.mark.parametrize("count", [6, 8, 9, 10, 12, 13, 50, 4000])
def test_a_cccd_payload_has_seven_or_eleven_fields(count):
    fields = CCCD[0].split("|")[:7]
    payload = "|".join((fields + [""] * count)[:count])
    with pytest.raises(errors.PayloadError) as info:
        vssid_id.parse(payload, today=TODAY)
    assert info.value.field == "payload"


@pytest.mark.parametrize("count", [7, 11])
def test_seven_and_eleven_cccd_fields_are_read(count):
    fields = CCCD[0].split("|")[:7]
    assert vssid_id.parse("|".join(fields + [""] * (count - 7)), today=TODAY).kind == "cccd"


def test_an_end_marker_inside_a_bhyt_payload_is_refused():
    payload = next(p for p in BHYT if p.count("|") >= 14)
    fields = payload.split("|")
    fields.insert(len(fields) - 2, "$")
    with pytest.raises(errors.MalformedPayload) as info:
        vssid_id.parse("|".join(fields), today=TODAY)
    assert info.value.field == "payload"


def test_to_payload_stays_within_the_payload_limit():
    from vssid_id.cards.text import MAX_PAYLOAD_CHARS

    record = vssid_id.parse(BHYT[0], today=TODAY)
    long_name = "Nguyễn " * 42  # 294 characters, hex-encoded three bytes a letter
    payload = record.model_copy(update={"full_name": long_name.strip(), "address": "Ấp " * 99}).to_payload()
    assert len(payload) <= MAX_PAYLOAD_CHARS
    assert vssid_id.parse(payload, today=TODAY).full_name == long_name.strip()


@pytest.mark.parametrize("field", [1, 4, 10])  # name, address, guardian
def test_overlong_bhyt_text_fields_are_refused(field):
    fields = BHYT[0].split("|")
    fields[field] = ("Ấ" * 301).encode().hex()
    with pytest.raises(errors.MalformedPayload) as info:
        vssid_id.parse("|".join(fields), today=TODAY)
    assert info.value.field in ("full_name", "address", "guardian_name")


# --- facility codes with a letter (item 13) -------------------------------------------


@pytest.mark.parametrize("printed, code", [("01 - C54", "01C54"), ("79 - 0A1", "790A1"), ("01-001", "01001")])
def test_facility_codes_may_hold_letters(printed, code):
    fields = BHYT[0].split("|")
    fields[5] = printed
    fields[0] = "0120878811"  # the facility's province need not be the card's
    assert vssid_id.parse("|".join(fields), today=TODAY).facility_code == code


@pytest.mark.parametrize("printed", ["03 - C54", "0A - 001", "01 - c5", "01 - C5Ø", "01\u00a0-\u00a0001"])
def test_bad_facility_codes(printed):
    fields = BHYT[0].split("|")
    fields[5] = printed
    with pytest.raises(errors.VssidError) as info:
        vssid_id.parse("|".join(fields), today=TODAY)
    assert info.value.field == "facility_code"


# --- every accepted record round-trips (item 10) -----------------------------------------


def _mutate(payload: str, data: st.DataObject) -> str:
    fields = payload.split("|")
    for _ in range(data.draw(st.integers(1, 3))):
        index = data.draw(st.integers(0, len(fields) - 1))
        action = data.draw(st.sampled_from(["replace", "insert", "delete", "duplicate", "year"]))
        value = fields[index]
        if action == "replace":
            fields[index] = data.draw(st.text(st.characters(codec="utf-8"), max_size=12))
        elif action == "insert":
            at = data.draw(st.integers(0, len(value)))
            char = data.draw(st.sampled_from(["-", " ", "0", "9", "/", "a", "F", "$", "ſ", "\u00ad", "０", "K"]))
            fields[index] = value[:at] + char + value[at:]
        elif action == "delete" and len(fields) > 1:
            del fields[index]
        elif action == "duplicate":
            fields.insert(index, value)
        elif action == "year":  # an odd year in a date: 0001, 0999, 9999
            year = data.draw(st.sampled_from(["0001", "0999", "1000", "1799", "9999"]))
            fields[index] = value[:-4] + year if len(value) >= 4 else year
    return "|".join(fields)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_every_accepted_record_round_trips(data):
    payload = _mutate(data.draw(st.sampled_from(CCCD + BHYT)), data)
    try:
        record = vssid_id.parse(payload, today=TODAY)
    except errors.VssidError:
        return
    assert vssid_id.parse(record.to_payload(), today=TODAY) == record
    assert type(record).model_validate_json(record.model_dump_json(), context={"today": TODAY}) == record


# --- no copy of the payload travels with an error (item 14) -------------------------------


def _chain(error: BaseException):
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


BAD = [
    b"\xff" + CCCD[0].encode(),
    CCCD[0].encode()[:-1] + b"\xc3",
    BHYT[0].replace(BHYT[0].split("|")[1], "ff" + BHYT[0].split("|")[1][2:], 1),  # hex of bad UTF-8
    BHYT[0].replace(BHYT[0].split("|")[1], BHYT[0].split("|")[1] + "a", 1),  # odd hex
    CCCD[0].replace(CCCD[0].split("|")[3], "3102" + CCCD[0].split("|")[3][4:], 1),  # 31 February
    CCCD[0].replace(CCCD[0].split("|")[3], "x" + CCCD[0].split("|")[3][1:], 1),
]


@pytest.mark.parametrize("payload", BAD)
def test_errors_carry_no_hidden_copy_of_the_payload(payload):
    with pytest.raises(errors.VssidError) as info:
        vssid_id.parse(payload, today=TODAY)
    for link in _chain(info.value):
        assert link is info.value, f"{type(link).__name__} travels with the error"


def test_a_lost_end_marker_after_the_check_value_is_no_extra_field():
    # A public 2020 payload ends "…|<check>|" with no '$' (docs/formats.md).
    payload = next(p for p in BHYT if p.count("|") == 14)  # 13 data fields, check, '$'
    record = vssid_id.parse(payload, today=TODAY)
    assert record.checksum is not None
    lost = vssid_id.parse(payload[:-1], today=TODAY)  # '$' dropped, the '|' before it kept
    assert lost == record and lost.extra_fields == ()


# --- what a review found (second pass) --------------------------------------------------

BHYT_TEMPLATE = "HS4010120878811|{name}|05/03/1990|1|-|01 - 001|01/01/2025|31/12/2025|01/01/2025|-|-|4|-|$"


@pytest.mark.parametrize("name", [("c3â" * 400)[:1000], ("4cc3â2056" * 120)[:1000], "4c" * 1300, ("c3à" * 400)[:940]])
def test_long_typed_hex_is_refused_quickly_not_a_recursion_error(name):
    import time

    start = time.perf_counter()
    with pytest.raises(errors.MalformedPayload) as info:
        vssid_id.parse(BHYT_TEMPLATE.format(name=name), today=TODAY)
    assert info.value.field == "full_name"
    assert time.perf_counter() - start < 1.0  # generous: the point is no quadratic search of 1000 levels


@pytest.mark.parametrize("text", ["Lê|Văn An", "Lê Văn\u2502An"])
def test_a_separator_hidden_in_hex_text_is_no_card_text(text):
    with pytest.raises(errors.MalformedPayload) as info:
        vssid_id.parse(BHYT_TEMPLATE.format(name=text.encode().hex()), today=TODAY)
    assert info.value.field == "full_name"


@pytest.mark.parametrize("code", ["\u212aC4010120878811", "H\u0405" + "4010120878811"])
def test_look_alikes_in_a_code_are_refused_not_normalised(code):
    # NFC turns the Kelvin sign into K: codes are kept as written, and must be ASCII.
    with pytest.raises(errors.VssidError) as info:
        vssid_id.parse(BHYT_TEMPLATE.replace("HS4010120878811", code).format(name="4c6520416e"), today=TODAY)
    assert info.value.field == "card_code"


@pytest.mark.parametrize(
    "name",
    ["75", "-", "$", "!!!", "An", "\u0301\u0301\u0301", "Đứ\u0441 An", "\u0420hạm \u0422hanh", "𝐀n Bình",
     "Ａn Bình", "An 🙂", "Lê Văn 2"],
)
def test_names_that_are_no_card_text_are_refused_on_both_cards(name):
    cccd = CCCD[0].split("|")
    cccd[2] = name
    with pytest.raises(errors.MalformedPayload) as info:
        vssid_id.parse("|".join(cccd), today=TODAY)
    assert info.value.field == "full_name"
    with pytest.raises(errors.MalformedPayload) as info:
        vssid_id.parse(BHYT_TEMPLATE.format(name=name.encode().hex()), today=TODAY)
    assert info.value.field == "full_name"


@pytest.mark.parametrize("address", ["12/3", "Số ١٢, Hà Nội", "Ｈà Nội", "Hà\u00a0Nội"])
def test_addresses_that_are_no_card_text_are_refused(address):
    cccd = CCCD[0].split("|")
    cccd[5] = address
    with pytest.raises(errors.MalformedPayload) as info:
        vssid_id.parse("|".join(cccd), today=TODAY)
    assert info.value.field == "address"


def test_a_stored_record_still_loads_after_the_day_has_passed():
    record = vssid_id.parse(BHYT_TEMPLATE.replace("01/01/2025|-|-|4", "01/01/2027|-|-|4").format(
        name="4cc3aa2056c4836e20416e"), today=TODAY)
    assert "issue_date: is in the future" in record.warnings
    later = type(record).model_validate_json(record.model_dump_json(), context={"today": date(2027, 2, 1)})
    assert later == record


@pytest.mark.parametrize("today", ["2026-01-01", 5])
def test_the_today_of_a_validation_context_must_be_a_date(today):
    record = vssid_id.parse(CCCD[0], today=TODAY)
    with pytest.raises(TypeError, match="today must be"):
        type(record).model_validate(record.model_dump(), context={"today": today})


def test_validation_errors_hold_no_input():
    from pydantic import ValidationError

    record = vssid_id.parse(CCCD[0], today=TODAY)
    data = record.model_dump()
    data["gender"] = "female" if data["gender"] == "male" else "male"
    with pytest.raises(ValidationError) as info:
        type(record).model_validate(data, context={"today": TODAY})
    assert all(error.get("input") is None for error in info.value.errors())
