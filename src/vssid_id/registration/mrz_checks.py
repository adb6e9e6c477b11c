"""The machine-readable zone against the cards: what :func:`vssid_id.prefill` checks when given an :class:`MrzRecord`.

The zone on the back of a CCCD / Căn cước card (or a passport's data page)
repeats the holder's number, date of birth, sex and name, guarded by check
digits (ICAO Doc 9303), and prints the card's expiry date. Against the
identity card's QR record (or, without one, the BHYT card's):

=====================  =============  ===================================================================
kind                   field          when
=====================  =============  ===================================================================
``mrz_id_number``      id_number      the zone's 12-digit number differs from the card's
``mrz_date_of_birth``  date_of_birth  the dates differ at the precision both hold
``mrz_gender``         gender         the sexes differ
``mrz_name``           full_name      the names differ once the card's is written as the zone writes it
                                      (:func:`~vssid_id.cards.formats.mrz.latin_name`: capitals, no
                                      diacritics, ``Đ`` as ``D``); a name the zone cut short is compared
                                      as far as it goes
``mrz_expiry``         valid_until    the zone's expiry differs from the one the law gives the card
                                      (:func:`vssid_id.cards.expiry.identity_card_valid_until`): the date
                                      printed on the card, which its zone repeats, is the one that counts
=====================  =============  ===================================================================

The expiry is compared only for a Vietnamese card's zone (a passport's expiry
is the passport's) and only when the law's date is known.
"""

from __future__ import annotations

from datetime import date

from ..cards.expiry import identity_card_expiry
from ..cards.formats.mrz import MrzRecord, latin_name
from ..cards.records import BhytRecord, CccdRecord
from .merge import Conflict

__all__ = ["compare_mrz", "same_birth", "same_name"]


def compare_mrz(mrz: MrzRecord, card: CccdRecord | BhytRecord) -> list[Conflict]:
    """The conflicts between ``mrz`` and ``card`` (see the module docstring)."""
    found = []
    if isinstance(card, CccdRecord) and mrz.id_number is not None and mrz.id_number != card.id_number:
        found.append(Conflict(field="id_number", kind="mrz_id_number", message=(
            "the ID number in the machine-readable zone differs from the card's")))
    if not same_birth(mrz, card.date_of_birth, card.month_of_birth, card.year_of_birth):
        found.append(Conflict(field="date_of_birth", kind="mrz_date_of_birth", message=(
            "the date of birth in the machine-readable zone differs from the card's")))
    if mrz.gender is not None and mrz.gender is not card.gender:
        found.append(Conflict(field="gender", kind="mrz_gender", message=(
            "the sex in the machine-readable zone differs from the card's gender")))
    if not same_name(mrz, card.full_name):
        found.append(Conflict(field="full_name", kind="mrz_name", message=(
            "the name in the machine-readable zone differs from the card's, even without diacritics")))
    if isinstance(card, CccdRecord) and mrz.document_code == "ID" and mrz.issuing_state == "VNM":
        expiry = identity_card_expiry(card.date_of_birth, card.issue_date)
        # A card extended to 30 June 2024 by the transition still prints its own date: not compared.
        known = expiry.reason in ("change_age", "for_life")
        if known and (expiry.valid_until != mrz.valid_until):
            found.append(Conflict(field="valid_until", kind="mrz_expiry", message=(
                "the expiry date in the card's machine-readable zone differs from the one the law gives the card: "
                "the date printed on the card, which the zone repeats, is the one that counts")))
    return found


def same_birth(mrz: MrzRecord, day: date | None, month: int | None, year: int) -> bool:
    """Whether the zone's date of birth is the card's, at the precision the card holds: the day, else the
    month, else the year."""
    zone = mrz.date_of_birth
    if day is not None:
        return zone == day
    return zone.year == year and (month is None or zone.month == month)


def same_name(mrz: MrzRecord, full_name: str) -> bool:
    """Whether the zone's name is ``full_name`` written as the zone writes it (:func:`latin_name`); a name the
    zone cut short is compared as far as it goes."""
    card_name = latin_name(full_name)
    return card_name == mrz.full_name or (mrz.name_truncated and card_name.startswith(mrz.full_name))
