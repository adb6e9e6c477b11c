"""Helpers shared by the code modules: compacting and digit checks."""

from __future__ import annotations

import re

from ..errors import InvalidFormat, InvalidLength

_SEPARATORS = re.compile(r"[\s\-.]+")


def clean(code: object, field: str) -> str:
    """Drop spaces, dashes and dots a person or a form may have added.

    Raises :class:`InvalidFormat` for anything that is not a ``str``.
    """
    if not isinstance(code, str):
        raise InvalidFormat(f"must be a str, not {type(code).__name__}", field)
    return _SEPARATORS.sub("", code)


def require_digits(code: str, length: int, field: str) -> str:
    """Check that ``code`` is exactly ``length`` ASCII digits."""
    if code and not (code.isascii() and code.isdigit()):
        raise InvalidFormat("must contain only the digits 0-9", field)
    if len(code) != length:
        raise InvalidLength(f"must have {length} digits, not {len(code)}", field)
    return code
