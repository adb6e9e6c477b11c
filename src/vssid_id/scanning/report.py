"""Scan and parse results as JSON-ready dicts: what ``vssid-scan --json`` prints
and what ``vssid-serve``'s API returns, one shape for both.

* a record: its fields (``record.model_dump(mode="json")``), masked by
  :func:`vssid_id.cards.masking.mask_record` when ``mask`` is true;
* an error: ``{"type", "field", "message"}`` — the message never holds card data;
* where a code was found: ``{"backend", "step", "corners", "elapsed_ms"}``;
* one image: ``{"codes": [{"decoder": …, "record": …} or {"decoder": …, "error": …}, …]}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..cards.records import Record
    from ..images.decoder import QrPayload
    from .scanner import ScanResult

__all__ = ["record_dict", "error_dict", "payload_dict", "scan_entry", "parse_entry", "mrz_code"]


def record_dict(record: Record, *, mask: bool) -> dict[str, Any]:
    """The record's fields, JSON-ready; personal data masked when ``mask`` is true."""
    if mask:
        from ..cards.masking import mask_record

        return mask_record(record)
    return record.model_dump(mode="json")


def error_dict(error: BaseException) -> dict[str, Any]:
    """``{"type", "field", "message"}`` of one of our errors (or of an OS error)."""
    return {
        "type": type(error).__name__,
        "field": getattr(error, "field", None),
        "message": getattr(error, "reason", None) or getattr(error, "strerror", None) or str(error),
    }


def payload_dict(payload: QrPayload) -> dict[str, Any]:
    """Where and how a code was found."""
    return {
        "backend": payload.backend,
        "step": payload.step,
        "corners": [list(point) for point in payload.corners],
        "elapsed_ms": round(payload.elapsed * 1000, 2),
    }


def scan_entry(results: Iterable[ScanResult], *, mask: bool) -> dict[str, Any]:
    """The codes found on one image: each with its record or its error."""
    codes = []
    for result in results:
        code: dict[str, Any] = {"decoder": payload_dict(result.payload)}
        if result.record is not None:
            code["record"] = record_dict(result.record, mask=mask)
        elif result.error is not None:
            code["error"] = error_dict(result.error)
        codes.append(code)
    return {"codes": codes}


def mrz_code(record: Record, corners: Iterable[Iterable[float]], elapsed: float, *, mask: bool) -> dict[str, Any]:
    """A machine-readable zone read off an image, as one of ``codes``: its
    record, and where it was found (``backend`` and ``step`` are ``"mrz"``)."""
    decoder = {"backend": "mrz", "step": "mrz", "corners": [list(point) for point in corners],
               "elapsed_ms": round(elapsed * 1000, 2)}
    return {"decoder": decoder, "record": record_dict(record, mask=mask)}


def parse_entry(text: str | bytes, *, mask: bool) -> dict[str, Any]:
    """One payload given as text: ``{"codes": [{"record": …} or {"error": …}]}``."""
    from ..cards.parsing import parse
    from ..errors import VssidError

    try:
        return {"codes": [{"record": record_dict(parse(text), mask=mask)}]}
    except VssidError as error:
        return {"codes": [{"error": error_dict(error)}]}
