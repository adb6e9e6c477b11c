"""hex_field_text: hex fields read exactly, typed-through-Telex/VNI hex repaired or refused, never misread."""

import random
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vssid_id.cards.gender import Gender
from vssid_id.cards.synthetic import synthetic_address, synthetic_name
from vssid_id.cards.text import is_card_text
from vssid_id.cards.typed_hex import VIETNAMESE_LETTERS, hex_field_text, typed_keys
from vssid_id.errors import MalformedPayload

_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"


def _parts(char):
    """(base letter, shape mark, tone mark) of a letter, from its NFD form."""
    base, *marks = unicodedata.normalize("NFD", char)
    shape = next((m for m in marks if m in (_CIRCUMFLEX, _BREVE)), "")
    tone = next((m for m in marks if m in (_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT)), "")
    return base, shape, tone


def _compose(base, shape, tone):
    return unicodedata.normalize("NFC", base + shape + tone)


def type_telex(keys: str) -> str:
    """What a Telex input method shows for ``keys`` typed one by one (no undo keys)."""
    out: list[str] = []
    for key in keys:
        last = out[-1] if out else ""
        base, shape, tone = _parts(last) if last else ("", "", "")
        if key.lower() in "ae" and base.lower() == key.lower() and not shape:
            out[-1] = _compose(base, _CIRCUMFLEX, tone)  # aa → â, and à + a → ầ
        elif key.lower() == "d" and last.lower() == "d":
            out[-1] = "đ" if last == "d" else "Đ"
        elif key.lower() == "f" and base.lower() in ("a", "e") and not tone:
            out[-1] = _compose(base, shape, _GRAVE)
        else:
            out.append(key)
    return "".join(out)


_VNI_TONES = {"1": _ACUTE, "2": _GRAVE, "3": _HOOK, "4": _TILDE, "5": _DOT}


def type_vni(keys: str) -> str:
    """What a VNI input method shows for ``keys`` typed one by one (no undo keys)."""
    out: list[str] = []
    for key in keys:
        last = out[-1] if out else ""
        base, shape, tone = _parts(last) if last else ("", "", "")
        vowel = base.lower() in ("a", "e")
        if key in _VNI_TONES and vowel and not tone:
            out[-1] = _compose(base, shape, _VNI_TONES[key])
        elif key == "6" and vowel and not shape:
            out[-1] = _compose(base, _CIRCUMFLEX, tone)
        elif key == "8" and base.lower() == "a" and not shape:
            out[-1] = _compose(base, _BREVE, tone)
        elif key == "9" and last.lower() == "d":
            out[-1] = "đ" if last == "d" else "Đ"
        else:
            out.append(key)
    return "".join(out)


# --- the examples of the issue --------------------------------------------------


def test_telex_example_of_the_issue_is_repaired():
    hex_name = "Lê Văn An".encode().hex()
    assert hex_name.startswith("4cc3aa")
    typed = type_telex(hex_name)
    assert typed.startswith("4cc3â")
    assert hex_field_text(typed, "full_name") == "Lê Văn An"


def test_vni_typed_hex_is_repaired():
    typed = type_vni("Trần Thị Hằng".encode().hex())
    assert typed != "Trần Thị Hằng".encode().hex() and not typed.isascii()
    assert hex_field_text(typed, "full_name") == "Trần Thị Hằng"


def test_hex_digits_alone_are_hex_and_must_decode_to_card_text():
    # A plain-text name made of hex digits is not silently decoded: "75" would be "u".
    for value, message in [("75", "plausible"), ("7565", "plausible"), ("1234", r"forbidden character U\+0012"),
                           ("ABE", "odd number"), ("Ba", "valid UTF-8"), ("c3", "valid UTF-8"),
                           ("4c0a41", r"forbidden character U\+000A")]:
        with pytest.raises(MalformedPayload, match=message) as info:
            hex_field_text(value, "full_name")
        assert info.value.field == "full_name"
        assert value not in str(info.value)
        assert info.value.__context__ is None


def test_digits_are_card_text_in_an_address_not_in_a_name():
    address = "Số 12/3, Xóm 4".encode().hex()
    assert hex_field_text(address, "address") == "Số 12/3, Xóm 4"
    with pytest.raises(MalformedPayload, match="plausible"):
        hex_field_text("Lê 2".encode().hex(), "full_name")


@pytest.mark.parametrize("value", ["Lê Văn An", "Lan", "Xom3", "Đà", "Hà Nội", "75 65", "ĐẶNG"])
def test_plain_text_is_left_to_the_caller(value):
    assert hex_field_text(value, "full_name") is None


def test_decoded_text_is_nfc_and_stripped():
    nfd = unicodedata.normalize("NFD", " Nguyễn An ")
    assert hex_field_text(nfd.encode().hex(), "full_name") == "Nguyễn An"


def test_upper_case_hex_and_upper_case_typed_letters():
    hex_name = "Lê Đức".encode().hex().upper()
    assert hex_field_text(hex_name, "full_name") == "Lê Đức"
    assert hex_field_text(type_telex(hex_name), "full_name") == "Lê Đức"


def test_invisible_characters_are_refused_by_name():
    for text in ("Lê\u00adAn", "Lê \u202eAn", "Lê\tAn", "Lê \u3164An"):
        with pytest.raises(MalformedPayload, match=rf"forbidden character U\+{ord(text[-3]):04X}"):
            hex_field_text(text.encode().hex(), "full_name")


def test_foreign_letters_are_card_text_in_plain_hex_but_no_reading_of_typed_hex():
    # Plain hex is unambiguous, so a foreign name reads as written (the parser's
    # round trip needs it: to_payload() hex-encodes any name a record holds);
    # only the repair of typed hex keeps to the Vietnamese alphabet, so that
    # "4cc3â" reads as "Lê" and not also as "Læ".
    assert hex_field_text("Læ An".encode().hex(), "full_name") == "Læ An"
    assert hex_field_text(type_telex("Lê An".encode().hex()), "full_name") == "Lê An"


def test_ambiguous_typing_is_refused_not_guessed():
    # Telex turns "...bb" + "af" + "75..." into "...bbà75...": "af" or VNI "a2" both type "à",
    # and both readings decode to a plausible name.
    typed = type_telex("Huỳnh Hữu Hưng".encode().hex())
    assert "à" in typed
    with pytest.raises(MalformedPayload, match="more than one way") as info:
        hex_field_text(typed, "full_name")
    assert info.value.__context__ is None


def test_typed_hex_without_any_card_text_reading_is_refused():
    with pytest.raises(MalformedPayload, match="no reading") as info:
        hex_field_text("41â", "full_name")  # 41 aa / 41 a6: neither is UTF-8
    assert info.value.__context__ is None


def test_every_typed_letter_has_keys_of_hex_digits_only():
    assert typed_keys("â") == ("a6", "aa")
    for letter in VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper():
        for keys in typed_keys(letter):
            assert all(k in "0123456789abcdef" for k in keys)
            produced = {type_telex(keys), type_vni(keys)}
            assert letter.lower() in {p.lower() for p in produced}, (letter, keys, produced)


# --- properties -------------------------------------------------------------------

_names = st.builds(
    lambda seed, gender: synthetic_name(random.Random(seed), gender),
    st.integers(0, 2**32), st.sampled_from(list(Gender)),
)
_addresses = st.builds(lambda seed: synthetic_address(random.Random(seed)), st.integers(0, 2**32))


@settings(max_examples=400, deadline=None)
@given(st.one_of(_names.map(lambda n: (n, "full_name")), _addresses.map(lambda a: (a, "address"))),
       st.sampled_from([type_telex, type_vni]), st.booleans())
def test_typed_hex_gives_the_text_back_or_is_refused_never_another_text(case, typist, upper):
    text, field = case
    hex_text = text.encode().hex()
    if upper:
        hex_text = hex_text.upper()
    assert hex_field_text(hex_text, field) == text
    typed = typist(hex_text)
    try:
        result = hex_field_text(typed, field)
    except MalformedPayload as error:
        assert error.field == field and error.__context__ is None
        assert text not in str(error) and typed not in str(error)
        return
    assert result == text


def test_most_typed_names_are_repaired():
    rng = random.Random(7)
    repaired = total = 0
    for _ in range(300):
        name = synthetic_name(rng, rng.choice(list(Gender)))
        for typist in (type_telex, type_vni):
            total += 1
            try:
                repaired += hex_field_text(typist(name.encode().hex()), "full_name") == name
            except MalformedPayload:
                pass
    assert repaired / total > 0.9, (repaired, total)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(
    st.text(),
    st.text(alphabet="0123456789abcdefABCDEF"),
    st.text(alphabet="0123456789abcdef" + "âêđàèầềáảãạăắằẳẵặấẩẫậéẻẽẹếểễệ"),
))
def test_anything_gives_text_none_or_our_error(value):
    try:
        result = hex_field_text(value, "address")
    except MalformedPayload as error:
        assert error.__context__ is None and error.field == "address"
        return
    assert result is None or isinstance(result, str)


# --- typing behaviours the repair does not model: refused or right, never another text ----------


def type_telex_with_undo(keys: str) -> str:
    """Telex with its undo keys: a third ``a`` after ``â`` gives ``aa``, a second ``f`` removes the accent."""
    out: list[str] = []
    for key in keys:
        last = out[-1] if out else ""
        base, shape, tone = _parts(last) if last else ("", "", "")
        if key in "ae" and base == key and shape == _CIRCUMFLEX:
            out[-1] = _compose(base, "", tone)
            out.append(key)
        elif key in "ae" and base == key and not shape:
            out[-1] = _compose(base, _CIRCUMFLEX, tone)
        elif key == "d" and last in ("d", "đ"):
            out[-1:] = ["đ"] if last == "d" else ["d", "d"]
        elif key == "f" and base in ("a", "e") and tone == _GRAVE:
            out[-1] = _compose(base, shape, "")
            out.append("f")
        elif key == "f" and base in ("a", "e") and not tone:
            out[-1] = _compose(base, shape, _GRAVE)
        else:
            out.append(key)
    return "".join(out)


def type_vni_tone_on_word(keys: str) -> str:
    """VNI placing a tone digit on the last ``a``/``e`` of the run of letters before it."""
    out: list[str] = []
    for key in keys:
        if key in _VNI_TONES:
            index = len(out) - 1
            while index >= 0 and out[index].isalpha() and _parts(out[index])[0].lower() not in "ae":
                index -= 1
            if index >= 0 and out[index].isalpha() and not _parts(out[index])[2]:
                base, shape, _ = _parts(out[index])
                out[index] = _compose(base, shape, _VNI_TONES[key])
                continue
        out.append(key)
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_names.map(lambda n: (n, "full_name")), _addresses.map(lambda a: (a, "address"))),
       st.sampled_from([type_telex_with_undo, type_vni_tone_on_word]))
def test_unmodelled_typing_is_refused_or_read_right_never_misread(case, typist):
    text, field = case
    typed = typist(text.encode().hex())
    try:
        result = hex_field_text(typed, field)
    except MalformedPayload:
        return
    assert result == text


def _latin_letter(char):
    # The Latin blocks a Vietnamese card's letters come from, by the Unicode names of the letters.
    return char.isalpha() and unicodedata.name(char, "").startswith("LATIN ") and char <= "\u1eff"


def _plain_name_rule(text):
    """Two or more words split on spaces, each made of Latin letters, combining
    marks and . ' - only, whose first character after any . ' - is a letter
    (a mark cannot start a word)."""
    words = text.split(" ")
    return len([w for w in words if w]) >= 2 and all(w for w in words[:1] + words[-1:]) and all(
        _latin_letter(word.lstrip(".'-")[:1])
        and all(_latin_letter(c) or unicodedata.combining(c) or c in ".'-" for c in word)
        for word in words if word
    )


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="aB_-.' 1\u00a0\t½ễ\u00adĐсΑＡµ\u0301")))
def test_is_card_text_for_names_is_the_plain_rule(text):
    assert is_card_text(text, "full_name") == _plain_name_rule(text)
