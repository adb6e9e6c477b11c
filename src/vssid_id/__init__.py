"""vssid_id: read the QR codes on Vietnamese ID (CCCD / Căn cước) and BHYT cards.

>>> import vssid_id
>>> record = vssid_id.parse("001090123456||Nguyễn Văn An|05031990|Nam|Số 1 Phố Huế, Hà Nội|15082021")
>>> record.id_number, record.date_of_birth, record.gender.label_vi
('001090123456', datetime.date(1990, 3, 5), 'Nam')

The main entry points:

* :func:`parse` — a payload (str or bytes) to a :class:`CccdRecord` or :class:`BhytRecord`;
* :func:`decode` — an image to the :class:`QrPayload` objects on it;
* :func:`scan` — decode + parse;
* :mod:`vssid_id.codes` — the BHXH number, BHYT card code and CCCD number validators.

Everything is imported lazily, so ``import vssid_id`` costs nothing until a
name is used (the CLI's ``--help`` relies on that).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "parse": "parsing",
    "parse_cccd": "parsing",
    "parse_bhyt": "parsing",
    "payload_kind": "parsing",
    "CccdRecord": "records",
    "AnyRecord": "records",
    "CardRecord": "records",
    "BhytRecord": "records",
    "CccdVariant": "records",
    "Record": "records",
    "Gender": "gender",
    "decode": "decoder",
    "decode_frames": "decoder",
    "QrPayload": "decoder",
    "scan": "scanner",
    "ScanResult": "scanner",
    "load_image": "image_input",
    "mask_record": "masking",
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
    "scan_camera": "camera",
    "convert_address": "addresses",
    "AddressConversion": "addresses",
    "prefill": "registration",
    "Registration": "registration",
    "Conflict": "registration",
    "Note": "registration",
    "mask_registration": "masking",
    "identity_card_valid_until": "expiry",
    "RegistrationError": "errors",
    "NoCard": "errors",
    "TooManyCards": "errors",
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
    "Record",
    "Gender",
    "decode",
    "decode_frames",
    "QrPayload",
    "scan",
    "ScanResult",
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
]

if TYPE_CHECKING:  # pragma: no cover
    from .addresses import AddressConversion, convert_address
    from .camera import scan_camera
    from .decoder import QrPayload, decode, decode_frames
    from .errors import (
        BackendUnavailable,
        CameraError,
        ChecksumMismatch,
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
        UnknownPayloadKind,
        VssidError,
    )
    from .expiry import identity_card_valid_until
    from .gender import Gender
    from .image_input import load_image
    from .masking import mask_record, mask_registration
    from .parsing import parse, parse_bhyt, parse_cccd, payload_kind
    from .records import AnyRecord, BhytRecord, CardRecord, CccdRecord, CccdVariant, Record
    from .registration import Conflict, Note, Registration, prefill
    from .scanner import ScanResult, scan


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vssid_id' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
