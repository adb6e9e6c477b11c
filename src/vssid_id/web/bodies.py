"""Request bodies: read under a byte cap, multipart parsed in memory.

The cap is enforced twice, so that no body over it is ever read whole:

* a ``Content-Length`` over the cap is refused (413) before a byte of the body
  is read;
* a body without one (``Transfer-Encoding: chunked``) is counted as it
  streams in and refused as soon as the count passes the cap.

Multipart bodies are parsed in memory with python-multipart's streaming
parser (Starlette's form parser spools files over 1 MB to a temporary file;
the server stores nothing, not even for the length of a request).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .problems import ApiError

if TYPE_CHECKING:  # pragma: no cover
    from starlette.requests import Request

__all__ = ["Part", "read_body", "parse_multipart", "media_type"]

#: At most this many parts in one multipart body (two cards, front and back,
#: with room to spare); more is refused with 400.
MAX_PARTS = 16


def too_large(cap: int) -> ApiError:
    return ApiError(413, "BodyTooLarge", f"the request body is over the limit of {cap:,} bytes")


async def read_body(request: Request, cap: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``cap`` bytes."""
    from starlette.requests import ClientDisconnect

    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ApiError(400, "BadRequest", "the Content-Length header is not a number")
        if int(declared) > cap:
            raise too_large(cap)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > cap:
                raise too_large(cap)
            chunks.append(chunk)
    except ClientDisconnect:
        raise ApiError(400, "BadRequest", "the client closed the connection before the body ended") from None
    return b"".join(chunks)


def media_type(request: Request) -> str:
    """The request's media type, lower case, without parameters (``""`` when absent)."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


@dataclass(frozen=True)
class Part:
    """One part of a multipart/form-data body."""

    name: str
    filename: str | None
    data: bytes


def parse_multipart(body: bytes, content_type: str) -> list[Part]:
    """The parts of a ``multipart/form-data`` body (400 when it is malformed)."""
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import MultipartParser, parse_options_header

    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise ApiError(400, "BadMultipart", "the multipart Content-Type has no boundary")

    parts: list[Part] = []
    header_field = bytearray()
    header_value = bytearray()
    headers: dict[bytes, bytes] = {}
    data = bytearray()
    finished = False

    def on_part_begin() -> None:
        headers.clear()
        data.clear()

    def on_header_field(chunk: bytes, start: int, end: int) -> None:
        header_field.extend(chunk[start:end])

    def on_header_value(chunk: bytes, start: int, end: int) -> None:
        header_value.extend(chunk[start:end])

    def on_header_end() -> None:
        headers[bytes(header_field).lower()] = bytes(header_value)
        header_field.clear()
        header_value.clear()

    def on_part_data(chunk: bytes, start: int, end: int) -> None:
        data.extend(chunk[start:end])

    def on_part_end() -> None:
        if len(parts) >= MAX_PARTS:
            raise ApiError(400, "BadMultipart", f"the body has more than {MAX_PARTS} parts")
        disposition, params = parse_options_header(headers.get(b"content-disposition", b""))
        if disposition != b"form-data" or b"name" not in params:
            raise ApiError(400, "BadMultipart", "a part has no Content-Disposition: form-data with a name")
        filename = params.get(b"filename")
        parts.append(Part(
            name=params[b"name"].decode("utf-8", "replace"),
            filename=None if filename is None else filename.decode("utf-8", "replace"),
            data=bytes(data),
        ))

    def on_end() -> None:
        nonlocal finished
        finished = True

    parser = MultipartParser(boundary, {
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_part_data": on_part_data,
        "on_part_end": on_part_end,
        "on_end": on_end,
    })
    try:
        parser.write(body)
        parser.finalize()
    except MultipartParseError:
        raise ApiError(400, "BadMultipart", "the multipart body is malformed") from None
    if not finished:
        raise ApiError(400, "BadMultipart", "the multipart body ends before its closing boundary")
    return parts
