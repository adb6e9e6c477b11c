"""QR text encodings: undo UTF-8 text that a QR reader decoded in another encoding.

A QR symbol without an ECI header does not say its encoding, and the QR standard
(ISO/IEC 18004) makes ISO-8859-1 the default; readers that follow it, or that
guess Shift-JIS, turn ``"Nguyễn"`` into ``"NguyÃ¡»…n"`` or into Japanese
characters. Card QR codes carry UTF-8, so :func:`repair_mojibake` undoes such a
misreading when the undo is unambiguous.

Shared by two wings: :mod:`vssid_id.images` repairs what a QR reader returns,
and :mod:`vssid_id.cards` repairs payloads handed to ``parse()`` as text (from a
hand scanner or another reader).
"""

from __future__ import annotations

import re

__all__ = ["repair_mojibake"]

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
