"""The Starlette application of ``vssid-serve``: the page and the JSON API.

Routes (described for machines at ``/openapi.json``, for people in README.md):

=======================  =====================================================
``GET /``                the registration form (Vietnamese), static assets
                         under ``/static/``
``POST /api/scan``       one image → the scan results, as ``vssid-scan --json``
``POST /api/parse``      one payload text → its record
``POST /api/prefill``    images and/or payloads → the registration with its
                         conflicts (:func:`vssid_id.prefill`)
``GET /healthz``         ``{"status": "ok"}``
``GET /openapi.json``    the OpenAPI 3.1 description
=======================  =====================================================

Privacy: results are returned unmasked (the caller is the service that asked)
unless ``?mask=true``; nothing is stored; the log holds one line per request
(method, path, status, milliseconds) and never a query string or a body;
every response carries a Content-Security-Policy that allows no other host.

Bad input gets a 4xx with ``{"error": {"type", "field", "message"}}`` (see
:mod:`.problems`); statuses: 400 malformed request, 404/405 no such route,
413 body over the cap, 415 unsupported Content-Type, 422 the content is not a
card (unreadable image, no QR code, invalid payload), 503 too many decodes in
flight, 504 over the time limit (see :mod:`.workers`).
"""

from __future__ import annotations

import html
import json
import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..cards.text import MAX_PAYLOAD_CHARS
from ..images.loading import DEFAULT_MAX_BYTES
from .bodies import Part, media_type, parse_multipart, read_body
from .problems import ApiError, error_body
from .workers import WorkerPool

if TYPE_CHECKING:  # pragma: no cover
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["create_app", "MAX_BODY_BYTES", "MAX_PAYLOAD_CHARS", "CONTENT_SECURITY_POLICY"]

#: The body cap is the image loader's byte cap (``vssid-scan``'s): one figure for both.
MAX_BODY_BYTES = DEFAULT_MAX_BYTES

#: Most inputs one /api/prefill request may carry.
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

_ROUTE_PATHS = frozenset({"/", "/healthz", "/openapi.json", "/api/scan", "/api/parse", "/api/prefill"})


class _Guard:
    """Pure ASGI middleware: adds the security headers and logs one line per request.

    The line is ``METHOD PATH STATUS MILLISECONDS``. The path is logged only
    when it is one of the app's own (a mistyped path could carry data): any
    other is logged as ``-``; query strings and bodies are never logged.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), *_HEADERS]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            path = scope["path"]
            known = path in _ROUTE_PATHS or (path.startswith("/static/") and status < 400)
            logger.info("%s %s %d %.1fms", scope["method"], path if known else "-", status,
                        (time.perf_counter() - start) * 1000)


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


def _utf8(data: bytes, field: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "BadEncoding", "the payload is not valid UTF-8", field=field) from None


def _json_body(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise ApiError(400, "BadJson", "the body is not valid JSON") from None


def _vietnamese_order(name: str) -> tuple[str, str]:
    """Sort key: the letters without their marks first (Đà Nẵng beside Da, not after Z), then the name."""
    import unicodedata

    bare = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    return bare.replace("Đ", "D").replace("đ", "d").casefold(), name


def _scan_image(image: bytes, find_all: bool) -> list[Any]:
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


def create_app(
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    threads: int | None = None,
    max_pending: int | None = None,
    time_limit: float = 15.0,
) -> Starlette:
    """The application; the limits are described in :mod:`.workers` and :mod:`.bodies`."""
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.responses import HTMLResponse
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    pool = WorkerPool(threads, max_pending, time_limit)

    async def image_from(request: Request) -> bytes:
        body = await read_body(request, max_body_bytes)
        if media_type(request) == "multipart/form-data":
            parts = parse_multipart(body, request.headers["content-type"])
            images = [part for part in parts if part.name == "image"]
            if len(images) != 1:
                raise ApiError(400, "BadRequest", "give exactly one multipart field 'image' "
                               "(/api/prefill takes several)", field="image")
            body = images[0].data
        if not body:
            raise ApiError(400, "BadRequest", "the request holds no image", field="image")
        return body

    async def scan_endpoint(request: Request) -> Response:
        deadline = time.monotonic() + time_limit
        mask, find_all = _flag(request, "mask"), _flag(request, "all")
        # ?mrz=true: read the zone too; absent: when no QR code is found; ?mrz=false: never (the page's camera loop)
        mrz = None if request.query_params.get("mrz") is None else _flag(request, "mrz")
        image = await image_from(request)
        results = await pool.run(deadline, _scan_image, image, find_all)
        entry = _scan_json(results, mask)
        if mrz or (mrz is None and not results):  # the back of the card, a passport page
            found = await pool.run(deadline, _read_mrz, image)
            if found is not None:
                entry["codes"].append(_mrz_json(found, mask))
        return _json(entry)

    async def parse_endpoint(request: Request) -> Response:
        from ..cards.parsing import parse
        from ..errors import VssidError
        from ..scanning.report import error_dict, record_dict

        mask = _flag(request, "mask")
        body = await read_body(request, max_body_bytes)
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

    async def prefill_inputs(request: Request) -> list[tuple[str, str | bytes]]:
        body = await read_body(request, max_body_bytes)
        kind = media_type(request)
        inputs: list[tuple[str, str | bytes]] = []
        if kind == "multipart/form-data":
            parts: list[Part] = parse_multipart(body, request.headers["content-type"])
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
            data = _json_body(body)
            payloads = data.get("payloads") if isinstance(data, dict) else None
            if not isinstance(payloads, list):
                raise ApiError(422, "BadRequest", 'give a JSON object {"payloads": ["...", "..."]}',
                               field="payloads")
            inputs = [("payload", _payload_text(value, "payloads")) for value in payloads]
        else:
            raise ApiError(415, "UnsupportedMediaType",
                           "send multipart/form-data (fields 'image', 'payload') or JSON {\"payloads\": [...]}")
        if not inputs:
            raise ApiError(400, "BadRequest", "give at least one image or payload")
        if len(inputs) > MAX_PREFILL_INPUTS:
            raise ApiError(400, "BadRequest", f"give at most {MAX_PREFILL_INPUTS} images and payloads")
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
            results = await pool.run(deadline, _scan_image, value, find_all)
            if not results:
                found = await pool.run(deadline, _read_mrz, value)
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

        registration = await pool.run(deadline, merge)
        result: dict[str, Any] = {}
        if mask:
            from ..registration import mask_registration

            result["registration"] = mask_registration(registration)
        else:
            result["registration"] = registration.model_dump(mode="json")
            result["form"] = registration.to_form()
        return _json(result)

    async def index(request: Request) -> Response:
        from ..cards import tables

        # The 34 provinces of 1 July 2025, under the full name prefill() gives (``Tỉnh Thái Nguyên``).
        provinces = {getattr(p, "full_name", p): getattr(p, "name", p)
                     for p in getattr(tables, "PROVINCES_MERGED_2025", {}).values()}
        options = "".join(f'<option value="{html.escape(full)}">{html.escape(full)}</option>'
                          for full, _ in sorted(provinces.items(), key=lambda item: _vietnamese_order(item[1])))
        page = (STATIC / "index.html").read_text(encoding="utf-8").replace("<!--PROVINCES-->", options)
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

    app = Starlette(
        routes=[
            Route("/", index, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/openapi.json", openapi, methods=["GET"]),
            Route("/api/scan", scan_endpoint, methods=["POST"]),
            Route("/api/parse", parse_endpoint, methods=["POST"]),
            Route("/api/prefill", prefill_endpoint, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[Middleware(_Guard)],
        exception_handlers={ApiError: api_error, HTTPException: http_error, Exception: internal_error},
        lifespan=lifespan,
    )
    app.state.pool = pool
    return app
