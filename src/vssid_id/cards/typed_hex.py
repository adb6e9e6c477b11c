"""The hex-encoded text fields of the BHYT payload, as scanners deliver them.

The BHYT card writes its names and address as hex-encoded UTF-8
(``4cc3aa`` for ``Lê``). Hospital barcode scanners emulate a keyboard: they
*type* the payload, and when a Vietnamese input method is active on the
receiving computer it rewrites what is typed. The hex digits ``a``–``f`` and
``0``–``9`` are keys of both common methods:

* **Telex**: ``aa`` → ``â``, ``ee`` → ``ê``, ``dd`` → ``đ``; ``f`` after a
  vowel adds the grave accent (``af`` → ``à``, ``aaf`` → ``ầ``);
* **VNI**: a digit after a vowel adds a mark: ``1`` acute, ``2`` grave,
  ``3`` hook, ``4`` tilde, ``5`` dot below, ``6`` circumflex, ``8`` breve
  (``a1`` → ``á``, ``a61`` → ``ấ``, ``e6`` → ``ê``); ``d9`` → ``đ``.

So ``4cc3aa`` arrives as ``4cc3â``. The open-source hospital system
*hisnguonmo* repairs this (``Inventec.Common.String.Convert.HexToUTF8Fix``:
every Vietnamese letter is replaced by the Telex keys that type it, then the
hex is decoded). :func:`hex_field_text` does the same for Telex and VNI, but
only when the repair is unambiguous: every way of reading each Vietnamese
letter back into the keys that could have typed it is tried, and the value
is repaired only if exactly one reading decodes to strict UTF-8 that is
plausible card text. Otherwise it is refused; it is never returned as a name.

**Hex or plain text.** A value is hex when it is made only of hex digits
(``0-9 a-f A-F``); cards write these fields in hex, and a plain-text name or
address is never made of hex digits alone. A value is *typed hex* when it is
made of hex digits and the letters above, with at least one decimal digit
(the hex of any plausible text has one: every letter's UTF-8 bytes hold a
digit nibble). Anything else is plain text.

**Card text.** Whether it came as hex or as plain text, a BHYT text field
must be card text (:func:`vssid_id.cards.text.is_card_text`), or it is refused: a name is at
least two words (family name and given name, as every Vietnamese name has:
Bộ luật Dân sự 2015, Điều 26), each holding a letter, and no digit; an
address holds at least two letters, all of the Latin script. So ``75`` is refused whichever way it is
read: as plain text it is no name, as hex it decodes to ``u``, no name either
— and a record's payload, names hex-encoded, always parses back to the same
record.

**Repairing typed hex.** Among the readings of hex typed through an input
method, only those that decode to Vietnamese text count: letters of the
Vietnamese alphabet (``a``–``z``, ``f j w z`` included, as minority and
foreign names use them, and the 67 letters with diacritics, in both cases),
spaces and ``.`` ``-`` ``'``, and in an address also digits and ``,`` ``/``
``(`` ``)`` ``:`` ``;`` ``&`` ``#``. (Other letters such as ``æ`` would make
``4cc3â`` read both as ``Lê`` and as ``Læ``.)

What is not modelled: the undo keys (``aaa`` → ``aa``, ``a11`` → ``a1``,
VNI ``0``), and marks an input method moves onto an earlier vowel of the word.
Such input is refused or read right in every case the tests generate
(tests/test_typed_hex.py simulates both on synthetic names and addresses),
but no proof covers it. On synthetic cards typed with the behaviour that is
modelled, about 95 % of the values are repaired and the rest refused as
ambiguous; none has been read as another text.

Errors never carry the value (card data is personal data), neither in their
message nor in ``__context__``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from ..errors import MalformedPayload
from .text import MAX_TEXT_CHARS, NAME_FIELDS, forbidden_character, is_card_text

__all__ = ["VIETNAMESE_LETTERS", "MAX_HEX_CHARS", "MAX_TYPED_HEX_CHARS", "hex_field_text", "typed_keys"]

#: The longest hex field read: the hex of :data:`~vssid_id.cards.text.MAX_TEXT_CHARS`
#: characters of four UTF-8 bytes each.
MAX_HEX_CHARS = 8 * MAX_TEXT_CHARS

#: The longest typed hex that is repaired (the repair tries the readings
#: character by character, one level of recursion each): the hex of a
#: 100-letter Vietnamese address is about 260 characters.
MAX_TYPED_HEX_CHARS = 600


#: The Vietnamese alphabet's letters with diacritics (lower case; upper case is added).
VIETNAMESE_LETTERS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_LETTER = "A-Za-z" + VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper()
_NAME_OTHER = " .'\\-"
_ADDRESS_OTHER = _NAME_OTHER + "0-9,/():;&#"
# A name: only these characters; _plausible checks the two words.
_PLAUSIBLE_NAME = re.compile(f"[{_LETTER}{_NAME_OTHER}]*")
# An address: only these characters, and at least two letters.
_PLAUSIBLE_ADDRESS = re.compile(
    f"[{_ADDRESS_OTHER}]*[{_LETTER}][{_ADDRESS_OTHER}]*[{_LETTER}][{_LETTER}{_ADDRESS_OTHER}]*"
)

_TONES_VNI = {"\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
_SHAPES_VNI = {"\u0302": "6", "\u0306": "8"}


def _build_typed_keys() -> dict[str, tuple[str, ...]]:
    """Each letter a keyboard method can type from hex keys → the key sequences that type it.

    Lower-case keys only: hex decoding ignores case, so ``AA`` and ``aa``
    (``Â`` and ``â``) give the same bytes.
    """
    table: dict[str, set[str]] = {}

    def add(letter: str, keys: str) -> None:
        table.setdefault(letter, set()).add(keys)
        table.setdefault(letter.upper(), set()).add(keys)

    add("đ", "dd")  # Telex
    add("đ", "d9")  # VNI
    for base in "ae":
        # Telex: circumflex by doubling the vowel; grave by f, before or after the doubling.
        add(unicodedata.normalize("NFC", base + "\u0302"), base + base)
        add(unicodedata.normalize("NFC", base + "\u0300"), base + "f")
        for keys in (base + base + "f", base + "f" + base):
            add(unicodedata.normalize("NFC", base + "\u0302\u0300"), keys)
        # VNI: a shape digit and a tone digit, in either order.
        for shape, shape_key in [("", ""), *_SHAPES_VNI.items()]:
            if shape == "\u0306" and base != "a":
                continue  # the breve is for a only
            if shape:
                add(unicodedata.normalize("NFC", base + shape), base + shape_key)
            for tone, tone_key in _TONES_VNI.items():
                letter = unicodedata.normalize("NFC", base + shape + tone)
                add(letter, base + shape_key + tone_key)
                if shape_key:
                    add(letter, base + tone_key + shape_key)
    return {letter: tuple(sorted(keys)) for letter, keys in table.items()}


_TYPED_KEYS = _build_typed_keys()
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_TYPED_HEX_CHARS = _HEX_DIGITS | frozenset(_TYPED_KEYS)
#: Readings tried before a value is refused as too ambiguous to repair.
_MAX_STEPS = 20_000


def typed_keys(letter: str) -> tuple[str, ...]:
    """The hex keys that Telex or VNI turn into ``letter`` (empty if none).

    >>> typed_keys("â")
    ('a6', 'aa')
    >>> typed_keys("n")
    ()
    """
    return _TYPED_KEYS.get(letter, ())


def _plausible(text: str, field: str) -> str | None:
    """``text`` in NFC, stripped, if it is Vietnamese text for ``field`` (to choose a typed reading)."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    text = text.strip()
    if field in NAME_FIELDS:
        # Stripped, so a space means two words; the name begins with a letter
        # (only letters pass isalpha here) and does not end with - or '.
        if _PLAUSIBLE_NAME.fullmatch(text) and " " in text and text[0].isalpha() and text[-1] not in "-'":
            return text
        return None
    return text if _PLAUSIBLE_ADDRESS.fullmatch(text) else None


def hex_field_text(value: str, field: str) -> str | None:
    """The text of one hex-encoded BHYT field, or ``None`` when it is plain text.

    ``value`` is the stripped field, not ``-``. See the module doc for the
    rule that tells hex from plain text and for the repair of hex typed
    through Telex or VNI. A text returned is final: NFC, stripped, card text
    (:func:`~vssid_id.cards.text.is_card_text`) and free of forbidden characters
    (:func:`~vssid_id.cards.text.forbidden_character`); the caller need not check
    it again.

    >>> hex_field_text("4cc3aa2056c4836e20416e", "full_name")
    'Lê Văn An'
    >>> hex_field_text("4cc3â2056c4836e20416e", "full_name")  # typed with Telex on
    'Lê Văn An'
    >>> hex_field_text("Lê Văn An", "full_name") is None
    True
    >>> hex_field_text("75", "full_name")
    Traceback (most recent call last):
    ...
    vssid_id.errors.MalformedPayload: full_name: is hex but does not decode to plausible card text
    """
    if len(value) > MAX_HEX_CHARS:
        raise MalformedPayload(f"has more than {MAX_HEX_CHARS} characters", field)
    if value.isascii():
        if not value.isalnum():  # bytes.fromhex would skip spaces: "75 65" is no hex
            return None
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            raw = None
        if raw is None:
            if len(value) % 2 and all(char in _HEX_DIGITS for char in value):
                raise MalformedPayload("is hex with an odd number of digits", field)
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        # Raised outside the except blocks: their exceptions hold the data.
        if text is None:
            raise MalformedPayload("is hex but not of valid UTF-8", field)
        if not text.isascii():
            text = unicodedata.normalize("NFC", text)
        text = text.strip()
        if is_card_text(text, field):  # card text holds no forbidden character
            return text
        bad = forbidden_character(text)
        if bad is not None:
            raise MalformedPayload(f"contains the forbidden character U+{ord(bad):04X}", field)
        raise MalformedPayload("is hex but does not decode to plausible card text", field)
    value = unicodedata.normalize("NFC", value)
    if not (any(char.isdigit() and char.isascii() for char in value)
            and all(char in _TYPED_HEX_CHARS for char in value)):
        return None
    if len(value) > MAX_TYPED_HEX_CHARS:
        raise MalformedPayload(
            "looks like hex typed through a Vietnamese input method (Telex or VNI), too long to repair", field
        )
    return _repair_typed_hex(value, field)


def _repair_typed_hex(value: str, field: str) -> str:
    found: set[str] = set()
    for raw in _readings(value, field):
        text = raw.decode("utf-8")  # _readings yields strict UTF-8 only
        plausible = _plausible(text, field)
        if plausible is not None:
            found.add(plausible)
            if len(found) > 1:
                raise MalformedPayload(
                    "is hex typed through a Vietnamese input method (Telex or VNI) "
                    "and can be read more than one way",
                    field,
                )
    if not found:
        raise MalformedPayload(
            "looks like hex typed through a Vietnamese input method (Telex or VNI), "
            "but no reading of it decodes to card text",
            field,
        )
    text = found.pop()  # Vietnamese letters and punctuation only: nothing forbidden
    if not is_card_text(text, field):
        raise MalformedPayload("is hex but does not decode to plausible card text", field)
    return text


class _TooAmbiguous(Exception):
    pass


def _readings(value: str, field: str) -> Iterator[bytes]:
    """Every byte string ``value`` can be the typed form of, that is strict UTF-8.

    Depth-first over the characters, each read as itself (a hex digit) or as
    one of the key sequences that type it; a branch is cut as soon as its
    complete bytes are not a valid UTF-8 prefix.
    """
    options = [typed_keys(char) or (char,) for char in value]
    steps = 0

    def walk(index: int, hex_text: str) -> Iterator[bytes]:
        nonlocal steps
        steps += 1
        if steps > _MAX_STEPS:
            raise _TooAmbiguous
        if index == len(options):
            if len(hex_text) % 2 == 0:
                raw = bytes.fromhex(hex_text)
                if _utf8_prefix_ok(raw, final=True):
                    yield raw
            return
        for keys in options[index]:
            extended = hex_text + keys
            if _utf8_prefix_ok(bytes.fromhex(extended[: len(extended) // 2 * 2]), final=False):
                yield from walk(index + 1, extended)

    try:
        yield from walk(0, "")
    except _TooAmbiguous:
        pass
    if steps > _MAX_STEPS:
        raise MalformedPayload(
            "is hex typed through a Vietnamese input method (Telex or VNI) "
            "and has too many readings to repair",
            field,
        )


def _utf8_prefix_ok(raw: bytes, *, final: bool) -> bool:
    """Whether ``raw`` is strict UTF-8 (``final``) or the start of it."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return not final and error.reason == "unexpected end of data"
    return True
