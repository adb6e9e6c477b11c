"""The OpenAPI 3.1 description of the API, served at ``/openapi.json``.

Written by hand (seven routes), with the record and registration schemas
generated from the pydantic models themselves so they cannot drift.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .. import __version__
from .bodies import MAX_TEXT_BODY_BYTES

__all__ = ["openapi_document"]

_REF = "#/components/schemas/{model}"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF.format(model=name)}


def _model_schemas() -> dict[str, Any]:
    from pydantic.json_schema import models_json_schema

    from ..cards.records import BhytRecord, CccdRecord, MrzRecord
    from ..declaration.declare import Declaration
    from ..registration.merge import Registration
    from ..registration.offices import Office

    models: list[Any] = [CccdRecord, BhytRecord, MrzRecord, Registration, Office, Declaration]
    _, schema = models_json_schema([(model, "serialization") for model in models], ref_template=_REF)
    defs: dict[str, Any] = schema.get("$defs", {})
    return defs


_ERROR_FIELDS: dict[str, Any] = {
    "type": "object",
    "required": ["type", "field", "message"],
    "properties": {
        "type": {"type": "string", "description": "the error's class, e.g. MalformedPayload, ImageError"},
        "field": {"type": ["string", "null"], "description": "the field the error is about"},
        "message": {"type": "string", "description": "what is wrong; never contains personal data"},
    },
}
_ERROR = {"type": "object", "required": ["error"], "properties": {"error": _ERROR_FIELDS}}

_RECORD = {"oneOf": [_ref("CccdRecord"), _ref("BhytRecord"), _ref("MrzRecord")]}

_SCAN = {
    "type": "object",
    "required": ["codes"],
    "description": "As `vssid-scan --json` prints it, plus `payload` (the code's text) when unmasked. "
                   "An empty `codes` list means no QR code (nor, when one was looked for, machine-readable "
                   "zone) was found. A zone read off the image is a code with backend and step `mrz`.",
    "properties": {"codes": {"type": "array", "items": {
        "type": "object",
        "properties": {
            "decoder": {"type": "object", "properties": {
                "backend": {"type": "string"}, "step": {"type": "string"},
                "corners": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
                "elapsed_ms": {"type": "number"},
            }},
            "record": _RECORD,
            "error": _ERROR_FIELDS,
            "payload": {"type": "string", "description": "the QR text, or the MRZ's lines (only when not masked)"},
        },
    }}},
}

_PROBLEM = {"type": "object", "required": ["field", "kind", "message"], "properties": {
    "field": {"type": "string", "description": "the field: phone, email, office, portrait, id_front, id_back, "
                                               "full_name, bhxh_code, id_number, date_of_birth …"},
    "kind": {"type": "string", "description": "a stable code: missing, invalid, not_mobile, no_face, unknown …"},
    "message": {"type": "string", "description": "in English, for programs; never contains personal data"},
}}
_DECLARATION_ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["type", "problems"],
    "properties": {"type": {"const": "DeclarationError"}, "field": {"type": "null"}, "message": {"type": "string"},
                   "problems": {"type": "array", "items": _PROBLEM}}}}}
_TYPED_FIELDS = {name: {"type": "string", "description": description} for name, description in (
    ("full_name", "typed over the cards' name"), ("bhxh_code", "typed: 10 digits"),
    ("id_number", "typed: the 12-digit CCCD number"), ("old_id_number", "typed: the CMND number (9 or 12 digits)"),
    ("date_of_birth", "typed: dd/mm/yyyy, mm/yyyy or yyyy"), ("gender", "typed: male or female"),
    ("address", "typed over the card's address"),
    ("contact_address", "the contact address (default: the 2025 address, else the card's)"))}

_MASK = {"name": "mask", "in": "query", "required": False, "schema": {"type": "boolean", "default": False},
         "description": "mask personal data as `vssid-scan` does by default"}
_ALL = {"name": "all", "in": "query", "required": False, "schema": {"type": "boolean", "default": False},
        "description": "report every QR code on an image, not just the first card"}
_MRZ = {"name": "mrz", "in": "query", "required": False, "schema": {"type": "boolean"},
        "description": "true: also read the machine-readable zone (the back of a CCCD / Căn cước card, a "
                       "passport page) when a QR code is found; absent: read it when none is; false: never"}


def _errors(*statuses: int) -> dict[str, Any]:
    text = {400: "malformed request, or a Host header this server does not answer to (UnknownHost)",
            408: "the body arrived too slowly (RequestTimeout; the connection is closed)",
            413: "body over the size cap, or more multipart parts than allowed (TooManyParts)",
            415: "unsupported Content-Type",
            422: "not a card: unreadable image, no QR code, invalid payload; too many payloads (TooManyInputs)",
            503: "too many decodes or image pixels in flight (Retry-After: 1)", 504: "over the per-request time limit"}
    return {str(status): {"description": text[status],
                          "content": {"application/json": {"schema": _ref("Error")}}} for status in statuses}


@lru_cache(maxsize=4)
def openapi_document(max_body_bytes: int) -> dict[str, Any]:
    """The OpenAPI document (``max_body_bytes`` is stated in the description)."""
    image_body = {
        "multipart/form-data": {"schema": {"type": "object", "required": ["image"],
                                           "properties": {"image": {"type": "string", "format": "binary"}}}},
        "image/*": {"schema": {"type": "string", "format": "binary"}},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
    }
    schemas = {**_model_schemas(), "Error": _ERROR, "ScanResult": _SCAN}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "vssid_id",
            "version": __version__,
            "description": "Read the QR codes of Vietnamese CCCD / Căn cước and BHYT cards, and prefill the "
                           "BHXH registration form. Results are unmasked unless `?mask=true`. Request bodies "
                           f"holding images are capped at {max_body_bytes:,} bytes, bodies holding payloads "
                           f"only (JSON, text) at {MAX_TEXT_BODY_BYTES:,} (413 over it). Errors: "
                           '`{"error": {"type", "field", "message"}}`, never with personal data.',
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/scan": {"post": {
                "summary": "Decode one image and parse its card QR codes (or its machine-readable zone)",
                "parameters": [_MASK, _ALL, _MRZ],
                "requestBody": {"required": True, "content": image_body,
                                "description": "multipart field `image`, or the image bytes as the body"},
                "responses": {"200": {"description": "the codes found",
                                      "content": {"application/json": {"schema": _ref("ScanResult")}}},
                              **_errors(400, 408, 413, 422, 503, 504)},
            }},
            "/api/parse": {"post": {
                "summary": "Parse one QR payload text, or the text of a machine-readable zone (MRZ)",
                "parameters": [_MASK],
                "requestBody": {"required": True, "content": {
                    "text/plain": {"schema": {"type": "string"}},
                    "application/json": {"schema": {"type": "object", "required": ["payload"],
                                                    "properties": {"payload": {"type": "string"}}}},
                }},
                "responses": {"200": {"description": "the record", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"record": _RECORD},
                }}}}, **_errors(400, 408, 413, 415, 422)},
            }},
            "/api/prefill": {"post": {
                "summary": "Prefill the registration form from card images and/or payloads",
                "parameters": [_MASK, _ALL],
                "requestBody": {"required": True, "content": {
                    "multipart/form-data": {"schema": {"type": "object", "properties": {
                        "image": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "payload": {"type": "array", "items": {"type": "string"}},
                    }}},
                    "application/json": {"schema": {"type": "object", "required": ["payloads"], "properties": {
                        "payloads": {"type": "array", "items": {"type": "string"}}}}},
                }},
                "responses": {"200": {"description": "the registration, with conflicts between the cards",
                                      "content": {"application/json": {"schema": {"type": "object", "properties": {
                                          "registration": _ref("Registration"),
                                          "form": {"type": "object", "description": "to_form() (unmasked only)"},
                                      }}}}},
                              **_errors(400, 408, 413, 415, 422, 503, 504)},
            }},
            "/api/check": {"post": {
                "summary": "Check typed fields (as the person leaves each) with the library's rules",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {**_TYPED_FIELDS, "phone": {"type": "string"},
                                                     "email": {"type": "string"}, "office": {"type": "string"}},
                    "additionalProperties": False}}}},
                "responses": {"200": {"description": "the normal forms of the valid values and the problems of "
                                                     "the others",
                                      "content": {"application/json": {"schema": {"type": "object", "properties": {
                                          "values": {"type": "object", "additionalProperties": {"type": "string"}},
                                          "problems": {"type": "array", "items": _PROBLEM}}}}}},
                              **_errors(400, 413, 415, 422)},
            }},
            "/api/declaration": {"post": {
                "summary": "Build the declaration (vssid_id.declare): the PDF, or its JSON with "
                           "`Accept: application/json`",
                "parameters": [{"name": "check", "in": "query", "required": False,
                                "schema": {"type": "boolean", "default": False},
                                "description": "only check: 200 `{\"problems\": []}` or the 422"},
                               {"name": "pdf", "in": "query", "required": False,
                                "schema": {"type": "boolean", "default": False},
                                "description": "with `Accept: application/json`: the PDF too, base64 in `pdf` "
                                               "(one declaration for both)"}],
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["phone", "email", "portrait", "id_front", "id_back"],
                    "properties": {
                        "payload": {"type": "array", "items": {"type": "string"}, "description": "card QR texts"},
                        "image": {"type": "array", "items": {"type": "string", "format": "binary"},
                                  "description": "card photos to scan"},
                        "phone": {"type": "string", "description": "a Vietnamese mobile number"},
                        "email": {"type": "string"},
                        "office": {"type": "string", "description": "an office or a province, old or new "
                                                                   "(default: the address's)"},
                        "portrait": {"type": "string", "format": "binary", "description": "ảnh chân dung 4x6"},
                        "id_front": {"type": "string", "format": "binary"},
                        "id_back": {"type": "string", "format": "binary"},
                        **_TYPED_FIELDS}}}}},
                "responses": {"200": {"description": "the declaration", "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "application/json": {"schema": {"type": "object", "properties": {
                        "declaration": _ref("Declaration"), "form": {"type": "object"},
                        "pdf": {"type": "string", "format": "byte", "description": "with `?pdf=true`"}}}}}},
                    "422": {"description": "problems, each at its field (or not a card)", "content": {
                        "application/json": {"schema": {"oneOf": [_DECLARATION_ERROR, _ref("Error")]}}}},
                    **_errors(400, 413, 415, 503, 504)},
            }},
            "/api/offices": {"get": {
                "summary": "The 34 receiving offices with the provinces they covered before July 2025",
                "responses": {"200": {"description": "vssid_id.OFFICES", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"offices": {"type": "array", "items": _ref("Office")}}}}}}},
            }},
            "/healthz": {"get": {"summary": "Liveness", "responses": {"200": {"description": "ok"}}}},
        },
        "components": {"schemas": schemas},
    }
