"""vssid_id: read the QR codes on Vietnamese ID (CCCD / Căn cước) and BHYT cards.

>>> import vssid_id
>>> record = vssid_id.parse("001090123456||Nguyễn Văn An|05031990|Nam|Số 1 Phố Huế, Hà Nội|15082021")
>>> record.id_number, record.date_of_birth, record.gender.label_vi
('001090123456', datetime.date(1990, 3, 5), 'Nam')

The main entry points:

* :func:`parse` — a payload (str or bytes) to a :class:`CccdRecord` or :class:`BhytRecord`,
  or MRZ text to an :class:`MrzRecord`;
* :func:`decode` — an image to the :class:`QrPayload` objects on it;
* :func:`scan` — decode + parse;
* :func:`prefill` — both cards → the :class:`Registration`; :func:`declare` — the rest of the declaration
  (contact details, office, photos) → a :class:`Declaration` and its PDF; :func:`office_for` — the receiving
  social-insurance office;
* :func:`read_mrz` — the machine-readable zone on a card's back or a passport page to an :class:`MrzRecord`;
* :func:`scan_many` — many stored images (paths, directories, globs, URLs) to one row each, on worker
  processes or a Dask cluster (``vssid-scan --out results.parquet``);
* :mod:`vssid_id.codes` — the BHXH number, BHYT card code and CCCD number validators.

Everything is imported lazily, so ``import vssid_id`` costs nothing until a
name is used (the CLI's ``--help`` relies on that).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "parse": "cards.parsing",
    "parse_cccd": "cards.parsing",
    "parse_bhyt": "cards.parsing",
    "payload_kind": "cards.parsing",
    "CccdRecord": "cards.records",
    "AnyRecord": "cards.records",
    "CardRecord": "cards.records",
    "BhytRecord": "cards.records",
    "CccdVariant": "cards.records",
    "MrzRecord": "cards.records",
    "Record": "cards.records",
    "Gender": "cards.gender",
    "decode": "images.decoder",
    "decode_frames": "images.decoder",
    "QrPayload": "images.decoder",
    "scan": "scanning.scanner",
    "read_mrz": "scanning.mrz",
    "ScanResult": "scanning.scanner",
    "scan_many": "scanning.archive",
    "load_image": "images.loading",
    "mask_record": "cards.masking",
    "VssidError": "errors",
    "PayloadError": "errors",
    "UnknownPayloadKind": "errors",
    "MalformedPayload": "errors",
    "ChecksumMismatch": "errors",
    "InvalidCode": "errors",
    "InvalidFormat": "errors",
    "InvalidLength": "errors",
    "InvalidComponent": "errors",
    "InconsistentRecord": "errors",
    "ImageError": "errors",
    "ImageTooLarge": "errors",
    "BackendUnavailable": "errors",
    "CameraError": "errors",
    "scan_camera": "images.camera",
    "convert_address": "registration.addresses",
    "AddressConversion": "registration.addresses",
    "prefill": "registration.merge",
    "Registration": "registration.merge",
    "Conflict": "registration.merge",
    "Note": "registration.merge",
    "mask_registration": "registration.masking",
    "identity_card_valid_until": "cards.expiry",
    "RegistrationError": "errors",
    "NoCard": "errors",
    "TooManyCards": "errors",
    "Office": "registration.offices",
    "OFFICES": "registration.offices",
    "office_for": "registration.offices",
    "UnknownOffice": "errors",
    "declare": "declaration.declare",
    "Declaration": "declaration.declare",
    "DeclarationError": "errors",
    "DeclarationProblem": "errors",
}

__all__ = [
    "__version__",
    "parse",
    "parse_cccd",
    "parse_bhyt",
    "payload_kind",
    "CccdRecord",
    "AnyRecord",
    "CardRecord",
    "BhytRecord",
    "CccdVariant",
    "MrzRecord",
    "Record",
    "Gender",
    "decode",
    "decode_frames",
    "QrPayload",
    "scan",
    "read_mrz",
    "ScanResult",
    "scan_many",
    "load_image",
    "mask_record",
    "VssidError",
    "PayloadError",
    "UnknownPayloadKind",
    "MalformedPayload",
    "ChecksumMismatch",
    "InvalidCode",
    "InvalidFormat",
    "InvalidLength",
    "InvalidComponent",
    "InconsistentRecord",
    "ImageError",
    "ImageTooLarge",
    "BackendUnavailable",
    "CameraError",
    "scan_camera",
    "convert_address",
    "AddressConversion",
    "prefill",
    "Registration",
    "Conflict",
    "Note",
    "mask_registration",
    "identity_card_valid_until",
    "RegistrationError",
    "NoCard",
    "TooManyCards",
    "Office",
    "OFFICES",
    "office_for",
    "UnknownOffice",
    "declare",
    "Declaration",
    "DeclarationError",
    "DeclarationProblem",
]

if TYPE_CHECKING:  # pragma: no cover
    from .cards.expiry import identity_card_valid_until
    from .cards.gender import Gender
    from .cards.masking import mask_record
    from .cards.parsing import parse, parse_bhyt, parse_cccd, payload_kind
    from .cards.records import AnyRecord, BhytRecord, CardRecord, CccdRecord, CccdVariant, MrzRecord, Record
    from .declaration.declare import Declaration, declare
    from .errors import (
        BackendUnavailable,
        CameraError,
        ChecksumMismatch,
        DeclarationError,
        DeclarationProblem,
        ImageError,
        ImageTooLarge,
        InconsistentRecord,
        InvalidCode,
        InvalidComponent,
        InvalidFormat,
        InvalidLength,
        MalformedPayload,
        NoCard,
        PayloadError,
        RegistrationError,
        TooManyCards,
        UnknownOffice,
        UnknownPayloadKind,
        VssidError,
    )
    from .images.camera import scan_camera
    from .images.decoder import QrPayload, decode, decode_frames
    from .images.loading import load_image
    from .registration.addresses import AddressConversion, convert_address
    from .registration.masking import mask_registration
    from .registration.merge import Conflict, Note, Registration, prefill
    from .registration.offices import OFFICES, Office, office_for
    from .scanning.archive import scan_many
    from .scanning.mrz import read_mrz
    from .scanning.scanner import ScanResult, scan


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vssid_id' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
