"""The fast paths of text hygiene give the same answers as the plain rules."""

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from vssid_id.text import (
    _FORBIDDEN,
    _MISREAD_ENCODINGS,
    _NEVER_MISREAD,
    forbidden_character,
    repair_mojibake,
)


def _encodes(char, encoding):
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def test_no_misread_encoding_can_produce_a_never_misread_letter():
    letters = [chr(cp) for cp in range(sys.maxunicode + 1) if _NEVER_MISREAD.fullmatch(chr(cp))]
    assert "ă" in letters and "đ" in letters and "ễ" in letters and "ư" in letters
    assert "Œ" not in letters and "à" not in letters  # Windows-1252 / Latin-1 have these
    assert not [(c, e) for c in letters for e in _MISREAD_ENCODINGS if _encodes(c, e)]


def test_forbidden_character_fast_path_agrees_with_the_pattern_on_every_code_point():
    disagree = []
    for cp in range(sys.maxunicode + 1):
        char = chr(cp)
        expected = char if _FORBIDDEN.fullmatch(char) else None
        # alone, and inside ASCII or Vietnamese text (the two fast paths)
        for text in (char, f"ab{char}cd", f"Hà{char}Nội"):
            if forbidden_character(text) != expected:
                disagree.append(hex(cp))
    assert disagree == []


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_forbidden_character_is_the_first_match(text):
    match = _FORBIDDEN.search(text)
    assert forbidden_character(text) == (match.group() if match else None)


_vietnamese = st.text(
    alphabet=st.sampled_from("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ ĐÂĂ,0123456789"),
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
