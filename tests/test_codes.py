"""The code validators: BHXH number, BHYT card code, CCCD number, CMND."""

import inspect
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import vssid_id
from vssid_id import errors
from vssid_id.cards.gender import Gender
from vssid_id.cards.tables import (
    BENEFICIARY_TYPES,
    BENEFIT_LEVELS,
    BHYT_ISSUER_PROVINCES,
    CCCD_PROVINCES,
    PROVINCES,
)
from vssid_id.codes import MODULES, bhxh, bhyt_card, cccd, cmnd

# --- tables -----------------------------------------------------------------


def test_province_table_has_the_63_provinces_of_qd_124_2004():
    assert len(PROVINCES) == 63
    assert PROVINCES["01"] == "Hà Nội"
    assert PROVINCES["79"] == "Hồ Chí Minh"
    assert PROVINCES["96"] == "Cà Mau"
    assert all(len(code) == 2 and code.isdigit() for code in PROVINCES)


def test_cccd_province_codes_are_the_province_codes_with_a_leading_zero():
    assert CCCD_PROVINCES["001"] == "Hà Nội"
    assert CCCD_PROVINCES["096"] == "Cà Mau"
    assert set(CCCD_PROVINCES) == {"0" + code for code in PROVINCES}


def test_benefit_levels_are_one_to_five():
    assert sorted(BENEFIT_LEVELS) == [1, 2, 3, 4, 5]


def test_beneficiary_table_keys_are_two_capital_letters():
    assert len(BENEFICIARY_TYPES) >= 40
    for code, row in BENEFICIARY_TYPES.items():
        assert len(code) == 2 and code.isalpha() and code.isupper()
        assert row.code == code and row.label_vi and row.label_en


# --- BHXH number --------------------------------------------------------------


@pytest.mark.parametrize("raw", ["0123456789", " 0123 456 789 ", "0123-456-789", "01.2345.6789"])
def test_bhxh_validate_compacts(raw):
    assert bhxh.validate(raw) == "0123456789"
    assert bhxh.is_valid(raw)


@pytest.mark.parametrize(
    "raw, error",
    [
        ("012345678", errors.InvalidLength),
        ("01234567890", errors.InvalidLength),
        ("", errors.InvalidLength),
        ("012345678X", errors.InvalidFormat),
        ("０１２３４５６７８９", errors.InvalidFormat),  # full-width digits are not ASCII
        ("٠١٢٣٤٥٦٧٨٩", errors.InvalidFormat),  # nor are Arabic-Indic digits
        (123456789, errors.InvalidFormat),
        (None, errors.InvalidFormat),
    ],
)
def test_bhxh_rejects(raw, error):
    with pytest.raises(error) as info:
        bhxh.validate(raw)
    assert info.value.field == "bhxh_code"
    assert not bhxh.is_valid(raw)


def test_error_messages_do_not_echo_the_value():
    with pytest.raises(errors.InvalidCode) as info:
        bhxh.validate("98765432X1")
    assert "98765432" not in str(info.value)


@given(st.text(max_size=30))
def test_bhxh_is_valid_never_raises(text):
    assert bhxh.is_valid(text) == (
        len(bhxh.compact(text)) == 10 and bhxh.compact(text).isascii() and bhxh.compact(text).isdigit()
    )


# --- BHYT card code -------------------------------------------------------------


def test_bhyt_card_code_parts():
    parts = bhyt_card.parse_bhyt_card_code("HS4010120878811")
    assert parts.beneficiary_code == "HS"
    assert parts.benefit_level == 4
    assert parts.province_code == "01"
    assert parts.province_name == "Hà Nội"
    assert parts.bhxh_code == "0120878811"
    assert "sinh" in parts.beneficiary_vi.lower()  # học sinh
    assert "student" in parts.beneficiary_en.lower()
    assert "80" in parts.benefit_level_vi


def test_bhyt_card_code_compacts_and_upper_cases():
    assert bhyt_card.validate(" hs4-01-0120878811 ") == "HS4010120878811"


@pytest.mark.parametrize(
    "raw, error",
    [
        ("HS401012087881", errors.InvalidLength),
        ("HS40101208788111", errors.InvalidLength),
        ("H54010120878811", errors.InvalidFormat),
        ("HS4O10120878811", errors.InvalidFormat),  # letter O for zero
        ("ZZ4010120878811", errors.InvalidComponent),
        ("HS6010120878811", errors.InvalidComponent),
        ("HS0010120878811", errors.InvalidComponent),
        ("HS4030120878811", errors.InvalidComponent),  # 03 is not a province code
        ("HS4990120878811", errors.InvalidComponent),
        ("ĐS4010120878811", errors.InvalidFormat),
    ],
)
def test_bhyt_card_code_rejects(raw, error):
    with pytest.raises(error) as info:
        bhyt_card.validate(raw)
    assert info.value.field == "card_code"
    assert not bhyt_card.is_valid(raw)


@given(
    st.sampled_from(sorted(BENEFICIARY_TYPES)),
    st.sampled_from(sorted(BENEFIT_LEVELS)),
    st.sampled_from(sorted(BHYT_ISSUER_PROVINCES)),
    st.from_regex(r"\A[0-9]{10}\Z"),
)
def test_every_table_combination_is_a_valid_card_code(beneficiary, level, province, bhxh_code):
    code = f"{beneficiary}{level}{province}{bhxh_code}"
    parts = bhyt_card.parse_bhyt_card_code(code)
    assert (parts.beneficiary_code, parts.benefit_level, parts.province_code, parts.bhxh_code) == (
        beneficiary,
        level,
        province,
        bhxh_code,
    )


# --- CCCD number ------------------------------------------------------------------


@pytest.mark.parametrize(
    "number, birth_year, gender, century",
    [
        ("001090123456", 1990, Gender.MALE, 1900),
        ("001190123456", 1990, Gender.FEMALE, 1900),
        ("079205000001", 2005, Gender.MALE, 2000),
        ("079305000001", 2005, Gender.FEMALE, 2000),
        ("096400000001", 2100, Gender.MALE, 2100),
        ("096999000001", 2399, Gender.FEMALE, 2300),
    ],
)
def test_cccd_number_parts(number, birth_year, gender, century):
    parts = cccd.parse_cccd_number(number)
    assert parts.birth_year == birth_year
    assert parts.gender is gender
    assert parts.century_start == century
    assert parts.province_code == number[:3]
    assert parts.serial == number[6:]


def test_cccd_number_province_name():
    assert cccd.parse_cccd_number("079090000001").province_name == "Hồ Chí Minh"


@pytest.mark.parametrize(
    "raw, error",
    [
        ("00109012345", errors.InvalidLength),
        ("0010901234567", errors.InvalidLength),
        ("00109012345a", errors.InvalidFormat),
        ("003090123456", errors.InvalidComponent),
        ("000090123456", errors.InvalidComponent),
        ("097090123456", errors.InvalidComponent),
    ],
)
def test_cccd_number_rejects(raw, error):
    with pytest.raises(error) as info:
        cccd.validate(raw)
    assert info.value.field == "id_number"
    assert not cccd.is_valid(raw)


# The CMND validator moved from cccd.validate_cmnd to a module of its own,
# vssid_id.codes.cmnd, with the same four functions as every code module.
@pytest.mark.parametrize("raw, compact", [("123456789", "123456789"), ("0123 4567 8901", "012345678901")])
def test_cmnd_shapes(raw, compact):
    assert cmnd.validate(raw) == compact
    assert cmnd.is_valid(raw)


@pytest.mark.parametrize("raw", ["12345678", "1234567890", "12345678901", "12345678a"])
def test_cmnd_rejects(raw):
    with pytest.raises(errors.InvalidCode):
        cmnd.validate(raw)
    assert not cmnd.is_valid(raw)


def test_trusted_models_behave_like_validated_ones():
    import random

    from vssid_id.cards.synthetic import synthetic_bhyt_record, synthetic_cccd_record
    from vssid_id.records import BhytRecord, CccdRecord

    for record in (synthetic_cccd_record(random.Random(5)), synthetic_bhyt_record(random.Random(5))):
        parsed = vssid_id.parse(record.to_payload(), today=date(2026, 11, 25))
        validated = type(parsed).model_validate(parsed.model_dump())
        assert isinstance(parsed, (CccdRecord, BhytRecord))
        assert parsed == validated and hash(parsed) == hash(validated)
        assert parsed.model_dump_json() == validated.model_dump_json()
        with pytest.raises(ValidationError):
            parsed.full_name = "x"  # frozen


# --- one protocol for every code module (python-stdnum's robustness test) ----------

JUNK = [
    "", " ", "-", "...", "0", "x" * 1000, "\x00", "\u202e", "０１２３４５６７８９", "٠١٢٣٤٥٦٧٨٩",
    "Hſ4010120878811", "HS4010120878811\u00a0", "HS 4 01\u20030120878811", "0120878811\u200b",
    "001090123456\ufeff", "ＨＳ4010120878811", "\ud800", "HS4010120878811\n", "🙂", "HS401012087881１",
]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_code_module_has_the_same_four_functions(module):
    for name in ("compact", "validate", "is_valid", "format"):
        function = getattr(module, name)
        parameters = list(inspect.signature(function).parameters.values())
        assert len(parameters) == 1 and parameters[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD, name


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
@pytest.mark.parametrize("junk", JUNK)
def test_junk_is_refused_by_every_module(module, junk):
    assert module.is_valid(junk) is False
    with pytest.raises(errors.InvalidCode) as info:
        module.validate(junk)
    assert isinstance(info.value, ValueError)
    with pytest.raises(errors.InvalidCode):
        module.format(junk)
    assert isinstance(module.compact(junk), str)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
@pytest.mark.parametrize("junk", [None, 123, b"0120878811", ["0120878811"]])
def test_non_strings_are_refused_by_every_module(module, junk):
    assert module.is_valid(junk) is False
    with pytest.raises(errors.InvalidFormat):
        module.validate(junk)


@pytest.mark.parametrize(
    "module, number, printed",
    [
        (bhyt_card, "hs4010120878811", "HS 4 01 0120878811"),
        (bhxh, "0120 878 811", "0120878811"),
        (cccd, "001-090-123456", "001090123456"),
        (cmnd, "123 456 789", "123456789"),
    ],
)
def test_format_gives_the_printed_form_which_validates_again(module, number, printed):
    assert module.format(number) == printed
    assert module.validate(printed) == module.validate(number)


@pytest.mark.parametrize(
    "code",
    ["Hſ4010120878811", "HS4010120878811\u00a0", "HS\u20034010120878811", "HS4010120878811\u3000"],
)
def test_codes_are_ascii_as_printed_never_repaired(code):
    # A long s upper-cases to S and Unicode spaces used to be dropped: both are refused now.
    with pytest.raises(errors.InvalidFormat):
        bhyt_card.validate(code)
    with pytest.raises(errors.InvalidFormat):
        bhxh.validate(code[5:] if code[5:] != "0120878811" else "0120\u00a0878811")
