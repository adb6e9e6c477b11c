"""The declaration (Tờ khai): the registration plus the contact details, the receiving office and the photos.

After the two cards (:func:`vssid_id.prefill`), the VssID registration guide (BHXH Việt Nam, Công văn
777/CNTT-PM of 15 May 2021) asks for a mobile phone and an e-mail (the one-time password and the copy of the
declaration go there), a portrait ("ảnh chân dung 4x6") and photos of the front and back of the CCCD / CMND /
passport, and the receiving social-insurance office; then the declaration is sent. :func:`declare` checks all of
that and returns a :class:`Declaration`, or raises :class:`~vssid_id.errors.DeclarationError` with **every**
problem at once.

Problems (``DeclarationError.problems``; ``field`` — ``kind``):

==================================  =====================================================================
field                               kinds
==================================  =====================================================================
``registration``                    ``missing``
``full_name``, ``bhxh_code``,       ``missing`` (the registration lacks it: no BHYT card gives no BHXH
``id_number``                       number, no identity card no ID number)
``phone``                           ``missing``, ``invalid``, ``not_vietnamese``, ``not_mobile``
                                    (:mod:`.contact`)
``email``                           ``missing``, ``invalid``
``office``                          ``missing`` (no office given and the registration's province is
                                    unknown), ``unknown`` (:func:`vssid_id.office_for` does not know it)
``contact_address``                 ``invalid``
``portrait``                        ``missing``, ``unreadable``, ``too_large``, ``no_face``,
                                    ``several_faces``, ``too_small`` (:mod:`.photos`)
``id_front``, ``id_back``           ``missing``, ``unreadable``, ``too_large``, ``too_small``
==================================  =====================================================================

Conflicts and notes: the registration's carry over, and the front photo adds its own. Its QR code is read
(:func:`vssid_id.scan`); a code of another identity card than the scanned one (another ID number or issue date:
another person, or an older card of the same person) or of a BHYT card is the conflict ``id_front_mismatch``
(field ``id_front``); no readable identity-card code (a CMND or a passport has none, or the photo is blurred) is
the note ``id_front_unreadable``. The back photo's machine-readable zone is read (:func:`vssid_id.read_mrz`, ICAO
Doc 9303 check digits verified): a zone whose ID number, date of birth, sex or name (compared without diacritics,
as the zone prints it) is not the registration's is the conflict ``id_back_mismatch`` (field ``id_back``); no
readable zone (a CMND's back has none, or the photo is blurred) is the note ``id_back_unreadable``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import ConfigDict, field_validator

from ..cards.formats.base import PersonalDataModel
from ..errors import DeclarationError, DeclarationProblem, UnknownOffice
from ..registration.merge import Conflict, Note, Registration
from ..registration.offices import Office, office_for
from .contact import normalise_contact_address, normalise_email, normalise_phone
from .photos import card_jpeg, load_photo, portrait_jpeg

__all__ = ["Declaration", "declare", "FORM_LABELS"]

#: The declaration's own fields under the form's labels, after the registration's
#: (:meth:`vssid_id.Registration.to_form`).
FORM_LABELS = {
    "phone": "điện thoại di động",
    "email": "email",
    "contact_address": "địa chỉ liên hệ",
    "office": "cơ quan BHXH tiếp nhận",
}

PhotoField = Literal["portrait", "id_front", "id_back"]


class Declaration(PersonalDataModel):
    """A checked declaration, ready to send or print (:meth:`to_pdf`).

    Frozen, and like the records no input in a validation error (its phone, e-mail and address are personal
    data: :class:`~vssid_id.cards.formats.base.PersonalDataModel`); in JSON (``model_dump_json()``,
    ``model_dump(mode="json")``) the photos are URL-safe base64, which ``model_validate_json()`` reads back.
    """

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    registration: Registration
    """The merged cards (:func:`vssid_id.prefill`)."""
    phone: str
    """The mobile number in the national form, ``0`` and nine digits."""
    email: str
    """The e-mail address, normalised (domain in lower case)."""
    office: Office
    """The receiving office."""
    contact_address: str | None
    """The contact address: the one given, else the card's address under the 2025 units, else the card's."""
    portrait: bytes
    """The portrait cropped to 4:6 around the face, a JPEG without metadata (:mod:`.photos`)."""
    id_front: bytes
    """The front of the identity document, a JPEG without metadata."""
    id_back: bytes
    """The back of the identity document, a JPEG without metadata."""
    declared_on: date
    """The day of the declaration (``declare``'s ``today``), printed above the signature."""
    conflicts: tuple[Conflict, ...] = ()
    """The registration's conflicts, then the declaration's own (``id_front_mismatch``)."""
    notes: tuple[Note, ...] = ()
    """The registration's notes, then the declaration's own (``id_front_unreadable``)."""

    @field_validator("portrait", "id_front", "id_back", mode="after")
    @classmethod
    def _photo_is_a_jpeg(cls, value: bytes) -> bytes:
        if not value.startswith(b"\xff\xd8\xff"):
            raise ValueError("must be JPEG bytes")
        return value

    def to_form(self) -> dict[str, str]:
        """The registration's form (:meth:`vssid_id.Registration.to_form`) and then the declaration's fields
        (:data:`FORM_LABELS`), under the form's labels, in its order."""
        values = {"phone": self.phone, "email": self.email, "contact_address": self.contact_address or "",
                  "office": self.office.name}
        return {**self.registration.to_form(), **{label: values[name] for name, label in FORM_LABELS.items()}}

    def to_pdf(self) -> bytes:
        """The declaration as an A4 PDF in Vietnamese (:mod:`vssid_id.declaration.pdf`); the same declaration
        always gives the same bytes."""
        from .pdf import render

        return render(self)


def _office(registration: Registration | None, office: str | Office | None) -> Office | DeclarationProblem:
    if isinstance(office, Office):
        return office
    if office is not None:
        try:
            return office_for(office)
        except UnknownOffice as error:
            return DeclarationProblem("office", "unknown", error.reason)
    if registration is not None and registration.office is not None:
        return registration.office
    return DeclarationProblem("office", "missing", "no office was given and the registration's 2025 province "
                                                   "is unknown")


def _check_front(image: Any, registration: Registration, today: date) -> tuple[list[Conflict], list[Note]]:
    """The front photo's QR code against the registration's identity card."""
    from ..cards.records import BhytRecord, CccdRecord
    from ..scanning.scanner import scan

    records = [result.record for result in scan(image, today=today) if result.record is not None]
    identities = [record for record in records if isinstance(record, CccdRecord)]
    if any(record.id_number == registration.id_number
           and (registration.id_card_issue_date is None or record.issue_date == registration.id_card_issue_date)
           for record in identities):
        return [], []
    if identities:
        return [Conflict(field="id_front", kind="id_front_mismatch", message=(
            "the front photo shows another identity card than the one scanned (another number or issue date)"))], []
    if any(isinstance(record, BhytRecord) for record in records):
        return [Conflict(field="id_front", kind="id_front_mismatch", message=(
            "the front photo shows a BHYT card, not the identity card"))], []
    return [], [Note(field="id_front", kind="id_front_unreadable", message=(
        "no identity-card QR code could be read on the front photo, so it was not checked against the card"))]


def _check_back(image: Any, registration: Registration, today: date) -> tuple[list[Conflict], list[Note]]:
    """The back photo's machine-readable zone against the registration (the module docstring's rule)."""
    from ..registration.mrz_checks import same_birth, same_name
    from ..scanning.mrz import read_mrz

    zone = read_mrz(image, today=today)
    if zone is None:
        return [], [Note(field="id_back", kind="id_back_unreadable", message=(
            "no machine-readable zone could be read on the back photo, so it was not checked against the card"))]
    differ = []
    if zone.id_number is not None and registration.id_number is not None and zone.id_number != registration.id_number:
        differ.append("ID number")
    if registration.year_of_birth is not None and not same_birth(
            zone, registration.date_of_birth, registration.month_of_birth, registration.year_of_birth):
        differ.append("date of birth")
    if zone.gender is not None and registration.gender is not None and zone.gender is not registration.gender:
        differ.append("sex")
    if registration.full_name is not None and not same_name(zone, registration.full_name):
        differ.append("name")
    if differ:
        return [Conflict(field="id_back", kind="id_back_mismatch", message=(
            f"the back photo's machine-readable zone differs from the card scanned: {', '.join(differ)}"))], []
    return [], []


def declare(
    registration: Registration | None,
    *,
    phone: str | None,
    email: str | None,
    portrait: Any,
    id_front: Any,
    id_back: Any,
    office: str | Office | None = None,
    contact_address: str | None = None,
    today: date | None = None,
) -> Declaration:
    """Check the rest of the declaration and return it; raise :class:`~vssid_id.errors.DeclarationError` with
    every problem found (see the module docstring for the fields and kinds).

    ``registration`` comes from :func:`vssid_id.prefill`. ``phone``: a Vietnamese mobile number in any usual
    writing. ``email``: an address (syntax checked, no network). ``portrait``, ``id_front``, ``id_back``: anything
    :func:`vssid_id.load_image` takes (a path, bytes, a binary file, a Pillow image, an array). ``office``: a place
    or office name for :func:`vssid_id.office_for` (or an :class:`~vssid_id.Office`); by default the
    registration's. ``contact_address``: by default the card's address under the 2025 units, else as printed.
    ``today``: the declaration's date (``date.today()`` when ``None``).

    Raises :class:`TypeError` for a ``registration`` that is neither a :class:`~vssid_id.Registration` nor
    ``None``, and for a ``today`` that is not a ``datetime.date``, as :func:`vssid_id.prefill` does.
    """
    if today is None:
        today = date.today()
    elif not isinstance(today, date) or isinstance(today, datetime):
        raise TypeError(f"today must be a datetime.date, not {type(today).__name__}")
    if registration is not None and not isinstance(registration, Registration):
        raise TypeError(f"registration must be a vssid_id.Registration, not {type(registration).__name__}")

    problems: list[DeclarationProblem] = []
    if registration is None:
        problems.append(DeclarationProblem("registration", "missing", "a registration (vssid_id.prefill) is required"))
    else:
        for field, what in (("full_name", "full name"), ("bhxh_code", "BHXH number (from the BHYT card)"),
                            ("id_number", "ID number (from the identity card)")):
            if getattr(registration, field) is None:
                problems.append(DeclarationProblem(field, "missing", f"the registration has no {what}"))

    checked_phone = normalise_phone(phone)
    checked_email = normalise_email(email)
    checked_office = _office(registration, office)
    if contact_address is not None:
        checked_address: str | DeclarationProblem | None = normalise_contact_address(contact_address)
    else:
        checked_address = None if registration is None else (registration.address_2025 or registration.address)

    images: dict[str, Any] = {}
    kept: dict[str, bytes | DeclarationProblem] = {}
    photo_fields: tuple[tuple[PhotoField, Any], ...] = (("portrait", portrait), ("id_front", id_front),
                                                        ("id_back", id_back))
    for field, source in photo_fields:
        loaded = load_photo(source, field)
        if isinstance(loaded, DeclarationProblem):
            kept[field] = loaded
            continue
        images[field] = loaded
        kept[field] = portrait_jpeg(loaded) if field == "portrait" else card_jpeg(loaded, field)

    problems.extend(value for value in (checked_phone, checked_email, checked_office, checked_address, *kept.values())
                    if isinstance(value, DeclarationProblem))
    if problems:
        raise DeclarationError(problems)
    # No problem: every value is checked.
    assert registration is not None and isinstance(checked_office, Office)
    assert isinstance(checked_phone, str) and isinstance(checked_email, str)
    assert not isinstance(checked_address, DeclarationProblem)
    jpegs = {field: value for field, value in kept.items() if isinstance(value, bytes)}

    conflicts, notes = list(registration.conflicts), list(registration.notes)
    front_conflicts, front_notes = _check_front(images["id_front"], registration, today)
    conflicts.extend(front_conflicts)
    notes.extend(front_notes)
    back_conflicts, back_notes = _check_back(images["id_back"], registration, today)
    conflicts.extend(back_conflicts)
    notes.extend(back_notes)
    return Declaration(
        registration=registration,
        phone=checked_phone,
        email=checked_email,
        office=checked_office,
        contact_address=checked_address,
        portrait=jpegs["portrait"],
        id_front=jpegs["id_front"],
        id_back=jpegs["id_back"],
        declared_on=today,
        conflicts=tuple(conflicts),
        notes=tuple(notes),
    )
