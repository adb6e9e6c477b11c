"""Cleaning and digit checks shared by the code modules and the payload parsers.

A code is ASCII as printed on the card. :func:`clean` drops only the ASCII
separators a person or a form adds (space, ``-``, ``.``); anything else that is
not an ASCII letter or digit — a Unicode space, a full-width digit, a long s
(``ſ``, which ``str.upper()`` would turn into ``S``) — is left in place for the
validator to refuse, never repaired.
"""

from __future__ import annotations

from ...errors import InvalidFormat, InvalidLength

__all__ = ["clean", "require_ascii", "require_digits"]

_SEPARATORS = str.maketrans("", "", " -.")


def clean(code: object, field: str) -> str:
    """Drop the ASCII spaces, dashes and dots a person or a form may have added.

    Raises :class:`~vssid_id.errors.InvalidFormat` for anything that is not a
    ``str``.

    >>> clean(' 0123-456.789 ', 'bhxh_code')
    '0123456789'
    >>> clean('0123\\u00a0456789', 'bhxh_code')  # a no-break space is not a separator
    '0123\\xa0456789'
    """
    if not isinstance(code, str):
        raise InvalidFormat(f"must be a str, not {type(code).__name__}", field)
    return code if code.isalnum() else code.translate(_SEPARATORS)


def require_ascii(code: str, field: str) -> str:
    """Refuse a code holding anything but ASCII letters and digits."""
    if not (code.isascii() and code.isalnum()) and code:
        raise InvalidFormat("must contain only the letters A-Z and the digits 0-9", field)
    return code


def require_digits(code: str, length: int, field: str) -> str:
    """Check that ``code`` is exactly ``length`` ASCII digits."""
    if code and not (code.isascii() and code.isdigit()):
        raise InvalidFormat("must contain only the digits 0-9", field)
    if len(code) != length:
        raise InvalidLength(f"must have {length} digits, not {len(code)}", field)
    return code
