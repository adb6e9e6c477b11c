"""Masking a :class:`~vssid_id.Declaration` by the rules of :func:`vssid_id.mask_registration`.

>>> mask_email("An.Nguyen@gmail.com")
'A***@gmail.com'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..cards.masking import mask_address, mask_form, mask_number
from ..registration.masking import mask_registration
from .declare import FORM_LABELS, Declaration

__all__ = ["mask_declaration", "mask_declaration_form", "mask_email"]

_PHOTOS = ("portrait", "id_front", "id_back")


def mask_email(value: str | None) -> str | None:
    """The local part's first character and the domain: ``A***@gmail.com``."""
    if not value:
        return value
    local, _, domain = value.rpartition("@")
    return f"{local[:1]}***@{domain}"


def _readable(value: str | None) -> str | None:
    return value


def mask_declaration(declaration: Declaration) -> dict[str, Any]:
    """A JSON-ready dict of ``declaration`` with its personal data masked: the registration as
    :func:`vssid_id.mask_registration` masks it, the phone number to its last four digits, the e-mail to
    :func:`mask_email`, the contact address to its province; the photos are left out (their sizes in bytes
    are given under ``photo_bytes``). The office, the date, the conflicts and the notes stay readable."""
    data = declaration.model_dump(mode="json", exclude=set(_PHOTOS))
    data["registration"] = mask_registration(declaration.registration)
    data["phone"] = mask_number(data["phone"])
    data["email"] = mask_email(data["email"])
    data["contact_address"] = mask_address(data["contact_address"])
    data["photo_bytes"] = {name: len(getattr(declaration, name)) for name in _PHOTOS}
    return data


def mask_declaration_form(form: dict[str, str]) -> dict[str, str]:
    """:meth:`Declaration.to_form` masked: the registration's fields by :func:`vssid_id.cards.masking.mask_form`,
    the phone, e-mail and contact address as in :func:`mask_declaration`; the office stays readable."""
    own = {label: name for name, label in FORM_LABELS.items()}
    masks: dict[str, Callable[[str | None], str | None]] = {
        "phone": mask_number, "email": mask_email, "contact_address": mask_address, "office": _readable}
    masked = mask_form({label: value for label, value in form.items() if label not in own})
    for label, value in form.items():
        if label in own:
            masked[label] = masks[own[label]](value) or ""
    return masked
