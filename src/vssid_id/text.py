"""Text hygiene for QR payloads: bytes to text, mojibake repair, NFC, forbidden characters.

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

Control characters, bidi overrides, zero-width and private-use characters
have no place on a card; a payload that holds one is refused rather than
passed on to a form or a database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from .errors import MalformedPayload

__all__ = [
    "MAX_PAYLOAD_CHARS",
    "payload_text",
    "text_from_qr_bytes",
    "repair_mojibake",
    "clean_field",
    "forbidden_character",
    "reject_forbidden",
]

#: Largest payload accepted. A version-40 QR symbol holds at most 2,953 bytes;
#: we allow generous headroom for text typed or pasted by hand.
MAX_PAYLOAD_CHARS = 8192

# C0/C1 controls, zero-width and bidi formatting characters (U+200B–U+200F,
# U+202A–U+202E, U+2060–U+206F), BOM/ZWNBSP, surrogates, private use and the
# specials block. Tab/CR/LF are controls too: no card field contains them.
_FORBIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\ufeff\ud800-\udfff\ue000-\uf8ff\ufff0-\uffff]"
)

# Deleting these from ASCII text leaves only its control characters.
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))

_BOM = "\ufeff"

# Encodings a QR reader may have used to turn UTF-8 bytes into the wrong text.
# Latin-1 first: it is the QR default and is a bijection on bytes.
_MISREAD_ENCODINGS = ("latin-1", "cp1252", "shift_jis")

# Letters that none of _MISREAD_ENCODINGS can encode, so text holding one is
# no misreading: ă đ ĩ ũ ơ ư and the Latin Extended Additional block (ạ ễ ộ …)
# that nearly every Vietnamese text uses, less the few letters Windows-1252
# has (Œ œ Š š Ÿ Ž ž ƒ). Finding one early spares three failed encodings.
# (tests/test_text.py checks that no misread encoding has any of them.)
_NEVER_MISREAD = re.compile(
    "[\u0100-\u0151\u0154-\u015f\u0162-\u0177\u0179-\u017c\u017f-\u0191"
    "\u0193-\u024f\u1e00-\u1eff]"
)


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
        raise MalformedPayload(
            f"is not valid UTF-8 (bad byte at offset {exc.start})", "payload"
        ) from None
    return text[1:] if text.startswith(_BOM) else text


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that a reader decoded as Latin-1, Windows-1252 or Shift-JIS.

    The repair is made only when it is unambiguous: the text encodes exactly in
    the guessed encoding, the resulting bytes are strict UTF-8, and they hold
    non-ASCII characters. Otherwise the text is returned unchanged.

    >>> repair_mojibake("Nguyá»…n VÄƒn An")
    'Nguyễn Văn An'
    >>> repair_mojibake("Nguyễn Văn An")
    'Nguyễn Văn An'
    >>> repair_mojibake("Ê")  # a lone Latin-1 letter is not UTF-8: left alone
    'Ê'
    """
    if text.isascii() or _NEVER_MISREAD.search(text):
        return text
    for encoding in _MISREAD_ENCODINGS:
        try:
            raw = text.encode(encoding)
        except UnicodeEncodeError:
            continue
        if raw.isascii():
            continue
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return text


def payload_text(payload: str | bytes) -> str:
    """Turn a payload given as ``str`` or ``bytes`` into clean text to split.

    Strips surrounding whitespace and a BOM, repairs mojibake, normalises to
    NFC, and enforces :data:`MAX_PAYLOAD_CHARS`.
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
    text = repair_mojibake(text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text


def forbidden_character(text: str) -> str | None:
    """The first character of ``text`` that has no place on a card, or ``None``.

    This runs on every payload, so the common case (nothing forbidden) takes
    a fast path: ASCII text is checked with one ``bytes.translate`` pass, other
    text with ``str.isprintable`` (whose rejects include every forbidden
    character but two, checked apart). Only text that fails the fast check
    goes through the exact pattern, which also allows the few non-printable
    characters that are harmless (no-break space and other Unicode spaces,
    unassigned code points).

    >>> forbidden_character("Nguyễn Văn An") is None
    True
    >>> forbidden_character("An\\u202eX")
    '\u202e'
    """
    if text.isascii():
        if not text.encode("ascii").translate(None, _PRINTABLE_ASCII):
            return None
    elif text.isprintable() and "\ufffd" not in text and "\ufffc" not in text:
        return None
    found = _FORBIDDEN.search(text)
    return found.group() if found else None


def clean_field(value: str, field: str) -> str:
    """Strip one field and refuse control, formatting and private-use characters.

    The value is already NFC (see :func:`payload_text`).

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
