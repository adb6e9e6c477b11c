"""What a person types on the page: each field checked with the library's own rule, and edits applied.

The page fills the form from the cards; the person may type a field the cards
do not fill or correct one they do. Each typed value is checked with the rule
the library applies to the card field (no rule of its own here):

=================  ==================================================  =====================
field              rule                                                problem kinds
=================  ==================================================  =====================
full_name          :func:`vssid_id.cards.text.require_card_text`       ``invalid``
bhxh_code          :func:`vssid_id.codes.bhxh.validate`                ``invalid``
id_number          :func:`vssid_id.codes.cccd.validate`                ``invalid``
old_id_number      :func:`vssid_id.codes.cmnd.validate`                ``invalid``
date_of_birth      :func:`vssid_id.cards.dates.parse_birth_date`       ``invalid``, ``future``
                   (``dd/mm/yyyy``, ``mm/yyyy`` or ``yyyy``, as BHYT
                   cards print it; ``5/3/1990``, ``5.3.1990`` and
                   ``5-3-1990`` are read as ``05/03/1990``), not
                   after today
gender             ``male`` or ``female``                              ``invalid``
address,           :func:`vssid_id.cards.text.require_card_text`       ``invalid``
contact_address
=================  ==================================================  =====================

An **edit** is a typed value that differs from what the cards gave (after the
rule's normalisation). :func:`apply_edits` puts the edits into the
:class:`~vssid_id.registration.Registration`, so that the declaration holds
exactly what the page shows. A conflict between the cards about an edited
field is the person's to settle, and typing the value settles it: the
conflict is dropped and a note ``edited_by_hand`` says the field was typed
over the cards (so the office reading the declaration knows). Conflicts about
fields the person did not edit stay.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from ..errors import VssidError

__all__ = ["TYPED_FIELDS", "Problem", "check_field", "apply_edits"]

#: The fields a person may type, in the form's order.
TYPED_FIELDS = ("full_name", "bhxh_code", "id_number", "old_id_number", "date_of_birth", "gender", "address",
                "contact_address")

#: ``{"field", "kind", "message"}``: the shape of a declaration problem (the message in English, for programs).
Problem = dict[str, str]

# A conflict's record field → the form field it is about.
_CONFLICT_FIELD = {"year_of_birth": "date_of_birth", "month_of_birth": "date_of_birth"}


def _problem(field: str, kind: str, message: str) -> Problem:
    return {"field": field, "kind": kind, "message": message}


def check_field(field: str, text: str, *, today: date | None = None) -> tuple[Any, Problem | None]:
    """``(value, None)`` for a valid ``text`` (normalised: the BHXH number's digits, a ``(date, month, year)``
    of birth …), else ``(None, problem)``. An empty ``text`` is ``(None, None)``: whether a field is required
    is the declaration's rule."""
    from ..cards.codes import bhxh, cccd, cmnd
    from ..cards.dates import parse_birth_date
    from ..cards.gender import Gender
    from ..cards.text import nfc, require_card_text

    text = nfc(text).strip()
    if not text:
        return None, None
    try:
        if field in ("full_name", "address", "contact_address"):
            return require_card_text(" ".join(text.split()), field), None
        if field == "bhxh_code":
            return bhxh.validate(text), None
        if field == "id_number":
            return cccd.validate(text), None
        if field == "old_id_number":
            return cmnd.validate(text), None
        if field == "date_of_birth":
            birth = parse_birth_date(_padded_date(text), field, slashes=True)
            full, month, year = birth
            day = today or date.today()
            if year > day.year or (full or date(year, month or 1, 1)) > day:
                return None, _problem("date_of_birth", "future", "the date of birth is after today")
            return birth, None
        if field == "gender":
            return Gender(text), None
    except VssidError as error:
        return None, _problem(field, "invalid", error.reason)
    except ValueError:  # Gender("x")
        return None, _problem(field, "invalid", "must be male or female")
    raise KeyError(field)


def _padded_date(text: str) -> str:
    """``5/3/1990``, ``5.3.1990`` or ``5-3-1990`` as the cards write it, ``05/03/1990`` (and ``3/1990`` as
    ``03/1990``): people type days and months without their zero. Anything else is left to the card rule."""
    parts = re.split(r"[/.\-]", text)
    if 2 <= len(parts) <= 3 and all(p.isascii() and p.isdigit() for p in parts) and len(parts[-1]) == 4 \
            and all(1 <= len(p) <= 2 for p in parts[:-1]):
        return "/".join([*(p.zfill(2) for p in parts[:-1]), parts[-1]])
    return text


def _current(registration: Any, field: str) -> Any:
    if field == "date_of_birth":
        return registration.date_of_birth, registration.month_of_birth, registration.year_of_birth
    if field == "contact_address":
        return registration.address_2025
    return getattr(registration, field)


def apply_edits(registration: Any, typed: Mapping[str, str], *,
                today: date | None = None) -> tuple[Any, list[Problem]]:
    """The registration with the person's edits in it, and the problems of the typed values.

    ``typed`` maps a field of :data:`TYPED_FIELDS` to the text on the page
    (the page sends a field only when it differs from the cards'); an empty
    text empties the field, as the person did on the page. ``contact_address`` is not a registration field:
    the caller passes it to ``declare()``; here it is only checked.
    """
    from ..registration.merge import Note

    problems: list[Problem] = []
    update: dict[str, Any] = {}
    edited: list[str] = []
    for field, text in typed.items():
        value, problem = check_field(field, text, today=today)
        if problem:
            problems.append(problem)
            continue
        if field == "contact_address" or value == _current(registration, field):
            continue
        if value is None and field == "date_of_birth":
            value = (None, None, None)
            if value == _current(registration, field):
                continue
        edited.append(field)  # a value typed over the cards', or a field the person emptied
        if field == "date_of_birth":
            update["date_of_birth"], update["month_of_birth"], update["year_of_birth"] = value
        else:
            update[field] = value
    if not edited:
        return registration, problems
    conflicts = tuple(c for c in registration.conflicts if _CONFLICT_FIELD.get(c.field, c.field) not in edited)
    notes = (*registration.notes, *(Note(field=field, kind="edited_by_hand", message=(
        "typed by the person over what the cards hold")) for field in edited))
    return registration.model_copy(update={**update, "conflicts": conflicts, "notes": notes}), problems
