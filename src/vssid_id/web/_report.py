"""The CLI's JSON shapes (a local copy until ``vssid_id.report`` lands on main).

Same output as ``vssid-scan --json``: a record as ``model_dump(mode="json")``
(or masked by :func:`vssid_id.masking.mask_record`), an error as
``{type, field, message}``, where a code was found as
``{backend, step, corners, elapsed_ms}``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["record_dict", "error_dict", "payload_dict", "scan_entry"]


def record_dict(record: Any, *, mask: bool) -> dict[str, Any]:
    if mask:
        from ..masking import mask_record

        return mask_record(record)
    data: dict[str, Any] = record.model_dump(mode="json")
    return data


def error_dict(error: BaseException) -> dict[str, Any]:
    return {"type": type(error).__name__, "field": getattr(error, "field", None),
            "message": getattr(error, "reason", str(error))}


def payload_dict(payload: Any) -> dict[str, Any]:
    return {
        "backend": payload.backend,
        "step": payload.step,
        "corners": [list(point) for point in payload.corners],
        "elapsed_ms": round(payload.elapsed * 1000, 2),
    }


def scan_entry(results: Any, *, mask: bool) -> dict[str, Any]:
    codes = []
    for result in results:
        code: dict[str, Any] = {"decoder": payload_dict(result.payload)}
        if result.record is not None:
            code["record"] = record_dict(result.record, mask=mask)
        else:
            code["error"] = error_dict(result.error)
        codes.append(code)
    return {"codes": codes}
