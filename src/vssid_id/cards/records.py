"""The typed records a card QR payload becomes, and the :data:`Record` union.

Each card's whole format — record model, payload parser, serializer — lives
in one module: :mod:`vssid_id.cards.formats.cccd` (CCCD / Căn cước),
:mod:`vssid_id.cards.formats.bhyt` (BHYT) and :mod:`vssid_id.cards.formats.mrz`
(the machine-readable zone of ID cards and passports); what they share is in
:mod:`vssid_id.cards.formats.base`. This module gathers the record types.

Records are frozen pydantic v2 models: hashable, JSON-serialisable
(``record.model_dump_json()``), with text in NFC and dates as
:class:`datetime.date`. A date of birth printed as a bare year is
``date_of_birth=None`` with ``year_of_birth`` set: the library never invents a
day. A record is valid whichever way it is built (``parse()``, the
constructor, ``model_validate``, ``model_validate_json``): see
:class:`~vssid_id.cards.formats.base.CardRecord`. ``to_payload()`` turns one back
into the exact payload text of its card, and ``to_form()`` gives the fields of
the VssID registration form under their Vietnamese labels.
"""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from .formats.base import FORM_LABELS, CardRecord
from .formats.bhyt import BhytRecord
from .formats.cccd import CccdRecord, CccdVariant
from .formats.mrz import MrzRecord
from .gender import Gender

__all__ = [
    "Gender", "CardRecord", "CccdVariant", "CccdRecord", "BhytRecord", "MrzRecord", "Record", "AnyRecord",
    "FORM_LABELS",
]

Record = CccdRecord | BhytRecord | MrzRecord
"""A card's record: a QR code's (CCCD, BHYT) or a machine-readable zone's."""

AnyRecord = Annotated[Union[CccdRecord, BhytRecord, MrzRecord], Field(discriminator="kind")]  # noqa: UP007
"""The same union as a pydantic field type, told apart by ``kind``: use it to
load a record of either card from JSON (``TypeAdapter(AnyRecord)``)."""
