"""The API's errors: an HTTP status with the ``{type, field, message}`` of our errors.

Every 4xx/5xx response of the API has the body
``{"error": {"type": ..., "field": ..., "message": ...}}``, the same shape as
the CLI's ``--json`` errors (``type`` is the exception's class name, e.g.
``MalformedPayload``). Messages never contain personal data: they come from
:class:`~vssid_id.errors.VssidError` (which never repeats card data) or are
written here.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ApiError", "error_body"]


class ApiError(Exception):
    """A request the API refuses: ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, type_: str, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.type = type_
        self.message = message
        self.field = field
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return error_body(self.type, self.message, self.field)


def error_body(type_: str, message: str, field: str | None = None) -> dict[str, Any]:
    """The JSON body of an error response."""
    return {"error": {"type": type_, "field": field, "message": message}}
