"""Records, masking and the merge under the adversarial run (issue 18 items 5 and 6, issue 23 items 3, 5, 6)."""

from __future__ import annotations

import json
import random
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import vssid_id
from vssid_id import errors
from vssid_id.cards.masking import mask_record
from vssid_id.cards.synthetic import synthetic_bhyt_record, synthetic_cccd_record
from vssid_id.records import BhytRecord, CccdRecord
from vssid_id.registration import Registration, prefill
from vssid_id.registration.masking import mask_registration

TODAY = date(2026, 11, 25)


def bhyt(seed: int = 1) -> BhytRecord:
    return vssid_id.parse(synthetic_bhyt_record(random.Random(seed)).to_payload(), today=TODAY)


def cccd(seed: int = 1) -> CccdRecord:
    return vssid_id.parse(synthetic_cccd_record(random.Random(seed)).to_payload(), today=TODAY)


# --- issue 18 item 5: masking whatever the parser put where ----------------------------------


def secrets(record) -> set[str]:
    """What a masked output must never show: each masked number, its 6-digit prefix, province + serial.

    A record's numbers; a registration's (which holds no management code)."""
    if isinstance(record, BhytRecord):
        numbers = [record.bhxh_code, record.management_code]
    elif isinstance(record, CccdRecord):
        numbers = [record.id_number, record.old_id_number]
    else:
        numbers = [record.bhxh_code, record.id_number, record.old_id_number]
    found = set()
    for number in filter(None, numbers):
        digits = "".join(filter(str.isdigit, number))
        if len(digits) >= 6:
            found |= {digits, digits[:6]}
        if len(digits) == 12:
            found.add(digits[:3] + digits[6:])
    return found


def assert_masked(masked: dict, record) -> None:
    text = json.dumps(masked, ensure_ascii=False)
    runs = re.findall(r"[0-9]+", text)
    for secret in secrets(record):
        assert not any(secret in run for run in runs), (secret, text)
    assert len(secrets(record)) >= 2


def shifted_bhyt_payload(record: BhytRecord) -> str:
    """The adversarial run's layout: the management-code slot left empty, the code itself in the check slot."""
    fields = record.to_payload().split("|")[:-1]
    data, check, extra = fields[:13], fields[13] if len(fields) > 13 else "0", fields[14:]
    management, data[9] = data[9], "-"
    return "|".join([*data, management, check, *extra, "", "", "", "$"])


def test_issue_example_a_shifted_bhyt_payload_is_refused_not_half_masked():
    record = bhyt(3)
    assert record.management_code and len(record.management_code) == 14
    payload = shifted_bhyt_payload(record)
    with pytest.raises(errors.MalformedPayload) as info:
        vssid_id.parse(payload, today=TODAY)
    assert info.value.field == "checksum"
    assert record.bhxh_code not in str(info.value)


def test_a_number_in_a_field_masking_keeps_is_masked_anyway():
    record = cccd(4)
    data = record.model_dump()
    data["address"] = f"Số 1, Phố Huế, {record.id_number}"  # the kept part of an address holds the number
    loaded = CccdRecord.model_validate(data, context={"today": TODAY})
    assert_masked(mask_record(loaded), loaded)
    merged = prefill(loaded, convert_addresses=False, today=TODAY)
    assert_masked(mask_registration(merged), merged)


def _mutated_payload(rng: random.Random, record) -> str:
    """A payload of ``record`` with a number of the card copied, moved or split into other fields."""
    fields = record.to_payload().split("|")
    end = fields[-1] == "$"
    if end:
        fields = fields[:-1]
    numbers = [*sorted(secrets(record)), f"{rng.randrange(10 ** 4):04d}" + sorted(secrets(record))[0]]
    for _ in range(rng.randint(1, 4)):
        action = rng.randrange(5)
        where = rng.randrange(len(fields) + 1)
        if action == 0:
            fields.insert(where, rng.choice(numbers))
        elif action == 1:
            fields.insert(where, rng.choice(["", "-", "0"]))
        elif action == 2 and fields:
            fields[min(where, len(fields) - 1)] = rng.choice(numbers)
        elif action == 3 and fields:
            del fields[min(where, len(fields) - 1)]
        else:
            index = min(where, len(fields) - 1)
            fields[index] = fields[index] + rng.choice(["", " ", ", "]) + rng.choice(numbers)
    return "|".join(fields + (["$"] if end else []))


def test_property_no_masked_output_of_an_accepted_fuzzed_payload_shows_a_masked_number():
    """Over fuzzed payloads of both cards (numbers copied, moved, fields inserted and dropped): every one
    that parses masks to output holding no masked number, no 6-digit prefix of one, and not the CCCD's
    province + serial."""
    rng = random.Random(1805)
    accepted = tried = 0
    for seed in range(400):
        record = bhyt(seed) if seed % 2 else cccd(seed)
        for _ in range(10):
            payload = _mutated_payload(rng, record)
            tried += 1
            try:
                parsed = vssid_id.parse(payload, today=TODAY)
            except errors.VssidError:
                continue
            accepted += 1
            assert_masked(mask_record(parsed), parsed)
            merged = prefill(parsed, convert_addresses=False, today=TODAY)
            assert_masked(mask_registration(merged), merged)
    assert tried == 4000 and accepted >= 150, accepted  # 202 of 4,000 parse


# --- issue 18 item 6: every construction path equals the parse of its own payload ---------------


def test_issue_example_valid_from_0_is_refused():
    data = bhyt().model_dump(mode="json")
    for value in ("0", 0, 0.0, "20260101", "2026-1-1", "2026-01-01T00:00:00"):
        data["valid_from"] = value
        with pytest.raises(ValidationError) as info:
            BhytRecord.model_validate(data, context={"today": TODAY})
        assert info.value.errors()[0]["loc"] == ("valid_from",)


def test_issue_example_bom_and_decomposed_extra_field_round_trip():
    payload = "\ufeff" + bhyt().to_payload()[:-1] + "x|O\u0308$"
    record = vssid_id.parse(payload, today=TODAY)
    assert record.extra_fields == ("x", "Ö$")  # NFC, as every other text of a record
    assert BhytRecord.model_validate_json(record.model_dump_json(), context={"today": TODAY}) == record
    assert vssid_id.parse(record.to_payload(), today=TODAY) == record


def test_given_warnings_must_be_the_ones_the_fields_give():
    record = bhyt()
    data = record.model_dump(mode="json")
    data["warnings"] = ["valid_from: the card is valid from before the date of birth"]
    with pytest.raises(ValidationError) as info:
        BhytRecord.model_validate(data, context={"today": TODAY})
    assert info.value.errors()[0]["loc"] == ("warnings",)


FIELD_VALUES = st.one_of(
    st.sampled_from(["0", 0, "", "-", None, "2026-01-01", "1970-01-01", "01/01/2026", True, 1.5, [], {},
                     "\ufeffA", "O\u0308", "Ö$", "$", " x ", "0120878811", "HS4010120878811", "01001", "K1", "4",
                     "male", "female", 1990, "1990", 12, "12", "cccd_2021", "can_cuoc_2024", "bhyt", "cccd"]),
    st.text(max_size=8),
    st.integers(-2, 3000),
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 60), changes=st.dictionaries(st.integers(0, 40), FIELD_VALUES, max_size=3),
       keep_warnings=st.booleans())
def test_property_every_loaded_record_is_the_parse_of_its_own_payload(seed, changes, keep_warnings):
    record = bhyt(seed) if seed % 2 else cccd(seed)
    data = record.model_dump(mode="json")
    names = sorted(data)
    for index, value in changes.items():
        data[names[index % len(names)]] = value
    if not keep_warnings:
        data.pop("warnings", None)
    try:
        loaded = type(record).model_validate(data, context={"today": TODAY})
    except ValidationError as error:
        for detail in error.errors():
            assert detail["input"] is None
        return
    parsed = vssid_id.parse(loaded.to_payload(), today=TODAY)
    for name in type(loaded).model_fields:
        assert getattr(parsed, name) == getattr(loaded, name), name
    assert parsed == loaded
    again = type(loaded).model_validate_json(loaded.model_dump_json(), context={"today": TODAY})
    assert again == loaded and again.model_dump_json() == loaded.model_dump_json()


# --- issue 23 item 3: personal data in masked output and in errors ---------------------------


def test_child_card_valid_from_the_date_of_birth_is_masked_like_it():
    record = bhyt(5)
    child = record.model_copy(update={"valid_from": record.date_of_birth}).to_payload()
    child_record = vssid_id.parse(child, today=TODAY)
    assert child_record.valid_from == child_record.date_of_birth
    birth = child_record.date_of_birth.isoformat()
    masked = mask_record(child_record)
    assert birth not in json.dumps(masked)
    assert masked["valid_from"] == masked["date_of_birth"]
    registration = prefill(child_record, convert_addresses=False, today=TODAY)
    assert birth not in json.dumps(mask_registration(registration))


@pytest.mark.parametrize("model, good", [(CccdRecord, cccd), (BhytRecord, bhyt)])
def test_record_validation_errors_never_carry_the_input(model, good):
    data = good().model_dump(mode="json")
    secret = "SECRET-0123456789"
    for field in ("full_name", "address", "date_of_birth", "extra_fields", "bhxh_code", "id_number"):
        if field in data:
            data[field] = [secret]
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    assert all(detail["input"] is None for detail in info.value.errors())
    assert secret not in str(info.value) and "input_value" not in str(info.value)
    with pytest.raises(ValidationError) as info:
        model.model_validate_json(json.dumps(data))
    assert all(detail["input"] is None for detail in info.value.errors())
    assert secret not in str(info.value)


def test_registration_validation_errors_never_carry_the_input():
    data = prefill(cccd(), convert_addresses=False, today=TODAY).model_dump(mode="json")
    data["full_name"] = ["Nguyễn Văn An 001090123456"]
    data["bhxh_code"] = 1234567890
    for load in (lambda: Registration.model_validate(data), lambda: Registration.model_validate_json(json.dumps(data)),
                 lambda: Registration(**data)):
        with pytest.raises(ValidationError) as info:
            load()
        assert [detail["input"] for detail in info.value.errors()] == [None, None]
        assert "Nguyễn" not in str(info.value) and "1234567890" not in str(info.value)
        assert "input_value" not in str(info.value)


# --- issue 23 item 5: the same card twice is one card ------------------------------------------


def test_one_bhyt_card_twice_without_its_check_field_is_one_card():
    record = bhyt(7)
    fields = record.to_payload().split("|")
    without_check = vssid_id.parse("|".join([*fields[:13], "$"]), today=TODAY)
    assert without_check != record
    merged = prefill(record, without_check, convert_addresses=False, today=TODAY)
    assert merged.bhxh_code == record.bhxh_code and merged.cards == ("bhyt",)


def test_old_and_new_bhyt_templates_of_one_number_are_one_card():
    record = next(card for card in map(bhyt, range(8, 100)) if card.card_code_parts is not None)
    new_template = vssid_id.parse(record.to_payload().replace(record.card_code, record.bhxh_code, 1), today=TODAY)
    assert new_template.card_code == record.bhxh_code
    merged = prefill(record, new_template, convert_addresses=False, today=TODAY)
    assert merged.bhxh_code == record.bhxh_code


def test_a_card_and_its_json_round_trip_are_one_card():
    payload = bhyt(9).to_payload()[:-1] + "x|O\u0308$"
    record = vssid_id.parse(payload, today=TODAY)
    loaded = BhytRecord.model_validate_json(record.model_dump_json(), context={"today": TODAY})
    assert prefill(record, loaded, convert_addresses=False, today=TODAY).cards == ("bhyt",)


def test_two_people_with_one_bhxh_number_are_still_two_cards():
    record = bhyt(10)
    other = record.model_copy(update={"full_name": "Trần Thị Bình"}).to_payload()
    with pytest.raises(errors.TooManyCards):
        prefill(record, vssid_id.parse(other, today=TODAY), convert_addresses=False, today=TODAY)


def test_one_identity_card_twice_is_one_card():
    record = cccd(11)
    loaded = CccdRecord.model_validate_json(record.model_dump_json(), context={"today": TODAY})
    assert prefill(record, loaded, convert_addresses=False, today=TODAY).cards == ("cccd",)


# --- issue 23 item 6: names compared as codes are -------------------------------------------


@pytest.mark.parametrize("first, second", [("Nguyễn Văn ſơn", "Nguyễn Văn Sơn"),
                                           ("Nguyễn Văn Straß", "Nguyễn Văn Strass")])
def test_names_are_not_made_equal_by_case_folding(first, second):
    identity = cccd(12)
    card = bhyt(12)
    identity = identity.model_copy(update={"full_name": first})
    card = card.model_copy(update={"full_name": second, "date_of_birth": identity.date_of_birth,
                                   "year_of_birth": identity.year_of_birth, "month_of_birth": identity.month_of_birth,
                                   "gender": identity.gender})
    merged = prefill(identity, card, convert_addresses=False, today=TODAY)
    assert [c.kind for c in merged.conflicts if c.field == "full_name"] != [], (first, second)


def test_names_in_capitals_are_still_the_same_name():
    identity = cccd(13)
    card = bhyt(13).model_copy(update={"full_name": identity.full_name.upper(), "date_of_birth": identity.date_of_birth,
                                       "year_of_birth": identity.year_of_birth,
                                       "month_of_birth": identity.month_of_birth, "gender": identity.gender})
    merged = prefill(identity, card, convert_addresses=False, today=TODAY)
    assert not [c for c in merged.conflicts if c.field == "full_name"]
