"""Records are valid on every path: parse(), the constructor, model_validate(_json)."""

import random
from datetime import date
from pathlib import Path
from typing import Annotated

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import AfterValidator, BaseModel, TypeAdapter, ValidationError

import vssid_id
import vssid_id.codes  # used as vssid_id.codes.cccd: imported here, not by whichever test module ran first
from vssid_id import errors, fields
from vssid_id.cards.synthetic import synthetic_bhyt_record, synthetic_cccd_record
from vssid_id.records import AnyRecord, BhytRecord, CccdRecord

TODAY = date(2026, 11, 25)
SRC = Path(__file__).resolve().parents[1] / "src" / "vssid_id"


def corpus(count=150):
    rng = random.Random(909)
    for _ in range(count):
        yield vssid_id.parse(synthetic_cccd_record(rng).to_payload(), today=TODAY)
        yield vssid_id.parse(synthetic_bhyt_record(rng).to_payload(), today=TODAY)


def test_both_construction_paths_give_the_same_record_on_a_generated_corpus():
    for record in corpus():
        model = type(record)
        from_python = model.model_validate(record.model_dump(), context={"today": TODAY})
        from_json = model.model_validate_json(record.model_dump_json(), context={"today": TODAY})
        from_constructor = model(**record.model_dump())
        for other in (from_python, from_json, from_constructor):
            assert other == record
            assert hash(other) == hash(record)
            assert other.model_dump_json() == record.model_dump_json()
            assert other.warnings == record.warnings


def test_either_record_loads_from_json_by_its_kind():
    adapter = TypeAdapter(AnyRecord)
    for record in corpus(10):
        assert adapter.validate_json(record.model_dump_json()) == record


def test_warnings_are_filled_in_when_not_given():
    base = next(r for r in corpus() if isinstance(r, BhytRecord))
    payload = base.model_copy(update={"management_code": "01010000000001"}).to_payload()
    record = vssid_id.parse(payload, today=TODAY)
    assert record.warnings  # the management code does not end in the BHXH number
    data = record.model_dump()
    del data["warnings"]
    assert type(record).model_validate(data).warnings == record.warnings


CCCD = vssid_id.parse("001090123456|123456789|Nguyễn Văn An|05031990|Nam|Số 1 Phố Huế, Hà Nội|15082021", today=TODAY)
BHYT = next(r for r in corpus() if isinstance(r, BhytRecord) and r.card_code_parts is not None)

GARBAGE = ["garbage", "", "   ", "０１２３４５６７８９０１", "001090\u202e123456", "00109O123456", "x" * 400]


def refused(record, field, value):
    data = record.model_dump()
    data[field] = value
    with pytest.raises(ValidationError) as info:
        type(record).model_validate(data, context={"today": TODAY})
    return info.value


@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize(
    "record, field",
    [(CCCD, "id_number"), (CCCD, "old_id_number"), (BHYT, "card_code"), (BHYT, "bhxh_code"), (BHYT, "facility_code")],
)
def test_code_fields_refuse_garbage(record, field, value):
    error = refused(record, field, value)
    assert error.errors()[0]["loc"] == (field,)


@pytest.mark.parametrize(
    "value",
    ["An\u202eX", "An\u200bX", "An\x07", "An|X", "", " ", "\ue000", "x" * 301],
)
@pytest.mark.parametrize(
    "record, field",
    [(CCCD, "full_name"), (CCCD, "address"), (BHYT, "full_name"), (BHYT, "address"), (BHYT, "guardian_name")],
)
def test_text_fields_refuse_what_a_card_cannot_hold(record, field, value):
    if value in ("", " ") and field in ("address", "guardian_name") and record is BHYT:
        return  # optional fields of the BHYT card: tested below
    error = refused(record, field, value)
    assert error.errors()[0]["loc"] == (field,)


def test_text_is_stored_in_nfc():
    data = CCCD.model_dump()
    data["full_name"] = "Nguye\u0302\u0303n Văn An"
    assert CccdRecord.model_validate(data, context={"today": TODAY}).full_name == "Nguyễn Văn An"


@pytest.mark.parametrize(
    "field, value",
    [
        ("gender", "female"),  # the ID number's sex digit says male
        ("year_of_birth", 1991),  # the date of birth says 1990
        ("month_of_birth", 4),
        ("variant", "can_cuoc_2024"),  # nothing says this is a Căn cước card
        ("id_number", "001190123456"),  # now the parts and the gender disagree with it
        ("date_of_birth", "2030-01-01"),  # in the future
        ("issue_date", "1980-01-01"),  # before the date of birth
    ],
)
def test_cccd_cross_field_rules_are_checked(field, value):
    error = refused(CCCD, field, value)
    assert error.errors()[0]["loc"] in ((field,), ("id_number",), ("issue_date",), ("date_of_birth",))


def test_bhyt_cross_field_rules_are_checked():
    assert refused(BHYT, "bhxh_code", "0000000001").errors()[0]["loc"] == ("bhxh_code",)
    assert refused(BHYT, "valid_to", "1999-01-01").errors()[0]["loc"] == ("valid_to",)
    assert refused(BHYT, "living_area", "K1").errors()[0]["loc"] == ("living_area",)


def test_parts_must_be_those_of_the_number():
    data = CCCD.model_dump()
    data["id_number_parts"]["birth_year"] = 1991
    with pytest.raises(ValidationError) as info:
        CccdRecord.model_validate(data, context={"today": TODAY})
    assert info.value.errors()[0]["loc"] == ("id_number_parts",)


def test_validation_errors_do_not_show_the_data():
    data = CCCD.model_dump()
    data["full_name"] = "Nguyễn Văn\u202e An"
    data["id_number"] = "001090123456X"
    with pytest.raises(ValidationError) as info:
        CccdRecord.model_validate(data, context={"today": TODAY})
    text = str(info.value) + repr(info.value.errors(include_input=False))
    assert "Nguy" not in text and "00109012345" not in text


def test_unknown_fields_are_refused():
    data = CCCD.model_dump()
    data["nickname"] = "An"
    with pytest.raises(ValidationError):
        CccdRecord.model_validate(data)


# --- errors fit Python --------------------------------------------------------------


def test_every_error_is_a_value_error():
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), ValueError), name


@pytest.mark.parametrize(
    "module, good, bad",
    [
        (vssid_id.codes.cccd, "001090123456", "003090123456"),
        (vssid_id.codes.bhxh, "0120878811", "012087881"),
        (vssid_id.codes.bhyt_card, "HS4010120878811", "ZZ4010120878811"),
        (vssid_id.codes.cmnd, "123456789", "1234567"),
    ],
)
def test_a_code_validator_drops_into_a_users_pydantic_model(module, good, bad):
    class Form(BaseModel):
        code: Annotated[str, AfterValidator(module.validate)]

    assert Form(code=good).code == good
    with pytest.raises(ValidationError) as info:
        Form(code=bad)
    assert info.value.errors()[0]["loc"] == ("code",)


def test_field_types_in_a_users_model():
    class Patient(BaseModel):
        id_number: fields.CccdNumber
        bhxh_code: fields.BhxhNumber
        card: fields.BhytCardCode
        name: fields.CardText

    patient = Patient(id_number="001 090 123456", bhxh_code="0120878811", card="hs4010120878811", name=" An ")
    assert (patient.id_number, patient.card, patient.name) == ("001090123456", "HS4010120878811", "An")
    for field, value in [("id_number", "００１090123456"), ("bhxh_code", "0120878811\u202e"),
                         ("card", "Hſ4010120878811"), ("name", "A\u2066n")]:
        data = patient.model_dump()
        data[field] = value
        with pytest.raises(ValidationError) as info:
            Patient.model_validate(data)
        assert info.value.errors()[0]["loc"] == (field,)
    schema = Patient.model_json_schema()
    assert schema["properties"]["id_number"]["pattern"] == "^[0-9]{12}$"


# --- one module per card ---------------------------------------------------------------


def test_each_card_format_is_one_module():
    from vssid_id.cards.formats import bhyt, cccd

    for module, record in ((cccd, CccdRecord), (bhyt, BhytRecord)):
        assert record.__module__ == module.__name__
        assert callable(module.to_payload)
        assert callable(getattr(module, f"parse_{module.__name__.rsplit('.', 1)[1]}_fields"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_model_validate_never_raises_anything_but_validation_errors(text):
    for record in (CCCD, BHYT):
        for field in ("full_name", "address", "id_number", "card_code", "facility_code"):
            if field not in type(record).model_fields:
                continue
            data = record.model_dump()
            data[field] = text
            try:
                type(record).model_validate(data, context={"today": TODAY})
            except ValidationError:
                pass


@pytest.mark.parametrize("today", ["2026-11-25", 20261125, 1.5])
def test_today_must_be_a_date(today):
    with pytest.raises(TypeError, match=r"today must be a datetime\.date"):
        vssid_id.parse(CCCD.to_payload(), today=today)
    with pytest.raises(TypeError, match=r"today must be a datetime\.date"):
        vssid_id.scan(b"not even an image", today=today)


def test_today_may_be_a_datetime():
    from datetime import datetime

    assert vssid_id.parse(CCCD.to_payload(), today=datetime(2026, 11, 25, 23, 59)) == CCCD


def test_the_package_exports_exactly_its_lazy_names():
    assert set(vssid_id.__all__) == {"__version__", *vssid_id._LAZY}
    for name in vssid_id.__all__:
        assert getattr(vssid_id, name) is not None, name
