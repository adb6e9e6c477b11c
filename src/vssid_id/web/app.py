"""The Starlette application of ``vssid-serve``: the page and the JSON API.

Routes (described for machines at ``/openapi.json``, for people in README.md):

=======================  =====================================================
``GET /``                the registration form (Vietnamese), static assets
                         under ``/static/``
``POST /api/scan``       one image → the scan results, as ``vssid-scan --json``
``POST /api/parse``      one payload text → its record
``POST /api/prefill``    images and/or payloads → the registration with its
                         conflicts (:func:`vssid_id.prefill`)
``POST /api/check``      typed fields → their problems (:mod:`.edits`), as the
                         person leaves a field
``POST /api/declaration`` the cards, the contact details, the three photos and
                         the office → the declaration's PDF (or its JSON), or
                         422 with every problem (:func:`vssid_id.declare`)
``GET /api/offices``     the 34 receiving offices with their former provinces
``GET /healthz``         ``{"status": "ok"}``
``GET /openapi.json``    the OpenAPI 3.1 description
=======================  =====================================================

Privacy: results are returned unmasked (the caller is the service that asked)
unless ``?mask=true``; nothing is stored; the log holds one line per request
(method, path, status, milliseconds) and never a query string or a body;
every response carries a Content-Security-Policy that allows no other host.

Bad input gets a 4xx with ``{"error": {"type", "field", "message"}}`` (see
:mod:`.problems`); statuses: 400 malformed request or a ``Host`` this server
does not answer to (``UnknownHost``), 404/405 no such route, 408 a body that
arrived too slowly (:mod:`.connections`), 413 body over the cap or too many
multipart parts, 415 unsupported Content-Type, 422 the content is not a card
(unreadable image, no QR code, invalid payload) or too many payloads, 503 too
many decodes, image pixels or body bytes in flight, 504 over the time limit
(see :mod:`.workers`). No ``Access-Control-*`` header is sent unless origins
are configured (``cors_origins``); no redirect is ever sent.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .. import __version__
from ..cards.text import MAX_PAYLOAD_CHARS
from ..images.loading import DEFAULT_MAX_BYTES
from .bodies import MAX_TEXT_BODY_BYTES, Part, media_type, read_body, read_form, read_large_body
from .problems import ApiError, error_body
from .workers import DEFAULT_PIXEL_BUDGET, WorkerPool

if TYPE_CHECKING:  # pragma: no cover
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["create_app", "MAX_BODY_BYTES", "MAX_PAYLOAD_CHARS", "CONTENT_SECURITY_POLICY"]

T = TypeVar("T")

#: The body cap is the image loader's byte cap (``vssid-scan``'s): one figure for both.
MAX_BODY_BYTES = DEFAULT_MAX_BYTES

#: The request bodies being received or held, all requests together: five at
#: the body cap. With the decode pool's pixel budget this bounds the memory
#: that concurrent uploads can take (docs/benchmarks.md, "vssid-serve under abuse").
MAX_BODY_BYTES_IN_FLIGHT = 256 * 1024 * 1024

#: Most inputs (images and payloads) one /api/prefill request may carry: a
#: registration needs two cards; more is refused before any is parsed or decoded
#: (413 for multipart parts, 422 for a JSON list).
MAX_PREFILL_INPUTS = 8

#: Nothing but this origin: scripts, styles, images, camera frames and API
#: calls all come from the app itself; no inline script, no other host.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob: mediastream:; connect-src 'self'; manifest-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(self), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]

STATIC = Path(__file__).resolve().parent / "static"

logger = logging.getLogger("vssid_id.web")

def host_allowed(host: str | None, names: frozenset[str]) -> bool:
    """Whether a ``Host`` header names this server (DNS rebinding guard).

    Accepted: no header (HTTP/1.0; browsers always send one), any IP address
    (``127.0.0.1:8000``, ``[::1]``, a LAN address: an attacker cannot rebind
    an address, only a name), and the ``names`` (case-insensitive, port and
    trailing dot ignored); ``"*"`` among the names accepts any host.
    """
    if host is None or "*" in names:
        return True
    host = host.strip().lower()
    if host.startswith("["):  # [IPv6]:port
        address, bracket, _ = host[1:].partition("]")
        if not bracket:
            return False
        name = address
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        pass
    return name.rstrip(".") in names


class _Guard:
    """Pure ASGI middleware: Host check, security headers, one log line per request, no leaking 500s.

    * A ``Host`` header that does not name this server (:func:`host_allowed`)
      is refused with 400 ``UnknownHost`` before any route runs.
    * Every response gets the security headers (CSP, ``Cache-Control: no-store``, …);
      a response sent before the request body has arrived gets ``Connection: close``
      (the server then lingers, :mod:`.connections`, instead of draining a body it refused).
    * The log line is ``METHOD PATH STATUS MILLISECONDS``. The path is logged only
      when it is one of the app's own routes or static files, byte for byte (a
      mistyped or crafted path can carry card data, CR, ESC, NUL or U+2028): any
      other is logged as ``-``, as is a method outside HTTP's usual ones; query
      strings and bodies are never logged.
    * The bodies of the requests in progress hold at most ``body_budget`` bytes
      together (:data:`MAX_BODY_BYTES_IN_FLIGHT`): a request whose
      ``Content-Length`` does not fit gets 503 (``Retry-After: 1``) before its
      body is read, a chunked one as soon as its count passes the budget.
    * An exception that escapes a route becomes a JSON 500 here and its type
      name is logged, never its message or traceback (they may hold card data).
    """

    def __init__(self, app: ASGIApp, allowed_hosts: frozenset[str] | None, known_paths: frozenset[str],
                 body_budget: int, body_cap: int) -> None:
        self.app = app
        self.body_cap = body_cap
        self.allowed_hosts = allowed_hosts
        self.known_paths = known_paths
        self.body_budget = body_budget
        self.body_bytes = 0  # bytes of the bodies of the requests in progress (declared or counted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        started = False
        framing = {name: value for name, value in scope["headers"] if name in (b"content-length", b"transfer-encoding")}
        body_done = not framing or framing == {b"content-length": b"0"}
        declared = framing.get(b"content-length", b"")
        # A declared body over the cap is refused (413) before it is read: it holds nothing.
        held = int(declared) if declared.isdigit() and b"transfer-encoding" not in framing else 0
        held = held if held <= self.body_cap else 0
        counted = 0

        async def receive_tracked() -> Message:
            nonlocal body_done, counted, held
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            counted += len(message.get("body", b""))
            if counted > held:  # chunked (or a lying Content-Length): held as counted
                self.body_bytes += counted - held
                held = counted
                if self.body_bytes > self.body_budget:
                    raise _body_budget_full(self.body_bytes)
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                extra = [] if body_done else [(b"connection", b"close")]
                message["headers"] = [*message.get("headers", []), *_HEADERS, *extra]
            await send(message)

        self.body_bytes += held
        try:
            if self.allowed_hosts is not None:
                host = next((value.decode("latin-1") for name, value in scope["headers"] if name == b"host"), None)
                if not host_allowed(host, self.allowed_hosts):
                    await _send_error(send_with_headers, 400, "UnknownHost",
                                      "this server does not answer to that Host name (see vssid-serve --allow-host)")
                    return
            if held and self.body_bytes > self.body_budget:
                full = _body_budget_full(self.body_bytes - held)
                await _send_error(send_with_headers, full.status, full.type, full.message, full.headers)
                return
            await self.app(scope, receive_tracked, send_with_headers)
        except Exception as error:
            logger.error("internal error: %s", type(error).__name__)
            if not started:
                await _send_error(send_with_headers, 500, "InternalError", "the server failed on this request")
        finally:
            self.body_bytes -= held
            path = scope["path"]
            known = path in self.known_paths and status != 404
            method = scope["method"] if scope["method"] in _METHODS else "-"
            logger.info("%s %s %d %.1fms", method, path if known else "-", status,
                        (time.perf_counter() - start) * 1000)


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


async def _send_error(send: Send, status: int, type_: str, message: str,
                      headers: Mapping[str, str] | None = None) -> None:
    body = json.dumps(error_body(type_, message)).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in (headers or {}).items())]})
    await send({"type": "http.response.body", "body": body})


def _body_budget_full(in_flight: int) -> ApiError:
    return ApiError(503, "ServerBusy", f"{in_flight / 2**20:.0f} MiB of request bodies are already being "
                    "received; retry in a moment", headers={"Retry-After": "1"})


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    from starlette.responses import Response

    body = json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    return Response(body, status, headers=headers, media_type="application/json")


def _flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name)
    if value is None:
        return False
    value = value.lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise ApiError(400, "BadRequest", f"the query parameter {name!r} must be true or false", field=name)


def _payload_text(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise ApiError(422, "BadRequest", "a payload must be a JSON string", field=field)
    if len(value) > MAX_PAYLOAD_CHARS:
        raise ApiError(422, "PayloadTooLong",
                       f"a payload has at most {MAX_PAYLOAD_CHARS} characters (a QR code holds less)", field=field)
    return value


def _utf8(data: bytes | bytearray, field: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "BadEncoding", "the payload is not valid UTF-8", field=field) from None


def _json_body(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise ApiError(400, "BadJson", "the body is not valid JSON") from None


def _scan_image(image: bytes | bytearray, find_all: bool) -> list[Any]:
    """Runs in a worker thread: decode and parse, every failure as an :class:`ApiError`."""
    from ..errors import VssidError
    from ..scanning.scanner import scan

    try:
        return scan(image, find_all=find_all)
    except VssidError as error:
        raise ApiError(422, type(error).__name__, getattr(error, "reason", str(error)), error.field) from None
    except Exception as error:  # a dependency failing on a hostile image: never a 500
        logger.warning("decoding failed inside a dependency: %s", type(error).__name__)
        raise ApiError(422, "ImageError", f"the image could not be decoded ({type(error).__name__})") from None


def _read_mrz(image: bytes) -> Any:
    """Runs in a worker thread: the machine-readable zone's (record, reading), or None."""
    from ..errors import VssidError
    from ..scanning.mrz import read_mrz_reading

    try:
        return read_mrz_reading(image)
    except VssidError as error:
        raise ApiError(422, type(error).__name__, getattr(error, "reason", str(error)), error.field) from None
    except Exception as error:  # a dependency failing on a hostile image: never a 500
        logger.warning("reading the MRZ failed inside a dependency: %s", type(error).__name__)
        raise ApiError(422, "ImageError", f"the image could not be read ({type(error).__name__})") from None


def _mrz_json(found: Any, mask: bool) -> dict[str, Any]:
    """The zone as one of ``codes`` (the raw lines only when unmasked, as a QR code's payload)."""
    from ..scanning.report import mrz_code

    record, reading = found
    code = mrz_code(record, reading.corners, reading.elapsed, mask=mask)
    if not mask:
        code["payload"] = reading.text
    return code


def _scan_json(results: list[Any], mask: bool) -> dict[str, Any]:
    from ..scanning.report import scan_entry

    entry = scan_entry(results, mask=mask)
    if not mask:  # the text itself, for a later /api/prefill (personal data: never when masked)
        for code, result in zip(entry["codes"], results, strict=True):
            code["payload"] = result.payload.text
    return entry


#: The multipart fields of /api/declaration that carry a photo of the declaration (not a card to scan).
DECLARATION_PHOTOS = ("portrait", "id_front", "id_back")

#: Its text fields: the contact details, the office, and the fields a person typed (:mod:`.edits`).
DECLARATION_TEXT = ("phone", "email", "office")


def _offices() -> list[dict[str, Any]]:
    """The 34 offices as the API gives them (:class:`vssid_id.Office`: ``name``, ``province_2025``,
    ``province_2025_code``, ``former_provinces``, ``region``)."""
    from ..registration.offices import OFFICES

    return [office.model_dump(mode="json") for office in OFFICES]


def _check_typed(values: Mapping[str, Any]) -> dict[str, Any]:
    """/api/check: each typed field checked by the library's rule; phone and e-mail by the declaration's."""
    from .edits import TYPED_FIELDS, check_field

    problems: list[dict[str, str]] = []
    normalised: dict[str, Any] = {}
    for field, text in values.items():
        if field not in (*TYPED_FIELDS, *DECLARATION_TEXT):
            raise ApiError(400, "BadRequest", f"no field {field!r} to check", field=field)
        if not isinstance(text, str):
            raise ApiError(422, "BadRequest", "each value must be a JSON string", field=field)
        if len(text) > MAX_PAYLOAD_CHARS:
            raise ApiError(422, "PayloadTooLong", f"a value has at most {MAX_PAYLOAD_CHARS} characters",
                           field=field)
        if field in DECLARATION_TEXT:
            value, problem = _check_contact(field, text)
        else:
            value, problem = check_field(field, text)
        if problem:
            problems.append(problem)
        elif value is not None:
            normalised[field] = _typed_text(value)
    return {"values": normalised, "problems": problems}


def _typed_text(value: Any) -> str:
    """A checked value as the page writes it: a date of birth ``dd/mm/yyyy`` (``mm/yyyy``, ``yyyy``), a gender
    ``male`` / ``female``, any other as it is."""
    from ..cards.dates import format_birth_date
    from ..cards.gender import Gender

    if isinstance(value, tuple):
        full, month, year = value
        return format_birth_date(full, month, year, slashes=True)
    if isinstance(value, Gender):
        return value.value
    return str(value)


def _check_contact(field: str, text: str) -> tuple[str | None, dict[str, str] | None]:
    """The phone number, e-mail address or office checked by the declaration's own rules."""
    from ..declaration.contact import normalise_email, normalise_phone
    from ..errors import UnknownOffice
    from ..registration.offices import office_for

    if not text.strip():
        return None, None
    if field == "office":
        try:
            return office_for(text).name, None
        except UnknownOffice as error:
            return None, {"field": "office", "kind": "unknown", "message": error.reason}
    checked = normalise_phone(text) if field == "phone" else normalise_email(text)
    if isinstance(checked, str):
        return checked, None
    return None, {"field": checked.field, "kind": checked.kind, "message": checked.message}


def create_app(
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    threads: int | None = None,
    max_pending: int | None = None,
    time_limit: float = 15.0,
    pixel_budget: int = DEFAULT_PIXEL_BUDGET,
    body_budget: int = MAX_BODY_BYTES_IN_FLIGHT,
    allowed_hosts: Iterable[str] | None = None,
    cors_origins: Iterable[str] = (),
) -> Starlette:
    """The application; the limits are described in :mod:`.workers` and :mod:`.bodies`.

    ``allowed_hosts``: the ``Host`` names to answer besides IP addresses (see
    :func:`host_allowed`); ``None`` checks no Host header (an app mounted behind
    a proxy that checks it, or in process); ``vssid-serve`` always gives its
    list. ``cors_origins``: the origins whose pages may read the API's answers
    (CORS); none by default, so no ``Access-Control-*`` header is ever sent.
    """
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.responses import HTMLResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    pool = WorkerPool(threads, max_pending, time_limit, pixel_budget)

    async def admitted(deadline: float, image: bytes | bytearray, work: Callable[..., T], *args: Any) -> T:
        """``work(image bytes, *args)`` in the decode pool, admitted by the image's pixels (see :mod:`.workers`)."""
        from ..images.loading import header_pixels

        def measure() -> tuple[bytes, int | None]:
            # One copy, off the loop: the loader and Pillow then share these bytes (a bytearray
            # would be copied by each, with the GIL held, 10-40 ms each for 49 MB).
            data = image if isinstance(image, bytes) else bytes(image)
            return data, header_pixels(data)

        data, pixels = await pool.run_light(deadline, measure)
        return await pool.run(deadline, work, data, *args, pixels=pixels or 0)

    async def decode(deadline: float, image: bytes | bytearray, find_all: bool) -> list[Any]:
        """The image's scan results."""
        return await admitted(deadline, image, _scan_image, find_all)

    async def image_from(request: Request) -> bytes | bytearray:
        if media_type(request) == "multipart/form-data":
            parts = await read_form(request, max_body_bytes)
            images = [part for part in parts if part.name == "image"]
            if len(images) != 1:
                raise ApiError(400, "BadRequest", "give exactly one multipart field 'image' "
                               "(/api/prefill takes several)", field="image")
            body = images[0].data
        else:
            body = await read_large_body(request, max_body_bytes)
        if not body:
            raise ApiError(400, "BadRequest", "the request holds no image", field="image")
        return body

    async def scan_endpoint(request: Request) -> Response:
        deadline = time.monotonic() + time_limit
        mask, find_all = _flag(request, "mask"), _flag(request, "all")
        # ?mrz=true: read the zone too; absent: when no QR code is found; ?mrz=false: never (the page's camera loop)
        mrz = None if request.query_params.get("mrz") is None else _flag(request, "mrz")
        image = await image_from(request)
        results = await decode(deadline, image, find_all)
        entry = _scan_json(results, mask)
        if mrz or (mrz is None and not results):  # the back of the card, a passport page
            found = await admitted(deadline, image, _read_mrz)
            if found is not None:
                entry["codes"].append(_mrz_json(found, mask))
        return _json(entry)

    async def parse_endpoint(request: Request) -> Response:
        from ..cards.parsing import parse
        from ..errors import VssidError
        from ..scanning.report import error_dict, record_dict

        mask = _flag(request, "mask")
        body = await read_body(request, min(max_body_bytes, MAX_TEXT_BODY_BYTES))
        kind = media_type(request)
        if kind == "application/json":
            data = _json_body(body)
            if not isinstance(data, dict) or "payload" not in data:
                raise ApiError(422, "BadRequest", 'give a JSON object {"payload": "..."}', field="payload")
            text = _payload_text(data["payload"], "payload")
        elif kind in ("text/plain", ""):
            text = _payload_text(_utf8(body, "payload"), "payload")
        else:
            raise ApiError(415, "UnsupportedMediaType", "send the payload as text/plain or as JSON")
        try:
            record = parse(text)
        except VssidError as error:
            return _json({"error": error_dict(error)}, 422)
        return _json({"record": record_dict(record, mask=mask)})

    async def prefill_inputs(request: Request) -> list[tuple[str, str | bytes | bytearray]]:
        kind = media_type(request)
        inputs: list[tuple[str, str | bytes | bytearray]] = []
        if kind == "multipart/form-data":
            # Refused (413) at the part too many, before the rest of the body is read.
            parts: list[Part] = await read_form(request, max_body_bytes, max_parts=MAX_PREFILL_INPUTS)
            for part in parts:
                if part.name == "image":
                    if not part.data:
                        raise ApiError(400, "BadRequest", "an 'image' field is empty", field="image")
                    inputs.append(("image", part.data))
                elif part.name == "payload":
                    inputs.append(("payload", _payload_text(_utf8(part.data, "payload"), "payload")))
                else:
                    raise ApiError(400, "BadRequest", "the multipart fields are 'image' and 'payload'")
        elif kind == "application/json":
            data = _json_body(await read_body(request, min(max_body_bytes, MAX_TEXT_BODY_BYTES)))
            payloads = data.get("payloads") if isinstance(data, dict) else None
            if not isinstance(payloads, list):
                raise ApiError(422, "BadRequest", 'give a JSON object {"payloads": ["...", "..."]}',
                               field="payloads")
            if len(payloads) > MAX_PREFILL_INPUTS:  # before a single one is looked at
                raise ApiError(422, "TooManyInputs", f"give at most {MAX_PREFILL_INPUTS} images and payloads",
                               field="payloads")
            inputs = [("payload", _payload_text(value, "payloads")) for value in payloads]
        else:
            raise ApiError(415, "UnsupportedMediaType",
                           "send multipart/form-data (fields 'image', 'payload') or JSON {\"payloads\": [...]}")
        if not inputs:
            raise ApiError(400, "BadRequest", "give at least one image or payload")
        return inputs

    async def prefill_endpoint(request: Request) -> Response:
        from ..cards.parsing import parse
        from ..errors import VssidError

        deadline = time.monotonic() + time_limit
        mask, find_all = _flag(request, "mask"), _flag(request, "all")
        items: list[Any] = []  # records from payloads, ScanResults from images
        counts = {"image": 0, "payload": 0}
        for source, value in await prefill_inputs(request):
            counts[source] += 1
            where = f"{source} {counts[source]}"
            if isinstance(value, str):
                try:
                    items.append(parse(value))
                except VssidError as error:
                    raise ApiError(422, type(error).__name__, f"{where}: {error.reason}", error.field) from None
                continue
            results = await decode(deadline, value, find_all)
            if not results:
                found = await admitted(deadline, value, _read_mrz)
                if found is None:
                    raise ApiError(422, "NoCodeFound",
                                   f"{where}: no QR code or machine-readable zone found on the image")
                results = [found[0]]
            items.extend(results)  # a code that does not parse becomes prefill's "unreadable_code" note

        def merge() -> Any:
            from ..registration.merge import prefill

            try:
                return prefill(*items)
            except VssidError as error:  # no card among the codes read, two different cards of one kind
                raise ApiError(422, type(error).__name__, getattr(error, "reason", str(error)), error.field) from None

        registration = await pool.run_light(deadline, merge)  # no decode slot: payloads wait for no image
        result: dict[str, Any] = {}
        if mask:
            from ..registration import mask_registration

            result["registration"] = mask_registration(registration)
        else:
            result["registration"] = registration.model_dump(mode="json")
            result["form"] = registration.to_form()
        return _json(result)

    async def check_endpoint(request: Request) -> Response:
        body = await read_body(request, min(max_body_bytes, MAX_TEXT_BODY_BYTES))
        if media_type(request) != "application/json":
            raise ApiError(415, "UnsupportedMediaType", 'send a JSON object {"field": "value", ...}')
        data = _json_body(body)
        if not isinstance(data, dict):
            raise ApiError(422, "BadRequest", 'give a JSON object {"field": "value", ...}')
        return _json(_check_typed(data))

    async def offices_endpoint(request: Request) -> Response:
        return _json({"offices": _offices()})

    async def declaration_endpoint(request: Request) -> Response:
        from ..cards.parsing import parse
        from ..errors import VssidError
        from .edits import TYPED_FIELDS, apply_edits

        deadline = time.monotonic() + time_limit
        check_only = _flag(request, "check")
        if media_type(request) != "multipart/form-data":
            raise ApiError(415, "UnsupportedMediaType", "send multipart/form-data (see /openapi.json)")
        max_parts = MAX_PREFILL_INPUTS + len(DECLARATION_PHOTOS) + len(DECLARATION_TEXT) + len(TYPED_FIELDS)
        parts = await read_form(request, max_body_bytes, max_parts)
        cards: list[tuple[str, str | bytes | bytearray]] = []
        photos: dict[str, bytes | bytearray] = {}
        texts: dict[str, str] = {}
        typed: dict[str, str] = {}
        for part in parts:
            if part.name == "image" and part.data:
                cards.append(("image", part.data))
            elif part.name == "payload":
                cards.append(("payload", _payload_text(_utf8(part.data, "payload"), "payload")))
            elif part.name in DECLARATION_PHOTOS:
                if part.name in photos:
                    raise ApiError(400, "BadRequest", f"give one {part.name!r}", field=part.name)
                if part.data:
                    photos[part.name] = part.data
            elif part.name in DECLARATION_TEXT or part.name in TYPED_FIELDS:
                text = _utf8(part.data, part.name)
                if len(text) > MAX_PAYLOAD_CHARS:
                    raise ApiError(422, "PayloadTooLong", f"a field has at most {MAX_PAYLOAD_CHARS} characters",
                                   field=part.name)
                (texts if part.name in DECLARATION_TEXT else typed)[part.name] = text
            elif part.name != "image":
                raise ApiError(400, "BadRequest", f"no multipart field {part.name!r} (see /openapi.json)")
        if not cards:
            raise ApiError(422, "NoCard", "give the cards: their QR payloads ('payload') or photos ('image')",
                           field="payload")
        if len(cards) > MAX_PREFILL_INPUTS:
            raise ApiError(400, "BadRequest", f"give at most {MAX_PREFILL_INPUTS} card images and payloads")
        items: list[Any] = []
        for _, value in cards:
            if isinstance(value, str):
                try:
                    items.append(parse(value))
                except VssidError as error:
                    raise ApiError(422, type(error).__name__, error.reason, error.field) from None
            else:
                items.extend(await decode(deadline, value, False))

        def build() -> Any:
            from .. import declare
            from ..errors import DeclarationError
            from ..registration.merge import prefill

            try:
                registration = prefill(*items)
            except VssidError as error:
                raise ApiError(422, type(error).__name__, getattr(error, "reason", str(error)), error.field) \
                    from None
            registration, problems = apply_edits(registration, typed)

            def photo(name: str) -> bytes | None:
                data = photos.get(name)
                return None if data is None else bytes(data)

            try:
                declaration = declare(
                    registration, phone=texts.get("phone", ""), email=texts.get("email", ""),
                    portrait=photo("portrait"), id_front=photo("id_front"), id_back=photo("id_back"),
                    office=texts.get("office") or None, contact_address=typed.get("contact_address") or None)
            except DeclarationError as error:
                typed_wrong = {problem["field"] for problem in problems}  # its own problem says more than "missing"
                problems.extend(dict(field=p.field, kind=p.kind, message=p.message) for p in error.problems
                                if p.field not in typed_wrong)
                return None, problems
            return declaration, problems

        def photo_pixels() -> int:
            from ..images.loading import header_pixels

            return sum(header_pixels(photo) or 0 for photo in photos.values())

        # declare() loads the three photos: admitted to the decode pool by their pixels, as a scan is.
        pixels = await pool.run_light(deadline, photo_pixels)
        declaration, problems = await pool.run(deadline, build, pixels=pixels)
        if problems:
            return _json({"error": {"type": "DeclarationError", "field": None,
                                    "message": "the declaration has problems: see problems",
                                    "problems": problems}}, 422)
        if check_only:
            return _json({"problems": []})
        if "application/json" in request.headers.get("accept", ""):
            body = {"declaration": declaration.model_dump(mode="json"), "form": declaration.to_form()}
            if _flag(request, "pdf"):  # the page's Gửi: the JSON and the PDF from one declare()
                body["pdf"] = base64.b64encode(await pool.run(deadline, declaration.to_pdf)).decode("ascii")
            return _json(body)
        pdf = await pool.run(deadline, declaration.to_pdf)
        return Response(pdf, media_type="application/pdf",
                        headers={"content-disposition": 'attachment; filename="to-khai-bhxh.pdf"'})

    async def index(request: Request) -> Response:
        from .messages import catalogue_json

        offices = json.dumps(_offices(), ensure_ascii=False).replace("<", "\\u003c").replace("&", "\\u0026")
        page = (STATIC / "index.html").read_text(encoding="utf-8")
        page = page.replace("<!--MESSAGES-->", catalogue_json(max_body_bytes)).replace("<!--OFFICES-->", offices)
        return HTMLResponse(page)

    async def healthz(request: Request) -> Response:
        return _json({"status": "ok", "version": __version__, "decodes_in_flight": pool.pending})

    async def openapi(request: Request) -> Response:
        from .openapi import openapi_document

        return _json(openapi_document(max_body_bytes))

    async def api_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, ApiError)
        return _json(error.body(), error.status, error.headers)

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        kind = {404: "NotFound", 405: "MethodNotAllowed"}.get(error.status_code, "HTTPError")
        message = {404: "no such page or API route", 405: "this route does not take that method"}.get(
            error.status_code, "the request cannot be served")
        return _json(error_body(kind, message), error.status_code, error.headers)

    async def internal_error(request: Request, error: Exception) -> Response:
        logger.error("internal error: %s", type(error).__name__)
        return _json(error_body("InternalError", "the server failed on this request"), 500)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool.start()
        try:
            yield
        finally:
            pool.shutdown()

    async def no_static_index(request: Request) -> Response:
        raise HTTPException(404)

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/api/scan", scan_endpoint, methods=["POST"]),
        Route("/api/parse", parse_endpoint, methods=["POST"]),
        Route("/api/prefill", prefill_endpoint, methods=["POST"]),
        Route("/api/check", check_endpoint, methods=["POST"]),
        Route("/api/declaration", declaration_endpoint, methods=["POST"]),
        Route("/api/offices", offices_endpoint, methods=["GET"]),
        # "/static" alone would redirect to http://<Host>/static/: a plain 404 instead.
        Route("/static", no_static_index, methods=["GET", "HEAD"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    # The paths logged as they are: the routes' own and the static files' (anything else is logged as "-").
    known_paths = frozenset({route.path for route in routes if isinstance(route, Route) and route.path != "/static"}
                            | {f"/static/{p.name}" for p in STATIC.iterdir() if p.is_file()})
    hosts = None if allowed_hosts is None else frozenset(h.lower().rstrip(".") for h in allowed_hosts)
    middleware = [Middleware(_Guard, allowed_hosts=hosts, known_paths=known_paths,
                               body_budget=body_budget, body_cap=max_body_bytes)]
    origins = list(cors_origins)
    if origins:
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(Middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                                     allow_headers=["Content-Type"], max_age=600))

    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={ApiError: api_error, HTTPException: http_error, Exception: internal_error},
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False  # its redirects are absolute URLs built from the Host header
    app.state.pool = pool
    return app
