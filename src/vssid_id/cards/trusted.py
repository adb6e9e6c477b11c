"""Build a pydantic model from values a parser has already validated.

The payload parsers check every field themselves (that is how their errors
name the field), so running pydantic's validation again would only repeat the
work — and a record model's own validation (see
:class:`vssid_id.cards.formats.base.CardRecord`) goes further still and re-parses the
record's payload. :func:`trusted` is the parsers' fast path; everything else
(``Model(...)``, ``model_validate``, ``model_validate_json``) runs the checks.
tests/test_records.py holds both paths to the same result on a generated corpus.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["trusted"]

M = TypeVar("M", bound=BaseModel)

_DEFAULTS: dict[type[BaseModel], dict[str, Any]] = {}
_new = object.__new__  # pydantic models have no __new__ of their own
_set = object.__setattr__  # what model_construct uses: frozen models refuse setattr


def trusted(cls: type[M], values: dict[str, Any]) -> M:
    """An instance of the pydantic model ``cls`` from values already validated.

    Builds the frozen model the way ``model_construct`` does, about five times
    faster than validating (0.9 µs against 5.5 µs for a BhytRecord on the
    CI-class machine). ``values`` is a dict rather than keyword arguments
    because passing twenty keywords costs more than the rest of the
    construction. Every required field must be given (the rest take their
    defaults); the result compares, hashes and serialises like a validated
    instance.
    """
    defaults = _DEFAULTS.get(cls)
    if defaults is None:  # every field in declaration order, with its default (None if required)
        defaults = _DEFAULTS[cls] = {
            name: None if info.is_required() else info.default for name, info in cls.model_fields.items()
        }
    instance = _new(cls)
    # Merged into the defaults to keep the declaration order, where there are defaults.
    _set(instance, "__dict__", {**defaults, **values} if len(values) < len(defaults) else values)
    _set(instance, "__pydantic_fields_set__", set(values))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance
