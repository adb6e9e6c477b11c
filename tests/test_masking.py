"""Masked output gives no card number away (issue 10, item 15), for records and registrations.

Two properties, over generated records:
* no string of a masked dump holds more than the last four digits of a number in one piece;
* two cards that differ only in the digits masking hides give the same masked dump, so the
  masked output cannot narrow those digits down at all.
"""

import random
import sys
import types
from datetime import date

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import vssid_id
from vssid_id.cards.expiry import identity_card_valid_until
from vssid_id.cards.masking import mask_address, mask_name, mask_number, mask_record
from vssid_id.cards.synthetic import synthetic_bhyt_record, synthetic_cccd_record
from vssid_id.cards.tables import CCCD_PROVINCES
from vssid_id.registration import prefill
from vssid_id.registration.masking import mask_registration

seeds = st.integers(0, 2**32)
TODAY = date(2026, 11, 25)  # after every date of the synthetic cards


def strings(value):
    """Every string in a JSON-ready structure, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)


def pieces(number, longer_than=4):
    """Every run of more than ``longer_than`` consecutive characters of ``number``."""
    return {number[start:start + longer_than + 1] for start in range(len(number) - longer_than)}


def leaks(dump, number):
    return [(piece, text) for text in strings(dump) for piece in pieces(number) if piece in text]


def parse(payload):
    return vssid_id.parse(payload, today=TODAY)


def cccd_record(seed):
    return parse(synthetic_cccd_record(random.Random(seed)).to_payload())


def bhyt_record(seed):
    return parse(synthetic_bhyt_record(random.Random(seed)).to_payload())


# --- identity cards -------------------------------------------------------------------------------

def test_issue_10_item_15_the_parts_no_longer_give_the_number_away():
    record = parse("001090123456||Nguyễn Văn An|05031990|Nam|Số 1 Phố Huế, Hà Nội|15082021")
    masked = mask_record(record)
    assert masked["id_number"] == "********3456"
    parts = masked["id_number_parts"]
    assert (parts["province_code"], parts["province_name"], parts["serial"]) == ("***", "***", "**3456")
    # what stays is what the masked record shows anyway: year of birth and gender
    assert (parts["birth_year"], parts["gender"]) == (masked["year_of_birth"], masked["gender"]) == (1990, "male")
    assert leaks(masked, "001090123456") == []


@settings(max_examples=150, deadline=None)
@given(seeds)
def test_masked_identity_card_holds_no_more_than_four_digits_of_a_number(seed):
    record = cccd_record(seed)
    masked = mask_record(record)
    assert leaks(masked, record.id_number) == []
    if record.old_id_number:
        assert leaks(masked, record.old_id_number) == []
    # the card's expiry is a birthday: it must never appear whole (it would give the day of birth)
    until = identity_card_valid_until(record.date_of_birth, record.issue_date)
    if until is not None:
        assert until.isoformat() not in set(strings(masked))


@settings(max_examples=150, deadline=None)
@given(seeds, seeds, st.sampled_from(sorted(CCCD_PROVINCES)))
def test_hidden_digits_of_the_id_number_change_nothing(seed, other, province):
    record = cccd_record(seed)
    rng = random.Random(other)
    # digits 1–3 (province of birth registration) and 7–8 (random) are the ones no masked field shows
    twin_number = province + record.id_number[3:6] + f"{rng.randrange(100):02d}" + record.id_number[8:]
    twin_old = None if record.old_id_number is None else f"{rng.randrange(10**5):05d}" + record.old_id_number[5:]
    fields = record.to_payload().split("|")
    fields[0], fields[1] = twin_number, twin_old or ""
    twin = parse("|".join(fields))
    assert mask_record(twin) == mask_record(record)


# --- BHYT cards -----------------------------------------------------------------------------------

def _bhyt_twin(record, rng):
    """The same card with the BHXH number's first six digits and the management office changed."""
    bhxh = f"{rng.randrange(10**6):06d}" + record.bhxh_code[6:]
    card_code = bhxh if record.card_code_parts is None else record.card_code[:5] + bhxh
    management = None if record.management_code is None else f"{rng.randrange(10**4):04d}" + bhxh
    return parse(record.model_copy(update={"card_code": card_code, "bhxh_code": bhxh,
                                           "management_code": management}).to_payload())


@settings(max_examples=150, deadline=None)
@given(seeds)
def test_masked_bhyt_card_holds_no_more_than_four_digits_of_a_number(seed):
    record = bhyt_record(seed)
    # numbers that hold the BHXH number by chance (the facility code, the check value) are not leaks
    assume(not any(piece in text for piece in pieces(record.bhxh_code) | pieces(record.management_code or "")
                   for text in (record.facility_code, record.checksum or "")))
    masked = mask_record(record)
    assert leaks(masked, record.bhxh_code) == []
    # the old card code keeps its type, level and issuing province, which are not part of the number
    assert masked["card_code"] == record.card_code[:-10] + mask_number(record.bhxh_code)
    if record.management_code:
        assert leaks(masked, record.management_code) == []


@settings(max_examples=150, deadline=None)
@given(seeds, seeds)
def test_hidden_digits_of_the_bhxh_number_change_nothing(seed, other):
    record = bhyt_record(seed)
    twin = _bhyt_twin(record, random.Random(other))
    assert mask_record(twin) == mask_record(record)


# --- registrations --------------------------------------------------------------------------------

def _with_addresses(function):
    """Run ``function`` with a stand-in address converter that returns an ambiguous result (candidates)."""
    module = types.ModuleType("vssid_id.registration.addresses")
    module.convert_address = lambda text: types.SimpleNamespace(
        status="ambiguous", address_2025=None, province_2025="Tỉnh Thái Nguyên", province_2025_code="19",
        ward_2025=None,
        candidates=(f"Tổ 5, Phường Bắc Kạn, {text}", "Tổ 5, Phường Đức Xuân, Tỉnh Thái Nguyên"))
    saved = sys.modules.get("vssid_id.registration.addresses")
    sys.modules["vssid_id.registration.addresses"] = module
    try:
        return function()
    finally:
        if saved is None:
            del sys.modules["vssid_id.registration.addresses"]
        else:
            sys.modules["vssid_id.registration.addresses"] = saved


@settings(max_examples=100, deadline=None)
@given(seeds, seeds)
@example(seed=7963, other=1)  # the BHYT card's valid_to is the ID card's expiry day
@example(seed=2245, other=0)  # the ID card expires on the day of the check (checked_on)
def test_masked_registration(seed, other):
    identity = cccd_record(seed)
    card = bhyt_record(other)
    assume(not any(piece in text for piece in pieces(identity.id_number) | pieces(card.bhxh_code)
                   for text in (card.facility_code, card.checksum or "")))
    registration = _with_addresses(lambda: prefill(identity, card, today=TODAY))
    masked = mask_registration(registration)
    for number in (identity.id_number, card.bhxh_code, identity.old_id_number or ""):
        assert leaks(masked, number) == []
    texts = set(strings(masked))
    if identity.date_of_birth:
        assert not any(identity.date_of_birth.isoformat() in text for text in texts)
        assert masked["date_of_birth"] == f"****-**-** ({identity.year_of_birth})"
    if registration.id_card_valid_until:
        assert masked["id_card_valid_until"] == f"****-**-** ({registration.id_card_valid_until.year})"
        # The BHYT card's own dates and the day of the check are shown as they are; one may fall on the same
        # day by chance.
        card_dates = {str(masked[key]) for key in masked if key.startswith("bhyt_") and "valid" in key}
        card_dates.add(str(masked["checked_on"]))
        assert not any(registration.id_card_valid_until.isoformat() in text for text in texts - card_dates)
    assert masked["full_name"] == mask_name(identity.full_name)
    assert identity.full_name not in texts
    assert masked["address"] == mask_address(identity.address)
    assert masked["address_candidates"] == [mask_address(c) for c in registration.address_candidates]
    assert not any(candidate in texts for candidate in registration.address_candidates)
    assert masked["conflicts"] == [c.model_dump() for c in registration.conflicts]
    assert masked["province_2025"] == "Tỉnh Thái Nguyên"
    # and the hidden digits change nothing
    rng = random.Random(other)
    fields = identity.to_payload().split("|")
    fields[0] = sorted(CCCD_PROVINCES)[rng.randrange(len(CCCD_PROVINCES))] + identity.id_number[3:]
    twin = _with_addresses(lambda: prefill(parse("|".join(fields)), _bhyt_twin(card, rng), today=TODAY))
    assert mask_registration(twin) == masked


def test_mask_registration_of_one_card():
    card = bhyt_record(4)
    registration = prefill(card, today=TODAY, convert_addresses=False)
    masked = mask_registration(registration)
    assert (masked["id_number"], masked["old_id_number"], masked["id_card_valid_until"]) == (None, None, None)
    assert masked["bhxh_code"] == mask_number(card.bhxh_code)
    assert masked["address_2025"] is None and masked["address_candidates"] == []
