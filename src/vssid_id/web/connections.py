"""HTTP connections of ``vssid-serve``: read timeouts and a bounded lingering close.

uvicorn's HTTP/1.1 protocol (h11) closes an idle keep-alive connection after
``timeout_keep_alive`` seconds, but a connection that sends its request line,
headers or body slowly is never timed out, and a response sent before the
request body has arrived (a 413 for a body over the cap) is followed by a
close that resets the connection: a client still sending its body (Python's
``urllib`` and ``requests``) then gets ``Connection reset by peer`` instead of
the 413. :func:`protocol_class` returns uvicorn's h11 protocol with these
rules added (the figures are :class:`Timeouts`' defaults):

* **Headers**: the request line and headers must be complete within
  ``header`` seconds (10) of the connection's start or of the previous
  response; otherwise the connection is closed (a slow-header client,
  "slowloris").
* **Body**: while the server waits for the request body, no gap between two
  reads may last ``body_idle`` seconds (10), and the whole body must arrive
  within ``body_total`` seconds (60) of the headers; otherwise the client gets
  **408** and the connection is closed. Time while the server itself has
  paused reading (its buffer is full) does not count as the client's gap.
  Bodies are read whole before any decoding starts, so a slow client never
  holds a decode thread.
* **Idle**: uvicorn's ``timeout_keep_alive`` (5 s) between requests.
* **Lingering close**, as nginx's ``lingering_close``: when the connection is
  closed while the client is still sending its body, the server first sends
  everything it wrote and a FIN (``shutdown(SHUT_WR)``), then reads and
  discards what the client still sends, for at most ``linger_total`` seconds
  (10; nginx's ``lingering_time`` is 30), at most ``linger_idle`` seconds (2;
  nginx's ``lingering_timeout`` is 5) between reads and at most
  ``linger_bytes`` bytes (64 MiB), then closes. A client that writes its
  whole body before reading (urllib, requests, httpx) so finishes writing and
  reads the answer. An answer sent before the body has arrived also closes
  the connection (``Connection: close``, added by the app) instead of
  keeping it alive for an unbounded drain.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["Timeouts", "protocol_class"]


@dataclass(frozen=True)
class Timeouts:
    """The connection limits of :mod:`.connections` (seconds and bytes)."""

    header: float = 10.0
    body_idle: float = 10.0
    body_total: float = 60.0
    linger_total: float = 10.0
    linger_idle: float = 2.0
    linger_bytes: int = 64 * 1024 * 1024


_TIMEOUT_BODY = json.dumps({"error": {
    "type": "RequestTimeout", "field": None,
    "message": "the request body arrived too slowly; the connection is closed"}}).encode()


class _Transport:
    """The socket transport, whose ``close()`` lingers when the client is still sending."""

    def __init__(self, transport: asyncio.Transport, protocol: Any) -> None:
        self._transport = transport
        self._protocol = protocol

    def close(self) -> None:
        self._protocol._close()

    def is_closing(self) -> bool:
        return bool(self._protocol._closing or self._transport.is_closing())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def protocol_class(timeouts: Timeouts) -> type[H11Protocol]:
    """uvicorn's h11 protocol with ``timeouts`` (see the module doc); give it as ``Config(http=...)``."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class GuardedH11Protocol(H11Protocol):
        limits = timeouts

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            self._raw = transport
            self._closing = False
            self._lingering = False
            self._lingered = 0
            self._timers: dict[str, asyncio.TimerHandle] = {}
            self._last_read = 0.0
            super().connection_made(_Transport(transport, self))  # type: ignore[arg-type]
            self._arm("header", self.limits.header, self._header_timeout)

        # -- timers ------------------------------------------------------------------------

        def _arm(self, name: str, seconds: float, callback: Any) -> None:
            self._cancel(name)
            self._timers[name] = self.loop.call_later(seconds, callback)

        def _cancel(self, *names: str) -> None:
            for name in names or tuple(self._timers):
                timer = self._timers.pop(name, None)
                if timer is not None:
                    timer.cancel()

        def _header_timeout(self) -> None:
            self._abort()

        def _body_idle_timeout(self) -> None:
            if self.flow.read_paused:  # the server's own pause: not the client's gap
                self._arm("body_idle", self.limits.body_idle, self._body_idle_timeout)
                return
            self._body_timeout()

        def _body_timeout(self) -> None:
            cycle = self.cycle
            if cycle is not None and not cycle.response_started and self.conn.our_state is h11.SEND_RESPONSE:
                cycle.response_started = cycle.response_complete = True
                cycle.disconnected = True  # the app's receive() ends, its send() is dropped
                cycle.message_event.set()
                try:
                    data = self.conn.send(h11.Response(status_code=408, reason=b"Request Timeout", headers=[
                        (b"content-type", b"application/json"), (b"content-length", b"%d" % len(_TIMEOUT_BODY)),
                        (b"connection", b"close"), (b"cache-control", b"no-store")]))
                    data = (data or b"") + (self.conn.send(h11.Data(data=_TIMEOUT_BODY)) or b"")
                    data += self.conn.send(h11.EndOfMessage()) or b""
                    self._raw.write(data)
                except h11.LocalProtocolError:  # pragma: no cover - h11's state forbids it
                    pass
            self._abort()

        def _abort(self) -> None:
            """Close now, without lingering: the client is the slow side."""
            self._closing = True
            self._cancel()
            if not self._raw.is_closing():
                self._raw.close()

        # -- reading -----------------------------------------------------------------------

        def data_received(self, data: bytes) -> None:
            if self._lingering:
                self._lingered += len(data)
                if self._lingered > self.limits.linger_bytes:
                    self._abort()
                else:
                    self._arm("linger_idle", self.limits.linger_idle, self._abort)
                return
            if self._closing:
                return
            super().data_received(data)
            if self._closing:
                return
            if self.conn.their_state is h11.SEND_BODY:
                if "body_total" not in self._timers:  # the headers are in: the body's clock starts
                    self._cancel("header")
                    self._arm("body_total", self.limits.body_total, self._body_timeout)
                self._arm("body_idle", self.limits.body_idle, self._body_idle_timeout)
            elif self.conn.their_state is not h11.IDLE:  # headers complete (no body) or the body ended
                self._cancel("header", "body_idle", "body_total")

        def on_response_complete(self) -> None:
            if self.conn.their_state is h11.SEND_BODY and not self._closing:
                # Answered before the body arrived: close (lingering), no unbounded drain.
                self.transport.close()
            super().on_response_complete()  # may start a pipelined request already received
            if not self._closing and not self.transport.is_closing():
                self._cancel("body_idle", "body_total")
                if self.conn.their_state is h11.IDLE:  # the next request's headers: their clock starts
                    self._arm("header", self.limits.header, self._header_timeout)
                elif self.conn.their_state is h11.SEND_BODY:
                    self._cancel("header")
                    self._arm("body_total", self.limits.body_total, self._body_timeout)
                    self._arm("body_idle", self.limits.body_idle, self._body_idle_timeout)

        def connection_lost(self, exc: Exception | None) -> None:
            self._closing = True
            self._cancel()
            super().connection_lost(exc)

        # -- closing -----------------------------------------------------------------------

        def _close(self) -> None:
            """uvicorn closes: linger when the client may still be sending, as nginx does."""
            if self._closing:
                if not self._lingering and not self._raw.is_closing():
                    self._raw.close()
                return
            self._closing = True
            self._cancel()
            raw = self._raw
            if raw.is_closing():
                return
            still_sending = self.conn.their_state in (h11.SEND_BODY, h11.ERROR)
            if not still_sending or not raw.can_write_eof():
                raw.close()
                return
            self._lingering = True
            raw.write_eof()  # after what is buffered: the client reads the whole answer, then EOF
            if self.flow.read_paused:
                self.flow.resume_reading()
            else:
                raw.resume_reading()
            self._arm("linger_total", self.limits.linger_total, self._abort)
            self._arm("linger_idle", self.limits.linger_idle, self._abort)

    return GuardedH11Protocol
