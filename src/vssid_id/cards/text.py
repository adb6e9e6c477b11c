"""Text hygiene for QR payloads: bytes to text, mojibake repair, NFC, forbidden characters, card text.

Card QR codes carry UTF-8 text (the BHYT card hex-encodes its UTF-8 names, the
CCCD carries UTF-8 directly). Two things go wrong in practice:

* A QR symbol without an ECI header does not say its encoding, and the QR
  standard (ISO/IEC 18004) makes ISO-8859-1 the default. Readers that follow
  the standard, or that guess Shift-JIS, turn ``"Nguyễn"`` into ``"NguyÃ¡»…n"``
  or into Japanese characters. :func:`repair_mojibake` undoes that when the
  undo is unambiguous: the text re-encodes exactly to bytes that are strict,
  valid UTF-8 containing non-ASCII characters.
* Vietnamese has two Unicode spellings of most letters (precomposed NFC and
  decomposed NFD). Records always hold NFC so that equality and search work.

Invisible characters have no place on a card; a payload that holds one is
refused rather than passed on to a form or a database. The rule is Unicode's,
not a hand list (:func:`is_forbidden_character`):

* the general categories Cc (controls, tab and line feed included: no card
  field holds them), Cf (format: soft hyphen, bidi marks and overrides,
  zero-width characters, tag characters U+E0001–E007F, U+061C, U+180E …),
  Co (private use, supplementary planes included), Cs (surrogates), Zl and
  Zp (line and paragraph separators) — ``unicodedata.category``;
* every Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties.txt:
  Cf + Variation_Selector + Other_Default_Ignorable_Code_Point, from
  PropList.txt). Most are Cf; the others are in :data:`_IGNORABLE_RANGES`.
  Some of them are "printable" to ``str.isprintable``, which therefore
  cannot be the whole check: U+034F, U+115F, U+1160, U+17B4–17B5,
  U+180B–180D, U+180F, U+3164, U+FE00–FE0F, U+FFA0, U+E0100–E01EF;
* the noncharacters (PropList.txt Noncharacter_Code_Point: U+FDD0–FDEF and
  the last two code points of every plane), never meant for interchange;
* U+FFFC and U+FFFD, which stand for an object or a byte sequence a reader
  lost: the card's text is not there.

Unicode spaces (Zs) and unassigned code points are not refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from ..encoding import repair_mojibake
from ..errors import MalformedPayload

__all__ = [
    "MAX_PAYLOAD_CHARS",
    "MAX_TEXT_CHARS",
    "NAME_FIELDS",
    "nfc",
    "is_card_text",
    "require_card_text",
    "payload_text",
    "text_from_qr_bytes",
    "clean_field",
    "forbidden_character",
    "is_forbidden_character",
    "reject_forbidden",
]

#: Longest text field accepted (a name, an address): far above anything a card prints.
MAX_TEXT_CHARS = 300

#: Largest payload accepted. A version-40 QR symbol holds at most 2,953 bytes;
#: we allow generous headroom for text typed or pasted by hand.
MAX_PAYLOAD_CHARS = 8192

#: The general categories refused: controls, format characters, private use,
#: surrogates, line and paragraph separators.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})

#: The Default_Ignorable_Code_Points that are not Cf (all Cf are refused by
#: category): Other_Default_Ignorable_Code_Point and Variation_Selector, as
#: PropList.txt lists them (Unicode 15.1, unchanged since 14.0;
#: https://www.unicode.org/Public/UCD/latest/ucd/PropList.txt). Their union
#: with Cf, less White_Space (none of these), is Default_Ignorable_Code_Point
#: in DerivedCoreProperties.txt; tests/test_text.py checks that derivation
#: against the derived list itself.
_IGNORABLE_RANGES = (
    (0x034F, 0x034F),  # COMBINING GRAPHEME JOINER
    (0x115F, 0x1160),  # HANGUL CHOSEONG / JUNGSEONG FILLER
    (0x17B4, 0x17B5),  # KHMER VOWEL INHERENT AQ / AA
    (0x180B, 0x180D),  # MONGOLIAN FREE VARIATION SELECTORS ONE..THREE
    (0x180F, 0x180F),  # MONGOLIAN FREE VARIATION SELECTOR FOUR
    (0x2065, 0x2065),  # reserved
    (0x3164, 0x3164),  # HANGUL FILLER
    (0xFE00, 0xFE0F),  # VARIATION SELECTORS 1..16
    (0xFFA0, 0xFFA0),  # HALFWIDTH HANGUL FILLER
    (0xFFF0, 0xFFF8),  # reserved
    (0xE0000, 0xE0FFF),  # tags (Cf), reserved, VARIATION SELECTORS 17..256
)

#: Stand-ins for what a reader lost (OBJECT / REPLACEMENT CHARACTER).
_LOST_DATA = "\ufffc\ufffd"

# One character class for the ignorable ranges and the stand-ins.
_IGNORABLE = re.compile(
    "[" + "".join(f"{chr(first)}-{chr(last)}" for first, last in _IGNORABLE_RANGES) + _LOST_DATA + "]"
)

# Text made only of these characters holds nothing forbidden: printable
# ASCII, Latin-1 letters, Latin Extended-A/-B, IPA, spacing modifiers and
# combining diacritics (U+00C0–U+034E) and Latin Extended Additional
# (U+1E00–U+1EFF): all of Vietnamese. One regex pass over such text is
# as fast as ``str.isprintable``, which would still need a second pass for
# the printable ignorables. (tests/test_text.py holds this fast path to the
# plain rule on every code point.)
_PLAIN_TEXT = re.compile("[ -~\xc0-\u034e\u1e00-\u1eff]*")

# Deleting these from ASCII text leaves only its control characters.
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))

_BOM = "\ufeff"

def text_from_qr_bytes(raw: bytes) -> str:
    """Decode the raw bytes of a QR symbol (or a payload given as bytes).

    The bytes must be strict UTF-8; a leading UTF-8 BOM is dropped.

    >>> text_from_qr_bytes("Nguyễn".encode())
    'Nguyễn'
    >>> text_from_qr_bytes(b"\\xff\\xfe")
    Traceback (most recent call last):
    ...
    vssid_id.errors.MalformedPayload: payload: is not valid UTF-8 (bad byte at offset 0)
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start
    else:
        return text[1:] if text.startswith(_BOM) else text
    # Raised here, not in the except block: the UnicodeDecodeError holds the
    # whole payload, and would travel as the new error's __context__.
    raise MalformedPayload(f"is not valid UTF-8 (bad byte at offset {offset})", "payload")


def payload_text(payload: str | bytes) -> str:
    """Turn a payload given as ``str`` or ``bytes`` into clean text to split.

    Strips surrounding whitespace and a BOM, repairs mojibake, normalises to
    and enforces :data:`MAX_PAYLOAD_CHARS`. The text is not normalised here:
    the parsers bring their text fields to NFC (:func:`nfc`) and keep the code
    fields as written, so that a look-alike such as the Kelvin sign (U+212A,
    which NFC turns into ``K``) is refused in a code, never repaired.
    """
    if isinstance(payload, (bytes, bytearray, memoryview)):
        raw = bytes(payload)
        if len(raw) > 4 * MAX_PAYLOAD_CHARS:
            raise MalformedPayload(
                f"is too long ({len(raw)} bytes; at most {MAX_PAYLOAD_CHARS} characters)",
                "payload",
            )
        text = text_from_qr_bytes(raw.strip())
    elif isinstance(payload, str):
        text = payload
    else:
        raise MalformedPayload(
            f"must be str or bytes, not {type(payload).__name__}", "payload"
        )
    if len(text) > MAX_PAYLOAD_CHARS:
        raise MalformedPayload(
            f"is too long ({len(text)} characters; at most {MAX_PAYLOAD_CHARS})",
            "payload",
        )
    text = text.strip().lstrip(_BOM).strip()
    if not text:
        raise MalformedPayload("is empty", "payload")
    return repair_mojibake(text)


def is_forbidden_character(char: str) -> bool:
    """Whether one character has no place on a card (the rule in the module doc).

    >>> [is_forbidden_character(c) for c in ("a", "\\u00ad", "\\u3164", "\\u00a0")]
    [False, True, True, False]
    """
    code = ord(char)
    return (
        unicodedata.category(char) in _FORBIDDEN_CATEGORIES
        or _IGNORABLE.match(char) is not None
        or 0xFDD0 <= code <= 0xFDEF
        or code & 0xFFFE == 0xFFFE
    )


def forbidden_character(text: str) -> str | None:
    """The first character of ``text`` that has no place on a card, or ``None``.

    This runs on every payload, so the common case (nothing forbidden) takes
    a fast path: ASCII text is checked with one ``bytes.translate`` pass,
    Vietnamese text with one regex pass over the characters it is made of,
    other printable text with ``str.isprintable`` and a search for the
    printable ignorables. Only text that fails these goes through
    :func:`is_forbidden_character` character by character.

    >>> forbidden_character("Nguyễn Văn An") is None
    True
    >>> forbidden_character("An\\u202eX")
    '\u202e'
    """
    if text.isascii():
        if not text.encode("ascii").translate(None, _PRINTABLE_ASCII):
            return None
    elif _PLAIN_TEXT.fullmatch(text) or (text.isprintable() and not _IGNORABLE.search(text)):
        return None
    for char in text:
        if is_forbidden_character(char):
            return char
    return None


def clean_field(value: str, field: str) -> str:
    """Strip one field and refuse control, formatting and private-use characters.

    The value is returned as it is (not normalised).

    >>> clean_field("  Nguyễn Văn An ", "full_name")
    'Nguyễn Văn An'
    >>> clean_field("An\\u202eX", "full_name")
    Traceback (most recent call last):
    ...
    vssid_id.errors.MalformedPayload: full_name: contains the forbidden character U+202E
    """
    bad = forbidden_character(value)
    if bad is not None:
        raise MalformedPayload(f"contains the forbidden character U+{ord(bad):04X}", field)
    return value.strip()


def reject_forbidden(fields: list[str], field_name: Callable[[int], str]) -> None:
    """Refuse a split payload if any field holds a forbidden character.

    One scan of the whole payload; only when it finds something are the fields
    scanned one by one, so that the error names the field (``field_name``
    gives the name of the field at an index). After this, the fields need no
    further scan: a parser only strips them.

    >>> reject_forbidden(["001090123456", "An\\x07"], lambda index: f"field_{index + 1}")
    Traceback (most recent call last):
    ...
    vssid_id.errors.MalformedPayload: field_2: contains the forbidden character U+0007
    """
    if forbidden_character("|".join(fields)) is None:
        return
    for index, value in enumerate(fields):
        clean_field(value, field_name(index))


def nfc(text: str) -> str:
    """``text`` in NFC, the form records hold (ASCII text is returned at once)."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


# --- card text -----------------------------------------------------------------------
#
# A Vietnamese card prints the Latin script only: the Vietnamese alphabet, and
# foreigners' names romanised. Letters of other scripts that look like Latin
# ones (Cyrillic с, Greek Α), mathematical and full-width letters, digits of
# other scripts and symbols are no card text: refused, never repaired.

#: Latin letters: Basic Latin, Latin-1 Supplement (less × and ÷), Latin
#: Extended-A and -B, Latin Extended Additional (ạ ễ ộ … of Vietnamese).
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
#: Combining diacritical marks, for the rare letter NFC cannot compose (less
#: U+034F, the grapheme joiner, which is default-ignorable): no character
#: that is card text is a forbidden character.
_MARKS = "\u0300-\u034e\u0350-\u036f"
_NAME_PUNCTUATION = ".'\\-"
# A name: two or more words separated by spaces (family name and given name,
# Bộ luật Dân sự 2015, Điều 26), each a letter with letters, marks and . ' -
# around it. Deterministic: the classes before and at the first letter do not overlap.
_WORD = f"[{_NAME_PUNCTUATION}]*[{_LATIN}][{_LATIN}{_MARKS}{_NAME_PUNCTUATION}]*"
_NAME = re.compile(f"{_WORD}(?: +{_WORD})+")
# An address: Latin letters, marks, printable ASCII but '|' (digits, punctuation,
# space), the typographic dashes and quotes; two letters at least.
_ADDRESS_OTHER = f"{_MARKS} -{{}}~\u2013\u2014\u2018\u2019\u201c\u201d"
_ADDRESS_OTHER = _ADDRESS_OTHER.replace("-{", "-@\\[-`{")  # printable ASCII less the letters and '|'
_ADDRESS = re.compile(f"(?:[{_ADDRESS_OTHER}]*[{_LATIN}]){{2}}[{_LATIN}{_ADDRESS_OTHER}]*")

#: The record fields that hold a person's name (the rest of the card text is an address).
NAME_FIELDS = frozenset({"full_name", "guardian_name"})


def is_card_text(text: str, field: str) -> bool:
    """Whether ``text`` (NFC, stripped) can be the name or address ``field`` of a card.

    A name (:data:`NAME_FIELDS`) is two or more words of Latin letters (with
    ``.`` ``'`` ``-``), no digit; an address holds two Latin letters at least,
    and otherwise digits, ASCII punctuation and spaces, dashes and quotes.

    >>> is_card_text("Lê Văn An", "full_name"), is_card_text("u", "full_name"), is_card_text("75", "full_name")
    (True, False, False)
    >>> is_card_text("Đứ\u0441 An", "full_name")  # a Cyrillic с among Latin letters
    False
    >>> is_card_text("Tổ 5 – Khu 3, Hà Nội", "address"), is_card_text("12/3", "address")
    (True, False)
    """
    if field in NAME_FIELDS:
        return _NAME.fullmatch(text) is not None
    return _ADDRESS.fullmatch(text) is not None


def require_card_text(text: str, field: str) -> str:
    """``text`` (NFC, stripped) if it is card text for ``field`` (:func:`is_card_text`)
    of at most :data:`MAX_TEXT_CHARS` characters; else a :class:`MalformedPayload`
    naming the field.

    >>> require_card_text("75", "full_name")
    Traceback (most recent call last):
    ...
    vssid_id.errors.MalformedPayload: full_name: must be a name of two or more words of Latin letters
    """
    if len(text) > MAX_TEXT_CHARS:
        raise MalformedPayload(f"has more than {MAX_TEXT_CHARS} characters", field)
    if field in NAME_FIELDS:
        if _NAME.fullmatch(text) is None:
            raise MalformedPayload("must be a name of two or more words of Latin letters", field)
    elif _ADDRESS.fullmatch(text) is None:
        raise MalformedPayload("must be Latin letters", field)
    return text
