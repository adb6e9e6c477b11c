"""prefill(): the same person's two cards, or two cards that disagree, into one registration.

Expected values are worked by hand from the rules (module docstring of vssid_id.registration,
Điều 21 of Luật Căn cước công dân 2014 / Luật Căn cước 2023 for the expiry); cards are
synthetic (vssid_id.cards.synthetic), changed with model_copy and read back with vssid_id.parse.
"""

import random
import re
import sys
import types
import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vssid_id
from vssid_id.cards.formats.base import FORM_LABELS as FORM_FIELDS
from vssid_id.cards.gender import Gender
from vssid_id.cards.synthetic import synthetic_bhyt_record, synthetic_cccd_record
from vssid_id.errors import NoCard, TooManyCards
from vssid_id.registration import Conflict, Note, Registration, prefill

# One label table serves the cards' and the registration's to_form() (issue 9).
FORM_LABELS = tuple(FORM_FIELDS.values())

TODAY = date(2026, 11, 25)
NAME = "Nguyễn Văn An"
BORN = date(1990, 3, 5)
ADDRESS = "Số 1 Phố Huế, Phường Hàng Bài, Quận Hoàn Kiếm, Hà Nội"


def cccd(*, name=NAME, born=BORN, year=None, month=None, gender=Gender.MALE, issued=date(2021, 8, 15),
         address=ADDRESS, seed=1):
    """A parsed identity card; the number's century/sex and year digits follow the card's fields."""
    base = synthetic_cccd_record(random.Random(seed))
    year = born.year if born else year
    digit = (year // 100 - 19) * 2 + (gender is Gender.FEMALE)
    number = f"{base.id_number[:3]}{digit}{year % 100:02d}{base.id_number[6:]}"
    record = base.model_copy(update={
        "id_number": number, "full_name": name, "date_of_birth": born, "year_of_birth": year,
        "month_of_birth": born.month if born else month, "gender": gender, "address": address,
        "issue_date": issued, "old_id_number": "123456789",
        "extra_fields": ("",) * 4 if issued and issued >= date(2024, 7, 1) else ()})
    return vssid_id.parse(record.to_payload(), today=TODAY)


def bhyt_payload(*, name=NAME, born=BORN, year=None, month=None, gender=Gender.MALE, valid_from=date(2026, 1, 1),
                 valid_to=date(2026, 12, 31), address="Thôn Đông, Xã Tân Phú, Hà Nội", seed=2, name_text=None):
    """A BHYT payload; ``name_text`` writes the name field's hex from that exact text (NFD, say)."""
    base = synthetic_bhyt_record(random.Random(seed))
    record = base.model_copy(update={
        "full_name": name, "date_of_birth": born, "year_of_birth": born.year if born else year,
        "month_of_birth": born.month if born else month, "gender": gender, "address": address,
        "valid_from": valid_from, "valid_to": valid_to, "issue_date": valid_from, "five_years_from": None})
    fields = record.to_payload().split("|")
    if name_text is not None:
        fields[1] = name_text.encode("utf-8").hex()
    return "|".join(fields)


def bhyt(**options):
    return vssid_id.parse(bhyt_payload(**options), today=TODAY)


class FakeConversion(types.SimpleNamespace):
    """An AddressConversion of the agreed contract."""

    def __init__(self, **fields):
        super().__init__(**{"province_2025_code": None, **fields})


@pytest.fixture
def addresses(monkeypatch):
    """A stand-in for vssid_id.registration.addresses with the agreed contract; ``table`` maps address → conversion."""
    module = types.ModuleType("vssid_id.registration.addresses")
    module.table = {}
    module.calls = []

    def convert_address(text):
        module.calls.append(text)
        return module.table.get(text, FakeConversion(status="not_found", address_2025=None, province_2025=None,
                                                     province_2025_code=None, ward_2025=None, candidates=()))

    module.convert_address = convert_address
    monkeypatch.setitem(sys.modules, "vssid_id.registration.addresses", module)
    return module


def kinds(findings):
    return [finding.kind for finding in findings]


# --- the same person -------------------------------------------------------------------------------

@pytest.mark.parametrize("bhyt_name", [
    "NGUYỄN VĂN AN",            # old BHYT cards print capitals
    "Nguyễn  Văn   An",         # doubled spaces
    " nguyễn văn an ",
])
def test_same_person_no_conflict(addresses, bhyt_name):
    identity, card = cccd(), bhyt(name=bhyt_name)
    registration = prefill(identity, card, today=TODAY)
    assert registration.conflicts == ()
    assert registration.full_name == NAME  # from the identity card
    assert registration.bhxh_code == card.bhxh_code
    assert (registration.id_number, registration.old_id_number) == (identity.id_number, "123456789")
    assert (registration.date_of_birth, registration.month_of_birth, registration.year_of_birth) == (BORN, 3, 1990)
    assert registration.gender is Gender.MALE
    assert registration.address == ADDRESS
    assert registration.cards == ("cccd", "bhyt")
    assert registration.bhyt_in_force is True
    assert (registration.bhyt_valid_from, registration.bhyt_valid_to) == (date(2026, 1, 1), date(2026, 12, 31))
    # Card issued at 31 under the 2014 law: valid to the 40th birthday.
    assert (registration.id_card_valid_until, registration.id_card_expiry) == (date(2030, 3, 5), "change_age")
    assert registration.checked_on == TODAY


def test_name_in_nfd_on_the_bhyt_card(addresses):
    nfd = unicodedata.normalize("NFD", "NGUYỄN VĂN AN")
    assert nfd != unicodedata.normalize("NFC", nfd)
    registration = prefill(cccd(), bhyt(name_text=nfd), today=TODAY)
    assert registration.conflicts == ()
    # and a record holding NFD text (built by hand, not parsed) is compared the same way
    card = bhyt().model_copy(update={"full_name": unicodedata.normalize("NFD", NAME)})
    assert prefill(cccd(), card, today=TODAY).conflicts == ()


def test_order_and_duplicates_do_not_matter(addresses):
    identity, card = cccd(), bhyt()
    assert prefill(card, identity, today=TODAY) == prefill(identity, card, today=TODAY)
    assert prefill([identity, card, identity], today=TODAY) == prefill(identity, card, today=TODAY)


# --- conflicts ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("identity_name", "bhyt_name"), [
    ("Nguyễn Văn Ân", "Nguyễn Văn An"),
    ("Đặng Thị Hồng", "DANG THI HONG"),
    ("Nguyễn Văn An", "Nguyen Van An"),
])
def test_names_differing_only_in_diacritics(addresses, identity_name, bhyt_name):
    registration = prefill(cccd(name=identity_name), bhyt(name=bhyt_name), today=TODAY)
    assert registration.conflicts == (Conflict(field="full_name", kind="name_diacritics",
                                               message=registration.conflicts[0].message),)
    assert "data-entry" in registration.conflicts[0].message
    assert registration.full_name == identity_name


@pytest.mark.parametrize("bhyt_name", ["Nguyễn Văn Bình", "Nguyễn An", "Trần Văn An", "Nguyễn Văn Anh"])
def test_different_names(addresses, bhyt_name):
    registration = prefill(cccd(), bhyt(name=bhyt_name), today=TODAY)
    assert [(c.field, c.kind) for c in registration.conflicts] == [("full_name", "name")]


@pytest.mark.parametrize(("bhyt_birth", "conflict"), [
    ({"born": date(1990, 3, 6)}, "day"),
    ({"born": date(1990, 4, 5)}, "month"),
    ({"born": date(1991, 3, 5)}, "year"),
    ({"born": None, "year": 1990}, None),               # BHYT holds only the year: equal at that precision
    ({"born": None, "year": 1990, "month": 3}, None),   # month and year: equal
    ({"born": None, "year": 1990, "month": 4}, "month"),
    ({"born": None, "year": 1989}, "year"),
])
def test_dates_of_birth_compared_at_the_common_precision(addresses, bhyt_birth, conflict):
    registration = prefill(cccd(), bhyt(**bhyt_birth), today=TODAY)
    found = [(c.field, c.kind, c.message) for c in registration.conflicts]
    if conflict is None:
        assert found == []
    else:
        assert found == [("date_of_birth", "date_of_birth",
                          f"the dates of birth on the two cards differ (in the {conflict})")]
    assert registration.date_of_birth == BORN  # from the identity card


def test_identity_card_with_only_a_year_of_birth(addresses):
    registration = prefill(cccd(born=None, year=1958, issued=date(2021, 1, 4)), bhyt(born=date(1958, 7, 1)),
                           today=TODAY)
    assert registration.conflicts == ()
    assert (registration.date_of_birth, registration.month_of_birth, registration.year_of_birth) == (None, None, 1958)
    assert registration.to_form()["ngày sinh"] == "1958"
    assert registration.id_card_valid_until is None
    assert registration.id_card_expiry == "unknown_day_of_birth"
    assert kinds(registration.notes)[0] == "id_card_expiry_unknown"


def test_different_gender(addresses):
    registration = prefill(cccd(), bhyt(gender=Gender.FEMALE), today=TODAY)
    assert [(c.field, c.kind) for c in registration.conflicts] == [("gender", "gender")]
    assert registration.gender is Gender.MALE


def test_everything_different_is_reported_field_by_field(addresses):
    registration = prefill(cccd(), bhyt(name="Trần Thị Bình", born=date(1985, 1, 2), gender=Gender.FEMALE),
                           today=TODAY)
    assert kinds(registration.conflicts) == ["name", "date_of_birth", "gender"]


# --- identity card expiry -------------------------------------------------------------------------

def test_expired_identity_card(addresses):
    # Born 5 March 1998, card issued at 19 (2014 law): must be changed at 25, on 5 March 2023.
    identity = cccd(born=date(1998, 3, 5), issued=date(2017, 1, 10))
    card = bhyt(born=date(1998, 3, 5))
    on_the_day = prefill(identity, card, today=date(2023, 3, 5))
    assert on_the_day.id_card_valid_until == date(2023, 3, 5)
    assert on_the_day.conflicts == ()  # still valid on the printed date
    day_after = prefill(identity, card, today=date(2023, 3, 6))
    assert [(c.field, c.kind) for c in day_after.conflicts] == [("valid_until", "id_card_expired")]
    assert kinds(prefill(identity, card, today=TODAY).conflicts) == ["id_card_expired"]


def test_older_person_issued_within_two_years_of_60(addresses):
    identity = cccd(born=date(1962, 9, 20), issued=date(2021, 1, 5))
    registration = prefill(identity, bhyt(born=date(1962, 9, 20)), today=date(2060, 1, 1))
    assert (registration.id_card_valid_until, registration.id_card_expiry) == (None, "for_life")
    assert not any(c.kind == "id_card_expired" for c in registration.conflicts)


def test_card_issued_at_23_is_valid_to_40(addresses):
    identity = cccd(born=date(1998, 6, 10), issued=date(2021, 7, 1))
    registration = prefill(identity, today=TODAY)
    assert registration.id_card_valid_until == date(2038, 6, 10)


def test_child_can_cuoc_card_alone(addresses):
    child = cccd(name="Trần Ngọc Hà", born=date(2020, 2, 10), gender=Gender.FEMALE, issued=date(2024, 8, 10))
    assert child.variant.value == "can_cuoc_2024"
    registration = prefill(child, today=TODAY)
    assert (registration.id_card_valid_until, registration.id_card_expiry) == (date(2034, 2, 10), "change_age")
    assert registration.bhxh_code is None and registration.bhyt_in_force is None
    assert registration.cards == ("cccd",)
    assert kinds(registration.notes) == ["no_bhyt_card", "address_not_found"]
    assert registration.to_form()["mã số BHXH"] == ""


def test_unknown_issue_date_is_a_note(addresses):
    registration = prefill(cccd(issued=None), today=TODAY)
    assert (registration.id_card_valid_until, registration.id_card_expiry) == (None, "unknown_issue_date")
    assert "id_card_expiry_unknown" in kinds(registration.notes)


# --- the BHYT card --------------------------------------------------------------------------------

def test_bhyt_card_not_in_force_is_a_note(addresses):
    expired = prefill(cccd(), bhyt(valid_from=date(2025, 1, 1), valid_to=date(2025, 12, 31)), today=TODAY)
    assert expired.conflicts == ()
    assert [(n.field, n.kind) for n in expired.notes if n.kind == "bhyt_not_in_force"] == [
        ("valid_to", "bhyt_not_in_force")]
    assert expired.bhyt_in_force is False
    assert expired.bhxh_code is not None  # the number stays right for the form
    future = prefill(cccd(), bhyt(valid_from=date(2027, 1, 1), valid_to=None), today=TODAY)
    assert [(n.field, n.kind) for n in future.notes if n.kind == "bhyt_not_in_force"] == [
        ("valid_from", "bhyt_not_in_force")]
    last_day = prefill(cccd(), bhyt(valid_to=TODAY), today=TODAY)
    assert last_day.bhyt_in_force is True


def test_bhyt_card_alone(addresses):
    card = bhyt(name="NGUYỄN VĂN AN")
    registration = prefill(card, today=TODAY)
    assert registration.full_name == "NGUYỄN VĂN AN"  # as the card holds it: nothing is invented
    assert (registration.id_number, registration.old_id_number) == (None, None)
    assert (registration.id_card_valid_until, registration.id_card_expiry) == (None, None)
    assert registration.address == "Thôn Đông, Xã Tân Phú, Hà Nội"
    assert registration.cards == ("bhyt",)
    assert kinds(registration.notes)[0] == "no_identity_card"
    form = registration.to_form()
    assert (form["số CCCD"], form["mã số BHXH"]) == ("", card.bhxh_code)


def test_bhyt_card_without_address(addresses):
    registration = prefill(bhyt(address=None), today=TODAY)
    assert (registration.address, registration.address_status, registration.province_2025) == (None, None, None)
    assert addresses.calls == []


# --- the address ----------------------------------------------------------------------------------

OLD = "Tổ 5, Phường Sông Cầu, Thành phố Bắc Kạn, Bắc Kạn"
NEW = "Tổ 5, Phường Bắc Kạn, Tỉnh Thái Nguyên"


def test_address_converted(addresses):
    addresses.table[OLD] = FakeConversion(status="converted", address_2025=NEW, province_2025="Tỉnh Thái Nguyên",
                                          province_2025_code="19", ward_2025="Phường Bắc Kạn", candidates=())
    registration = prefill(cccd(address=OLD), bhyt(), today=TODAY)
    assert addresses.calls == [OLD]  # the identity card's address, not the BHYT card's
    assert (registration.address, registration.address_2025, registration.province_2025) == (
        OLD, NEW, "Tỉnh Thái Nguyên")
    assert registration.province_2025_code == "19"
    assert registration.address_status == "converted"
    assert registration.to_form()["địa chỉ"] == NEW
    assert not any(n.kind.startswith("address") for n in registration.notes)


def test_address_already_in_the_new_units(addresses):
    addresses.table[NEW] = FakeConversion(status="unchanged", address_2025=None, province_2025="Tỉnh Thái Nguyên",
                                          province_2025_code="19", ward_2025="Phường Bắc Kạn", candidates=())
    registration = prefill(cccd(address=NEW), today=TODAY)
    assert (registration.address_2025, registration.province_2025, registration.address_status) == (
        NEW, "Tỉnh Thái Nguyên", "unchanged")


def test_ambiguous_address_is_never_guessed(addresses):
    split = "Số 3, Phường 12, Quận 10, Thành phố Hồ Chí Minh"
    candidates = ("Số 3, Phường Diên Hồng, Thành phố Hồ Chí Minh", "Số 3, Phường Hòa Hưng, Thành phố Hồ Chí Minh")
    addresses.table[split] = FakeConversion(status="ambiguous", address_2025=None,
                                            province_2025="Thành phố Hồ Chí Minh", province_2025_code="79",
                                            ward_2025=None, candidates=candidates)
    registration = prefill(cccd(address=split), today=TODAY)
    assert registration.address_2025 is None
    assert registration.province_2025 == "Thành phố Hồ Chí Minh"
    assert registration.address_candidates == candidates
    assert registration.address_status == "ambiguous"
    assert "address_ambiguous" in kinds(registration.notes)
    assert registration.to_form()["địa chỉ"] == split  # the card's, until the holder chooses
    assert registration.conflicts == ()


def test_address_not_found(addresses):
    registration = prefill(cccd(address="Xóm 3, Nơi Không Có, Hà Nội"), today=TODAY)
    assert (registration.address_2025, registration.province_2025, registration.address_status) == (
        None, None, "not_found")
    assert "address_not_found" in kinds(registration.notes)


def test_address_conversion_can_be_skipped(monkeypatch):
    module = types.ModuleType("vssid_id.registration.addresses")

    def convert_address(text):
        raise AssertionError("must not be called")

    module.convert_address = convert_address
    monkeypatch.setitem(sys.modules, "vssid_id.registration.addresses", module)
    registration = prefill(cccd(), today=TODAY, convert_addresses=False)
    assert (registration.address, registration.address_2025, registration.address_status) == (
        ADDRESS, None, "not_converted")


# --- the form -------------------------------------------------------------------------------------

def test_to_form(addresses):
    identity, card = cccd(), bhyt(name="NGUYỄN VĂN AN")
    form = prefill(card, identity, today=TODAY).to_form()
    assert tuple(form) == FORM_LABELS
    assert form == {"họ tên": NAME, "mã số BHXH": card.bhxh_code, "số CCCD": identity.id_number,
                    "ngày sinh": "05/03/1990", "giới tính": "Nam", "địa chỉ": ADDRESS}
    # the same labels, in the same order, as each card's own form fields
    labels = [label for label in FORM_LABELS if label in identity.to_form() or label in card.to_form()]
    assert labels == list(FORM_LABELS)
    assert [label for label in FORM_LABELS if label in identity.to_form()] == list(identity.to_form())
    assert [label for label in FORM_LABELS if label in card.to_form()] == list(card.to_form())


def test_registration_is_frozen_and_serialisable(addresses):
    registration = prefill(cccd(), bhyt(gender=Gender.FEMALE), today=TODAY)
    with pytest.raises(ValueError):
        registration.full_name = "x"
    again = Registration.model_validate_json(registration.model_dump_json())
    assert again == registration
    assert isinstance(registration.conflicts[0], Conflict) and isinstance(registration.notes, tuple)


# --- inputs ---------------------------------------------------------------------------------------

def _scan_result(record=None, error=None):
    from vssid_id.images.decoder import QrPayload
    from vssid_id.scanning.scanner import ScanResult

    text = "" if record is None else record.to_payload()
    payload = QrPayload(text=text, raw=text.encode(), corners=((0, 0), (1, 0), (1, 1), (0, 1)), backend="zxing",
                        step="gray", elapsed=0.0)
    return ScanResult(payload=payload, record=record, error=error)


def test_scan_results(addresses):
    identity, card = cccd(), bhyt()
    failed = _scan_result(error=vssid_id.errors.MalformedPayload("is not a date", "date_of_birth"))
    from_scans = prefill([_scan_result(card), failed, _scan_result(identity)], today=TODAY)
    direct = prefill(identity, card, today=TODAY)
    assert from_scans.model_copy(update={"notes": direct.notes}) == direct
    assert (from_scans.notes[0].field, from_scans.notes[0].kind) == ("date_of_birth", "unreadable_code")
    assert prefill(_scan_result(identity), _scan_result(card), today=TODAY) == direct


def test_no_card(addresses):
    with pytest.raises(NoCard):
        prefill(today=TODAY)
    with pytest.raises(NoCard, match="failed to parse"):
        prefill([_scan_result(error=vssid_id.errors.MalformedPayload("is empty", "payload"))], today=TODAY)
    with pytest.raises(NoCard):
        prefill([], today=TODAY)
    assert issubclass(NoCard, vssid_id.VssidError)


def test_two_different_cards_of_one_kind(addresses):
    with pytest.raises(TooManyCards, match="2 different identity cards"):
        prefill(cccd(), cccd(seed=5), today=TODAY)
    with pytest.raises(TooManyCards, match="BHYT"):
        prefill(bhyt(), bhyt(seed=9), cccd(), today=TODAY)


@pytest.mark.parametrize("bad", ["2026-11-25", datetime(2026, 11, 25, 8, 0), 20261125])
def test_today_must_be_a_date(addresses, bad):
    with pytest.raises(TypeError, match=r"today must be a datetime\.date"):
        prefill(cccd(), today=bad)


@pytest.mark.parametrize("bad", ["001090123456||Nguyễn Văn An|05031990|Nam|Hà Nội|15082021", b"bytes", 42, None,
                                 {"full_name": "x"}])
def test_other_inputs_are_refused(addresses, bad):
    with pytest.raises(TypeError, match="prefill"):
        prefill(cccd(), bad, today=TODAY)


def test_today_defaults_to_the_system_date(addresses):
    assert prefill(cccd(), bhyt()).checked_on == date.today()


# --- no personal data in any message --------------------------------------------------------------

def _personal_words(*records):
    words = set()
    for record in records:
        for text in (record.full_name, record.address or ""):
            words.update(re.findall(r"\w{2,}", text))
    return words


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 10**6), st.booleans(), st.sampled_from([TODAY, date(2090, 1, 1)]))
def test_no_personal_data_in_messages(first, second, strip_marks, today):
    identity = synthetic_cccd_record(random.Random(first))
    card = synthetic_bhyt_record(random.Random(second))
    if strip_marks:  # the same name without diacritics: the name_diacritics message
        card = card.model_copy(update={"full_name": "".join(
            c for c in unicodedata.normalize("NFD", identity.full_name.replace("Đ", "D").replace("đ", "d"))
            if not unicodedata.combining(c))})
    module = types.ModuleType("vssid_id.registration.addresses")
    module.convert_address = lambda text: FakeConversion(status="ambiguous", address_2025=None, province_2025=None,
                                                         province_2025_code=None, ward_2025=None,
                                                         candidates=(text,))
    saved = sys.modules.get("vssid_id.registration.addresses")
    sys.modules["vssid_id.registration.addresses"] = module
    try:
        registration = prefill(identity, card, _scan_result(error=vssid_id.errors.MalformedPayload("x", "gender")),
                               today=today)
    finally:
        if saved is None:
            del sys.modules["vssid_id.registration.addresses"]
        else:
            sys.modules["vssid_id.registration.addresses"] = saved
    words = _personal_words(identity, card)
    findings = registration.conflicts + registration.notes
    assert findings
    for finding in findings:
        assert not any(char.isdigit() for char in finding.message), finding
        assert set(finding.message) <= set(map(chr, range(32, 127))) | {"đ"}, finding
        assert not words & set(re.findall(r"\w{2,}", finding.message)), finding
        assert isinstance(finding, (Conflict, Note))


# --- the README example ---------------------------------------------------------------------------

def test_readme_example(addresses):
    """Run with the stand-in converter (tests/test_readme.py runs it with the real one)."""
    from pathlib import Path

    addresses.table[OLD] = FakeConversion(status="converted", address_2025=NEW, province_2025="Tỉnh Thái Nguyên",
                                          province_2025_code="19", ward_2025="Phường Bắc Kạn", candidates=())
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Registration: both cards into one form", 1)[1]
    code = re.search(r"```python\n(.+?)\n```", section, re.S).group(1)
    namespace = {}
    exec(code, namespace)
    registration = namespace["registration"]
    shown = {
        'form["mã số BHXH"], form["số CCCD"]': ("0120878811", "001090123456"),
        'form["họ tên"]': "Nguyễn Văn An",
        "[(c.field, c.kind) for c in registration.conflicts]": [("full_name", "name_diacritics")],
        "registration.id_card_valid_until": date(2030, 3, 5),
        "registration.address_2025": NEW,
        "registration.province_2025": "Tỉnh Thái Nguyên",
    }
    for expression, value in shown.items():
        assert eval(expression, namespace) == value
        line = next(line for line in code.splitlines() if line.startswith(expression))
        assert f"# {value!r}" in line  # the README shows what the code gives
    assert registration.cards == ("cccd", "bhyt")


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(), st.binary(),
                 st.dates(), st.dictionaries(st.text(), st.integers()),
                 st.lists(st.one_of(st.integers(), st.text(), st.none()), min_size=1)))
def test_fuzz_prefill_inputs(junk):
    """Anything that is not a card record, a ScanResult or an iterable of them is a TypeError,
    never a crash from inside (and never a registration)."""
    identity = synthetic_cccd_record(random.Random(3))
    with pytest.raises(TypeError, match="prefill"):
        prefill(identity, junk, today=TODAY, convert_addresses=False)


# --- the real conversion to the 2025 units (vssid_id.registration.addresses), with the network blocked ----------

@pytest.fixture
def no_network(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("vssid_id must never open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


# Provinces: Nghị quyết 202/2025/QH15, Điều 1 (Bắc Kạn → Thái Nguyên, Bình Phước → Đồng Nai, Bình Dương →
# Hồ Chí Minh City, Hà Giang → Tuyên Quang); Phường Sông Cầu → Phường Bắc Kạn is issue 11's own example;
# Phường Đa Kao (Quận 1) was split between Phường Sài Gòn and Phường Tân Định (Nghị quyết 1685/NQ-UBTVQH15).
# Codes: Quyết định 19/2025/QĐ-TTg (a merged province keeps the code of the one whose name it keeps).
REAL_ADDRESSES = [
    (OLD, "converted", NEW, "Tỉnh Thái Nguyên", "19"),
    (NEW, "unchanged", NEW, "Tỉnh Thái Nguyên", "19"),
    ("Thôn 2, Xã Thanh Hòa, Huyện Bù Đốp, Tỉnh Bình Phước", "converted", None, "Thành phố Đồng Nai", "75"),
    ("Số 3, Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương", "converted", None, "Thành phố Hồ Chí Minh",
     "79"),
    ("Tổ 1, Phường Minh Khai, Thành phố Hà Giang, Tỉnh Hà Giang", "converted", None, "Tỉnh Tuyên Quang", "08"),
    ("45 Đinh Tiên Hoàng, Phường Đa Kao, Quận 1, TP.HCM", "ambiguous", None, "Thành phố Hồ Chí Minh", "79"),
]


@pytest.mark.parametrize(("address", "status", "address_2025", "province", "code"), REAL_ADDRESSES)
def test_real_address_conversion(no_network, address, status, address_2025, province, code):
    registration = prefill(cccd(address=address), bhyt(), today=TODAY)
    assert (registration.address, registration.address_status, registration.province_2025) == (
        address, status, province)
    assert registration.province_2025_code == code
    if address_2025 is not None:
        assert registration.address_2025 == address_2025
    if status == "converted":
        assert registration.address_2025.endswith(province)
        assert registration.address_2025.split(",")[0] == address.split(",")[0]  # the street part is kept
        assert registration.to_form()["địa chỉ"] == registration.address_2025
    if status == "ambiguous":
        assert registration.address_2025 is None
        assert {candidate.split(", ")[1] for candidate in registration.address_candidates} == {
            "Phường Sài Gòn", "Phường Tân Định"}
        assert "address_ambiguous" in kinds(registration.notes)
        assert registration.to_form()["địa chỉ"] == address
    assert registration.conflicts == ()
