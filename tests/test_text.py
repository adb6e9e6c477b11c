"""Text hygiene: the forbidden-character rule is Unicode's, and the fast paths give its answers."""

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vssid_id.cards.text import (
    _IGNORABLE_RANGES,
    clean_field,
    forbidden_character,
    is_forbidden_character,
    text_from_qr_bytes,
)
from vssid_id.encoding import _MISREAD_ENCODINGS, _NEVER_MISREAD, repair_mojibake
from vssid_id.errors import MalformedPayload

# Default_Ignorable_Code_Point as DerivedCoreProperties.txt lists it (Unicode
# 14.0 to 15.1: https://www.unicode.org/Public/UCD/latest/ucd/DerivedCoreProperties.txt),
# written out here so that the module's derivation is checked against the list.
_DEFAULT_IGNORABLE = [
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180D), (0x180E, 0x180E), (0x180F, 0x180F),
    (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064), (0x2065, 0x2065),
    (0x2066, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0000), (0xE0001, 0xE0001), (0xE0002, 0xE001F), (0xE0020, 0xE007F),
    (0xE0080, 0xE00FF), (0xE0100, 0xE01EF), (0xE01F0, 0xE0FFF),
]
_IGNORABLE_SET = {cp for first, last in _DEFAULT_IGNORABLE for cp in range(first, last + 1)}
_REFUSED_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}


def _refused(cp: int) -> bool:
    """The rule as docs/formats.md states it, written plainly."""
    return (
        unicodedata.category(chr(cp)) in _REFUSED_CATEGORIES
        or cp in _IGNORABLE_SET
        or 0xFDD0 <= cp <= 0xFDEF
        or cp & 0xFFFE == 0xFFFE  # noncharacters: U+xxFFFE, U+xxFFFF
        or cp in (0xFFFC, 0xFFFD)
    )


def test_module_derives_default_ignorable_as_unicode_lists_it():
    module = {cp for first, last in _IGNORABLE_RANGES for cp in range(first, last + 1)}
    cf = {cp for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Cf"}
    assert module <= _IGNORABLE_SET
    assert _IGNORABLE_SET <= module | cf


def test_every_code_point_alone_and_inside_text():
    disagree = []
    for cp in range(sys.maxunicode + 1):
        char = chr(cp)
        refused = _refused(cp)
        if is_forbidden_character(char) != refused:
            disagree.append(("rule", hex(cp)))
        expected = char if refused else None
        # alone, inside ASCII text, inside Vietnamese text (the fast paths)
        for text in (char, f"ab{char}cd", f"Hà{char}Nội", f"Nguyễn{char}"):
            if forbidden_character(text) != expected:
                disagree.append((text.replace(char, "?"), hex(cp)))
    assert disagree == []


@pytest.mark.parametrize(
    "char",
    ["\u061c", "\u00ad", "\U000e0041", "\U000f0000", "\U0010fffd", "\u180e", "\u3164", "\u115f",
     "\uffa0", "\u034f", "\ufe0f", "\U000e0100", "\u2028", "\u2029", "\ufeff", "\ufffd", "\ufdd0"],
)
def test_the_invisible_characters_of_the_issue_are_refused(char):
    with pytest.raises(MalformedPayload, match=f"U\\+{ord(char):04X}") as info:
        clean_field(f"Nguyễn{char}Văn An", "full_name")
    assert info.value.field == "full_name"


@pytest.mark.parametrize("char", ["\u00a0", "\u3000", "\u2013", "\u2019", "\u0378"])
def test_spaces_punctuation_and_unassigned_code_points_pass(char):
    assert forbidden_character(f"Số 1{char}Phố Huế") is None


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_forbidden_character_is_the_first_refused_character(text):
    first = next((c for c in text if _refused(ord(c))), None)
    assert forbidden_character(text) == first


def test_invalid_utf8_error_carries_no_copy_of_the_payload():
    raw = "012345678901||Nguyễn Văn An".encode() + b"\xff"
    with pytest.raises(MalformedPayload, match="offset 30") as info:
        text_from_qr_bytes(raw)
    assert info.value.__context__ is None and info.value.__cause__ is None


def test_no_misread_encoding_can_produce_a_never_misread_letter():
    letters = [chr(cp) for cp in range(sys.maxunicode + 1) if _NEVER_MISREAD.fullmatch(chr(cp))]
    assert "ă" in letters and "đ" in letters and "ễ" in letters and "ư" in letters
    assert "Œ" not in letters and "à" not in letters  # Windows-1252 / Latin-1 have these
    assert not [(c, e) for c in letters for e in _MISREAD_ENCODINGS if _encodes(c, e)]


def _encodes(char, encoding):
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


_vietnamese = st.text(
    alphabet=st.sampled_from(
        "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ ĐÂĂ,0123456789"
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(_vietnamese, st.sampled_from(["latin-1", "cp1252"]))
def test_mojibake_is_repaired_and_clean_text_is_left_alone(text, encoding):
    assert repair_mojibake(text) == text
    try:
        misread = text.encode("utf-8").decode(encoding)
    except UnicodeDecodeError:  # cp1252 leaves five bytes undefined: no reader gives that text
        return
    assert repair_mojibake(misread) == text


def test_card_text_holds_no_forbidden_character():
    # hex_field_text returns card text without scanning it for forbidden
    # characters: every character card text may hold must be allowed.
    import sys

    from vssid_id.cards.text import forbidden_character, is_card_text

    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        if is_card_text(f"An{char}n Bình", "full_name") or is_card_text(f"Hà{char} Nội", "address"):
            assert forbidden_character(char) is None, f"U+{code:04X}"
