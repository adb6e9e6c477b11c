"""Both cards → one registration form: the merge, the consistency checks, the card expiry, the 2025 address.

A citizen registering for electronic transactions with Vietnam Social Security
(in the VssID app or on the BHXH public-service portal) scans the BHYT card,
which fills the BHXH number and the name, and the CCCD / Căn cước card, which
fills the ID number, the name and the address (BHXH Việt Nam's guide to
registering in VssID, Công văn 777/CNTT-PM of 15 May 2021: "quét mã QR thẻ BHYT
(hỗ trợ tự động điền Mã số BHXH, Họ tên), quét mã QR thẻ CCCD (để tự động điền
số CCCD, Họ tên, địa chỉ)"). :func:`prefill` does that merge.

The merge
---------
* Identity fields (name, date of birth, gender, address, ID numbers) come from
  the identity card when there is one: it is the legal identity document. With
  only a BHYT card they come from the BHYT card, and the ID numbers are ``None``.
* The BHXH number comes from the BHYT card (``None`` without one). Since 1
  August 2025 BHXH Việt Nam also identifies participants by their personal
  identification number (Công văn 1804/BHXH-QLT, 4 August 2025), which is the
  identity card's ``id_number``; both are kept, as the cards print them.
* Nothing is invented: a field no card holds is ``None``.
* The address is converted to the administrative units in force since 1 July
  2025 by :func:`vssid_id.registration.addresses.convert_address`; an address that maps to
  several new wards is left unconverted (``address_2025=None``), its
  candidates listed, never guessed.

Conflicts and notes
-------------------
``conflicts`` are findings that make the form wrong until someone checks the
cards; ``notes`` are findings that do not. Each has the record ``field``, a
stable ``kind`` code and a ``message`` that never holds personal data.

===================  =============  ============================================================
kind                 field          when
===================  =============  ============================================================
``name_diacritics``  full_name      the names differ only in diacritics (a data-entry fault)
``name``             full_name      the names differ otherwise
``date_of_birth``    date_of_birth  the dates differ at the precision both cards hold
``gender``           gender         the genders differ
``id_card_expired``  valid_until    the identity card has expired on ``today``
                                    (:mod:`vssid_id.cards.expiry`)
``mrz_…``            (several)      a machine-readable zone (:class:`~vssid_id.MrzRecord`, the back of
                                    the card or a passport) disagrees with the cards: the kinds
                                    are in :mod:`vssid_id.registration.mrz_checks`
===================  =============  ============================================================

With no card but a machine-readable zone (a passport, or only the back of the
identity card), the name, date of birth, sex and 12-digit number (when the zone
carries it) come from the zone, and the note ``name_from_mrz`` says that the
name is printed there without diacritics.

Names are the same name when they are equal after NFC normalisation,
whitespace collapsing and a change of case letter by letter (old BHYT cards
print names in capitals) — but no case *folding*: a letter counts as another
only when it is that letter's own capital or small form, one for one, so
``ſ`` is not ``s`` and ``ß`` is not ``ss`` (the rule of the codes,
:mod:`vssid_id.cards.codes.cleaning`, which never turn ``ſ`` into ``S``).

One card given twice counts once: the same record, or two records of one card
kind with the same number (BHXH number; identity number) and the same person
(the same name, gender and date of birth as far as both hold it): a copy read
without its optional check field, the old and the current template of one BHYT
card, a record and its JSON round trip. The most recent of them is used (later
``valid_from``, else later ``issue_date``), then the most complete read.

Notes: ``bhyt_not_in_force`` (the BHYT card is not in force on ``today``: a
note, not a conflict, because the BHXH number it carries is "số định danh cá
nhân duy nhất của người tham gia" (Quyết định 595/QĐ-BHXH, Điều 2 khoản 2.13),
the holder's for good, and stays right for the form), ``id_card_expiry_unknown``,
``address_ambiguous``, ``address_not_found``, ``unreadable_code`` (a scanned QR
code that did not parse was ignored), ``no_identity_card`` and ``no_bhyt_card``.

The form
--------
:meth:`Registration.to_form` gives the six fields the two cards fill on the
VssID registration form (Tờ khai đăng ký sử dụng, điều chỉnh thông tin và ngừng
sử dụng phương thức giao dịch điện tử trong lĩnh vực bảo hiểm xã hội), under
the same labels and in the same order as each card's own ``to_form()``. The
declaration's template text itself (its number and the decision issuing it)
was not found in any public source we could read. The rest of the declaration
(phone, e-mail, photos, the receiving office) is :func:`vssid_id.declare`'s.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from ..cards.dates import format_birth_date
from ..cards.expiry import ExpiryReason, identity_card_expiry
from ..cards.formats.base import FORM_LABELS, PersonalDataModel
from ..cards.gender import Gender
from ..cards.records import BhytRecord, CccdRecord, MrzRecord
from ..errors import NoCard, TooManyCards
from .offices import Office, office_by_province_code

__all__ = [
    "Conflict",
    "Note",
    "Registration",
    "prefill",
]

_Card = TypeVar("_Card", CccdRecord, BhytRecord, MrzRecord)
AddressStatus = Literal["converted", "unchanged", "ambiguous", "not_found", "not_converted"]
CardKind = Literal["cccd", "bhyt", "mrz"]


class _Finding(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    """The record field the finding is about (``full_name``, ``valid_until`` …)."""
    kind: str
    """A short, stable code (see the module docstring)."""
    message: str
    """What is wrong, in English, without any personal data."""


class Conflict(_Finding):
    """The two cards disagree, or the identity card is no longer valid: the form is wrong until checked."""


class Note(_Finding):
    """Something an integrator should know that does not make the form wrong."""


class Registration(PersonalDataModel):
    """The registration form's data, merged from a CCCD / Căn cước card and a BHYT card."""

    full_name: str | None
    bhxh_code: str | None
    id_number: str | None
    old_id_number: str | None
    date_of_birth: date | None
    month_of_birth: int | None
    year_of_birth: int | None
    gender: Gender | None
    address: str | None
    """The address as the card prints it (the identity card's, else the BHYT card's)."""
    address_2025: str | None
    """The address under the units in force since 1 July 2025, when the conversion is unambiguous."""
    province_2025: str | None
    """The province (of the 34 since 1 July 2025) whenever the conversion knows it: the
    choice of the BHXH office that receives the registration."""
    province_2025_code: str | None = None
    """Its two-digit code (Quyết định 19/2025/QĐ-TTg), when the province is known."""
    office: Office | None = None
    """The social-insurance office that receives the registration: the one of :attr:`province_2025`
    (:mod:`vssid_id.registration.offices`); ``None`` when that province is unknown."""
    address_status: AddressStatus | None
    """What the conversion did; ``None`` when no card holds an address."""
    address_candidates: tuple[str, ...] = ()
    """The possible 2025 addresses of an ambiguous one."""
    id_card_valid_until: date | None
    """The identity card's last valid day (:func:`vssid_id.cards.expiry.identity_card_valid_until`)."""
    id_card_expiry: ExpiryReason | None
    """Why ``id_card_valid_until`` is what it is (``for_life``, ``unknown_issue_date`` …); ``None`` without an
    identity card."""
    id_card_issue_date: date | None = None
    """The identity card's issue date as its code holds it (``None`` without one): tells two cards of one
    person apart."""
    bhyt_valid_from: date | None
    bhyt_valid_to: date | None
    bhyt_in_force: bool | None
    """Whether the BHYT card is in force on :attr:`checked_on`; ``None`` without a BHYT card."""
    cards: tuple[CardKind, ...]
    """The kinds of card the registration was made from, identity card first."""
    checked_on: date
    """The day the expiry and validity checks were made for (``prefill``'s ``today``)."""
    conflicts: tuple[Conflict, ...] = ()
    notes: tuple[Note, ...] = ()

    def to_form(self) -> dict[str, str]:
        """The form's fields under its own labels, in its order
        (:data:`vssid_id.cards.formats.base.FORM_LABELS`, the same table the cards'
        ``to_form()`` use); ``""`` where no card holds the field. The address
        is the 2025 one when the conversion gave one, else the card's."""
        birth = ("" if self.year_of_birth is None else
                 format_birth_date(self.date_of_birth, self.month_of_birth, self.year_of_birth, slashes=True))
        values = {
            "full_name": self.full_name,
            "bhxh_code": self.bhxh_code,
            "id_number": self.id_number,
            "date_of_birth": birth,
            "gender": None if self.gender is None else self.gender.label_vi,
            "address": self.address_2025 or self.address,
        }
        return {label: values[name] or "" for name, label in FORM_LABELS.items()}


def _small(char: str) -> str:
    """``char``'s small letter when the two are one for one (``Ễ``→``ễ``); else ``char`` (``ſ``, ``ẞ``, ``İ``)."""
    small = char.lower()
    return small if len(small) == 1 and small.upper() == char else char


def _name_key(name: str) -> str:
    """NFC, whitespace collapsed, small letters one for one: equal keys are the same name."""
    return " ".join("".join(map(_small, unicodedata.normalize("NFC", name))).split())


def _without_diacritics(key: str) -> str:
    """A name key with every tone and vowel mark dropped and ``đ`` read as ``d``."""
    decomposed = unicodedata.normalize("NFD", key.replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _compare_names(identity: str, bhyt: str) -> Conflict | None:
    first, second = _name_key(identity), _name_key(bhyt)
    if first == second:
        return None
    if _without_diacritics(first) == _without_diacritics(second):
        return Conflict(field="full_name", kind="name_diacritics", message=(
            "the names on the two cards differ only in diacritics (tone or vowel marks, or đ and d), "
            "a common data-entry fault: check which card is right"))
    return Conflict(field="full_name", kind="name", message="the names on the two cards differ")


def _births_differ(first: CccdRecord | BhytRecord, second: CccdRecord | BhytRecord) -> str | None:
    """Where two dates of birth differ at the precision both hold: ``year``, ``month``, ``day``, or None."""
    if first.year_of_birth != second.year_of_birth:
        return "year"
    if None not in (first.month_of_birth, second.month_of_birth) and first.month_of_birth != second.month_of_birth:
        return "month"
    if None not in (first.date_of_birth, second.date_of_birth) and first.date_of_birth != second.date_of_birth:
        return "day"
    return None


def _compare_births(identity: CccdRecord, bhyt: BhytRecord) -> Conflict | None:
    """Compare the dates of birth at the precision both cards hold: the year, then the month, then the day."""
    differs = _births_differ(identity, bhyt)
    if differs is None:
        return None
    return Conflict(field="date_of_birth", kind="date_of_birth",
                    message=f"the dates of birth on the two cards differ (in the {differs})")


# Iterable, but never a collection of cards.
_NOT_A_COLLECTION = (str, bytes, bytearray, Mapping, BaseModel)


def _cards(items: tuple[Any, ...]) -> tuple[list[CccdRecord], list[BhytRecord], list[MrzRecord], list[Note]]:
    """Sort the arguments of :func:`prefill` into records; failed scans become notes."""
    identities: list[CccdRecord] = []
    bhyts: list[BhytRecord] = []
    zones: list[MrzRecord] = []
    notes: list[Note] = []
    scanner = sys.modules.get("vssid_id.scanning.scanner")  # a ScanResult exists only once its module is imported
    scan_result = getattr(scanner, "ScanResult", None)

    def add(item: Any, nested: bool) -> None:
        if isinstance(item, CccdRecord):
            identities.append(item)
        elif isinstance(item, BhytRecord):
            bhyts.append(item)
        elif isinstance(item, MrzRecord):
            zones.append(item)
        elif scan_result is not None and isinstance(item, scan_result):
            if item.record is not None:
                add(item.record, nested)
            else:
                field = getattr(item.error, "field", None) or "payload"
                notes.append(Note(field=field, kind="unreadable_code", message=(
                    "a scanned QR code is not a valid card payload and was ignored")))
        elif not nested and isinstance(item, Iterable) and not isinstance(item, _NOT_A_COLLECTION):
            for inner in item:
                add(inner, True)
        else:
            raise TypeError(
                f"prefill() takes CccdRecord, BhytRecord, MrzRecord or ScanResult objects (or iterables of them), "
                f"not {type(item).__name__}")

    for item in items:
        add(item, False)
    return identities, bhyts, zones, notes


def _same_card(first: CccdRecord | BhytRecord | MrzRecord, second: CccdRecord | BhytRecord | MrzRecord) -> bool:
    """One card read twice: the same number and the same person (see the module docstring)."""
    if isinstance(first, BhytRecord) and isinstance(second, BhytRecord):
        same_number = first.bhxh_code == second.bhxh_code
    elif isinstance(first, CccdRecord) and isinstance(second, CccdRecord):
        same_number = first.id_number == second.id_number
    else:
        return False
    return (same_number and _name_key(first.full_name) == _name_key(second.full_name)
            and first.gender is second.gender and _births_differ(first, second) is None)


def _recency(record: CccdRecord | BhytRecord | MrzRecord) -> tuple[Any, ...]:
    """Later card first, then the more complete read."""
    if isinstance(record, MrzRecord):  # never reached: zones are one card only when equal
        return ()
    valid_from = record.valid_from if isinstance(record, BhytRecord) else date.min
    checksum = isinstance(record, BhytRecord) and record.checksum is not None
    return valid_from, record.issue_date or date.min, checksum, len(record.extra_fields)


def _one(records: list[_Card], kind: str) -> _Card | None:
    kept: list[_Card] = []
    for record in dict.fromkeys(records):  # the same card read twice is one card
        for index, other in enumerate(kept):
            if _same_card(record, other):
                kept[index] = max(other, record, key=_recency)
                break
        else:
            kept.append(record)
    if len(kept) > 1:
        raise TooManyCards(f"{len(kept)} different {kind} cards were given; a registration takes one")
    return kept[0] if kept else None


def _address(address: str | None, convert: bool) -> tuple[dict[str, Any], list[Note]]:
    empty: dict[str, Any] = {"address_2025": None, "province_2025": None, "province_2025_code": None,
                             "office": None, "address_candidates": ()}
    if address is None:
        return {**empty, "address_status": None}, []
    if not convert:
        return {**empty, "address_status": "not_converted"}, []
    from .addresses import convert_address  # loads its data on first use only

    conversion = convert_address(address)
    fields = {**empty, "address_status": conversion.status, "province_2025": conversion.province_2025,
              "province_2025_code": conversion.province_2025_code,
              "office": (None if conversion.province_2025_code is None
                         else office_by_province_code(conversion.province_2025_code))}
    if conversion.status in ("converted", "unchanged"):
        fields["address_2025"] = conversion.address_2025 or address
        return fields, []
    if conversion.status == "ambiguous":
        fields["address_candidates"] = tuple(conversion.candidates)
        return fields, [Note(field="address", kind="address_ambiguous", message=(
            "the address fits several wards or communes of the current units (an old ward that was split, "
            "or a name several units share); the new address is left to the holder to choose "
            "(see the candidates)"))]
    return fields, [Note(field="address", kind="address_not_found", message=(
        "the address could not be matched to the current administrative units"))]


def prefill(*records: Any, today: date | None = None, convert_addresses: bool = True) -> Registration:
    """Merge a CCCD / Căn cước record and a BHYT record (either may be missing) into a :class:`Registration`.

    ``records`` are :class:`~vssid_id.CccdRecord` and :class:`~vssid_id.BhytRecord`
    objects in any order, :class:`~vssid_id.ScanResult` objects (their records are
    used; one whose code did not parse is ignored and reported as an
    ``unreadable_code`` note), or iterables of them (``prefill(vssid_id.scan(photo,
    find_all=True))``). The same card given twice counts once.

    ``today`` is the day the identity card's expiry and the BHYT card's
    validity are checked for (``date.today()`` when ``None``).
    ``convert_addresses=False`` skips the conversion to the 2025 units (and the
    loading of its data).

    Raises :class:`NoCard` when no record is given, :class:`TooManyCards` when
    two different cards of the same kind are, and :class:`TypeError` for
    anything else than the types above (``today`` included: a ``datetime`` or a
    string is refused).
    """
    if today is None:
        today = date.today()
    elif not isinstance(today, date) or isinstance(today, datetime):
        raise TypeError(f"today must be a datetime.date, not {type(today).__name__}")
    identities, bhyts, zones, notes = _cards(records)
    identity = _one(identities, "identity")
    bhyt = _one(bhyts, "BHYT")
    zone = _one(zones, "machine-readable zone")
    person: CccdRecord | BhytRecord | MrzRecord
    if identity is not None:
        person = identity
    elif bhyt is not None:
        person = bhyt
    elif zone is not None:
        person = zone
        notes.append(Note(field="full_name", kind="name_from_mrz", message=(
            "the name comes from a machine-readable zone, which prints it in capitals without diacritics")))
    else:
        raise NoCard("no card record was given" + (" (every scanned code failed to parse)" if notes else ""))

    conflicts: list[Conflict] = []
    if identity is not None and bhyt is not None:
        found = (_compare_names(identity.full_name, bhyt.full_name), _compare_births(identity, bhyt),
                 None if identity.gender is bhyt.gender else
                 Conflict(field="gender", kind="gender", message="the genders on the two cards differ"))
        conflicts.extend(finding for finding in found if finding is not None)
    if zone is not None and not isinstance(person, MrzRecord):
        from .mrz_checks import compare_mrz

        conflicts.extend(compare_mrz(zone, person))

    valid_until = expiry_reason = None
    if identity is None and zone is None:
        notes.append(Note(field="id_number", kind="no_identity_card", message=(
            "no identity card was given: the ID number is missing and the other fields come from the BHYT card")))
    elif identity is None:
        notes.append(Note(field="id_number", kind="no_identity_card", message=(
            "no identity card's QR code was given: the ID number comes from the machine-readable zone when it "
            "holds one")))
    else:
        expiry = identity_card_expiry(identity.date_of_birth, identity.issue_date)
        valid_until, expiry_reason = expiry.valid_until, expiry.reason
        if valid_until is not None and today > valid_until:
            conflicts.append(Conflict(field="valid_until", kind="id_card_expired", message=(
                "the identity card has expired: its holder has reached an age at which the card must be changed")))
        elif expiry.reason in ("unknown_issue_date", "unknown_day_of_birth"):
            notes.append(Note(field="valid_until", kind="id_card_expiry_unknown", message=(
                "the identity card's expiry cannot be worked out: its issue date or day of birth is not on the card")))

    in_force = None
    if bhyt is None:
        notes.append(Note(field="bhxh_code", kind="no_bhyt_card", message=(
            "no BHYT card was given: the BHXH number is missing")))
    else:
        in_force = bhyt.valid_from <= today and (bhyt.valid_to is None or today <= bhyt.valid_to)
        if not in_force:
            notes.append(Note(field="valid_from" if today < bhyt.valid_from else "valid_to", kind="bhyt_not_in_force",
                              message="the BHYT card is not in force on the day checked; "
                                      "the BHXH number it carries stays the holder's"))

    address_fields, address_notes = _address(getattr(person, "address", None), convert_addresses)
    cards: list[CardKind] = []
    if identity is not None:
        cards.append("cccd")
    if bhyt is not None:
        cards.append("bhyt")
    if zone is not None:
        cards.append("mrz")
    birth = person.date_of_birth
    month: int | None
    year: int | None
    if isinstance(person, MrzRecord):
        month, year = person.date_of_birth.month, person.date_of_birth.year
    else:
        month, year = person.month_of_birth, person.year_of_birth
    return Registration(
        full_name=person.full_name,
        bhxh_code=None if bhyt is None else bhyt.bhxh_code,
        id_number=identity.id_number if identity is not None else None if zone is None else zone.id_number,
        old_id_number=None if identity is None else identity.old_id_number,
        date_of_birth=birth,
        month_of_birth=month,
        year_of_birth=year,
        gender=person.gender,
        address=getattr(person, "address", None),
        **address_fields,
        id_card_valid_until=valid_until,
        id_card_expiry=expiry_reason,
        id_card_issue_date=None if identity is None else identity.issue_date,
        bhyt_valid_from=None if bhyt is None else bhyt.valid_from,
        bhyt_valid_to=None if bhyt is None else bhyt.valid_to,
        bhyt_in_force=in_force,
        cards=tuple(cards),
        checked_on=today,
        conflicts=tuple(conflicts),
        notes=tuple(notes + address_notes),
    )
