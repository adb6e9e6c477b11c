"""Masking a :class:`~vssid_id.registration.Registration` by the record rules of :mod:`vssid_id.cards.masking`."""

from __future__ import annotations

from typing import Any

from ..cards.masking import _mask_birth, mask_address, mask_birth_date, mask_name, mask_number, mask_numbers_in
from .merge import Registration

__all__ = ["mask_registration"]


def mask_registration(registration: Registration) -> dict[str, Any]:
    """A JSON-ready dict of a :class:`~vssid_id.registration.Registration` with its personal data masked.

    The same rules as :func:`mask_record`: numbers keep their last four digits,
    names their initials, addresses (the card's, the 2025 one and every
    candidate) their province, dates of birth and the identity card's expiry
    date their year. The 2025 province, the gender, the BHYT card's dates,
    the cards used, and the conflicts and notes (whose messages never hold
    personal data) stay readable.
    """
    data = registration.model_dump(mode="json")
    data["full_name"] = mask_name(data["full_name"])
    for field in ("bhxh_code", "id_number", "old_id_number"):
        data[field] = mask_number(data[field])
    data["address"] = mask_address(data["address"])
    data["address_2025"] = mask_address(data["address_2025"])
    data["address_candidates"] = [mask_address(candidate) for candidate in data["address_candidates"]]
    data["id_card_valid_until"] = mask_birth_date(data["id_card_valid_until"])
    _mask_birth(data)
    masked: dict[str, Any] = mask_numbers_in(  # a number wherever a field holds it (see mask_record)
        data, [registration.bhxh_code, registration.id_number, registration.old_id_number])
    return masked
