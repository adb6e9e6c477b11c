"""Request bodies: read under a byte cap, multipart parsed in memory as it streams in.

The cap is enforced twice, so that no body over it is ever read whole:

* a ``Content-Length`` over the cap is refused (413) before a byte of the body
  is read;
* a body without one (``Transfer-Encoding: chunked``) is counted as it
  streams in and refused as soon as the count passes the cap.

Which cap: bodies that hold images (multipart, raw image bytes) have the
image loader's byte cap (50 MiB); bodies that hold only payload text (JSON,
``text/plain``) have :data:`MAX_TEXT_BODY_BYTES`, 256 KiB: eight payloads of a
QR code's largest size (2,953 bytes) with every character escaped as JSON's
``\\uXXXX`` take 142 KB. So a 49 MB JSON string or a JSON array of 8 million
payloads is refused (413) before it is read, let alone parsed; JSON of at most
256 KiB parses in milliseconds.

Multipart bodies are parsed with python-multipart's streaming parser as the
body arrives (:func:`read_form`): each network read is parsed at once, a few
hundred KB at most, so the event loop never spends long in one step (a 49 MB
body parsed in one call held it for 0.5 s), and a body with more parts than
allowed is refused (413) at the first part too many, before the rest is read.
Nothing is spooled to disk (Starlette's form parser spools files over 1 MB to
a temporary file; the server stores nothing, not even for the length of a
request).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .problems import ApiError

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import AsyncIterator

    from starlette.requests import Request

__all__ = ["Part", "read_body", "read_large_body", "read_form", "parse_multipart", "media_type",
           "MAX_PARTS", "MAX_TEXT_BODY_BYTES"]

#: At most this many parts in one multipart body (two cards, front and back,
#: a portrait and the declaration's fields, with room to spare); more is
#: refused with 413 as soon as the part too many begins.
MAX_PARTS = 16

#: The cap of bodies that hold payload text only (JSON, text/plain): see the module doc.
MAX_TEXT_BODY_BYTES = 256 * 1024


def too_large(cap: int) -> ApiError:
    return ApiError(413, "BodyTooLarge", f"the request body is over the limit of {cap:,} bytes")


async def _stream(request: Request, cap: int) -> AsyncIterator[bytes]:
    """The body's chunks as they arrive, refused with 413 as soon as it is known to exceed ``cap``."""
    from starlette.requests import ClientDisconnect

    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ApiError(400, "BadRequest", "the Content-Length header is not a number")
        if int(declared) > cap:
            raise too_large(cap)
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > cap:
                raise too_large(cap)
            if chunk:
                yield chunk
    except ClientDisconnect:
        raise ApiError(400, "BadRequest", "the client closed the connection before the body ended") from None


async def read_body(request: Request, cap: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``cap`` bytes."""
    return b"".join([chunk async for chunk in _stream(request, cap)])


async def read_large_body(request: Request, cap: int) -> bytearray:
    """:func:`read_body` for bodies of up to tens of MB (images): gathered chunk by chunk.

    No single step copies the whole body on the event loop (a 49 MB ``join``
    held it for tens of milliseconds on a busy machine).
    """
    body = bytearray()
    async for chunk in _stream(request, cap):
        body += chunk
    return body


def media_type(request: Request) -> str:
    """The request's media type, lower case, without parameters (``""`` when absent)."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


@dataclass(frozen=True)
class Part:
    """One part of a multipart/form-data body."""

    name: str
    filename: str | None
    #: The part's bytes: a ``bytearray`` when parsed from a request, handed over
    #: without a copy (copying 49 MB on the event loop stalled it for tens of ms).
    data: bytes | bytearray


class _FormParser:
    """python-multipart's streaming parser, collecting :class:`Part` objects in memory."""

    def __init__(self, content_type: str, max_parts: int) -> None:
        from python_multipart.multipart import MultipartParser, parse_options_header

        _, options = parse_options_header(content_type)
        boundary = options.get(b"boundary")
        if not boundary:
            raise ApiError(400, "BadMultipart", "the multipart Content-Type has no boundary")
        self.parts: list[Part] = []
        self.max_parts = max_parts
        self.finished = False
        self._field = bytearray()
        self._value = bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._data = bytearray()
        self._parser = MultipartParser(boundary, {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda chunk, start, end: self._field.extend(chunk[start:end]),
            "on_header_value": lambda chunk, start, end: self._value.extend(chunk[start:end]),
            "on_header_end": self._header_end,
            "on_part_data": lambda chunk, start, end: self._data.extend(chunk[start:end]),
            "on_part_end": self._part_end,
            "on_end": self._end,
        })

    def _part_begin(self) -> None:
        if len(self.parts) >= self.max_parts:
            raise ApiError(413, "TooManyParts", f"the body has more than {self.max_parts} parts")
        self._headers.clear()
        self._data.clear()

    def _header_end(self) -> None:
        self._headers[bytes(self._field).lower()] = bytes(self._value)
        self._field.clear()
        self._value.clear()

    def _part_end(self) -> None:
        from python_multipart.multipart import parse_options_header

        disposition, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        if disposition != b"form-data" or b"name" not in params:
            raise ApiError(400, "BadMultipart", "a part has no Content-Disposition: form-data with a name")
        filename = params.get(b"filename")
        self.parts.append(Part(
            name=params[b"name"].decode("utf-8", "replace"),
            filename=None if filename is None else filename.decode("utf-8", "replace"),
            data=self._data,
        ))
        self._data = bytearray()

    def _end(self) -> None:
        self.finished = True

    def feed(self, chunk: bytes) -> None:
        from python_multipart.exceptions import MultipartParseError

        try:
            self._parser.write(chunk)
        except MultipartParseError:
            raise ApiError(400, "BadMultipart", "the multipart body is malformed") from None

    def close(self) -> list[Part]:
        from python_multipart.exceptions import MultipartParseError

        try:
            self._parser.finalize()
        except MultipartParseError:  # pragma: no cover - finalize() raises nothing today
            raise ApiError(400, "BadMultipart", "the multipart body is malformed") from None
        if not self.finished:
            raise ApiError(400, "BadMultipart", "the multipart body ends before its closing boundary")
        return self.parts


def parse_multipart(body: bytes, content_type: str, max_parts: int = MAX_PARTS) -> list[Part]:
    """The parts of a ``multipart/form-data`` body already in memory (400 when malformed).

    For a request, :func:`read_form` parses the body as it arrives instead.
    """
    parser = _FormParser(content_type, max_parts)
    parser.feed(body)
    return parser.close()


async def read_form(request: Request, cap: int, max_parts: int = MAX_PARTS) -> list[Part]:
    """The parts of the request's ``multipart/form-data`` body, parsed as it streams in.

    413 past ``cap`` bytes (before reading, from ``Content-Length``, or as
    counted) or at part ``max_parts + 1``; 400 when malformed.
    """
    parser = _FormParser(request.headers.get("content-type", ""), max_parts)
    async for chunk in _stream(request, cap):
        parser.feed(chunk)
    return parser.close()
