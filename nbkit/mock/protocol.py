"""uvicorn's HTTP protocols, extended for the mock: envelope errors, timeouts, drops, one write.

uvicorn answers a request it cannot parse (control characters, a bad request
line, oversized headers) with a plain-text 400 and waits forever for a head
that never ends; the mock answers with the documented error envelope instead:
400, 431 when the request line and headers exceed `MAX_HEAD_BYTES`, 408 when
they take too long. It also drops connections for fault injection, and joins
a response's writes. httptools (C) is used when installed, h11 otherwise.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import sys
from typing import Final, cast

from nbkit.mock.faults import FaultInjector

__all__ = ["MAX_HEAD_BYTES", "has_httptools", "protocol_class"]

MAX_HEAD_BYTES: Final = 64 * 1024
_LOG: Final = logging.getLogger(__name__)
_REASONS: Final = {
    400: b"Bad Request",
    408: b"Request Timeout",
    431: b"Request Header Fields Too Large",
}
_MESSAGES: Final = {
    400: "Malformed HTTP request",
    408: "Request timed out",
    431: "Request headers too large",
}
_API_MARKER: Final = b" /api/"


def has_httptools() -> bool:
    """Whether the fast C parser is installed."""
    return importlib.util.find_spec("httptools") is not None


def _envelope_response(status: int) -> bytes:
    body = json.dumps({"success": False, "error": _MESSAGES[status]}).encode()
    head = (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
        b"connection: close\r\n\r\n" % (status, _REASONS[status], len(body))
    )
    return head + body


def _starts_api_request(data: bytes) -> bool:
    # Only API requests are dropped; the control API must stay reliable.
    return _API_MARKER in data.split(b"\r\n", 1)[0]


def _is_head_too_large(pending: bytes) -> bool:
    end = pending.find(b"\r\n\r\n")
    return end > MAX_HEAD_BYTES or (end == -1 and len(pending) > MAX_HEAD_BYTES)


class _HeadGuard:
    """A request head must arrive within `head_timeout` (408), and a refusal ends the connection.

    Mixed in before uvicorn's protocol classes, which provide `loop` and `transport`.
    """

    head_timeout: float
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    _head_timer: asyncio.TimerHandle | None = None
    _refused = False

    def _waiting_for_head(self) -> bool:
        raise NotImplementedError

    def _start_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._waiting_for_head() and not self.transport.is_closing():
            self._refuse(408)

    def _refuse(self, status: int) -> None:
        if not self._refused:
            self._refused = True
            self._cancel_head_timer()
            self.transport.write(_envelope_response(status))
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)  # type: ignore[misc]


def _h11_class(injector: FaultInjector | None, head_timeout: float) -> type[asyncio.Protocol]:
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class EnvelopeH11Protocol(_HeadGuard, H11Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(cast(asyncio.Transport, transport))
            self._start_head_timer()

        def _waiting_for_head(self) -> bool:
            return self.conn.their_state is h11.IDLE

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return
            idle = self.conn.their_state is h11.IDLE
            if idle:
                self._start_head_timer()
            if injector and idle and _starts_api_request(data) and injector.should_drop():
                self.transport.abort()
                return
            if idle and _is_head_too_large(self.conn.trailing_data[0] + data):
                # h11's own limit applies only while a head is incomplete, so a
                # large head that arrives at once would pass: check it here.
                self._refuse(431)
                return
            try:
                super().data_received(data)
            except Exception:
                # uvicorn decodes the path as ASCII; whatever slips through
                # must end in a 400, not a hung connection.
                _LOG.warning("nbkit mock: unparseable request")
                self._refuse(400)
                return
            if self.conn.their_state is not h11.IDLE:
                self._cancel_head_timer()

        def send_400_response(self, msg: str) -> None:
            # Called inside uvicorn's `except h11.RemoteProtocolError`: h11's
            # hint is 431 when its receive-buffer limit (MAX_HEAD_BYTES) is hit.
            hint = getattr(sys.exc_info()[1], "error_status_hint", 400)
            self._refuse(hint if hint in _REASONS else 400)

    EnvelopeH11Protocol.head_timeout = head_timeout
    return EnvelopeH11Protocol


def _httptools_class(injector: FaultInjector | None, head_timeout: float) -> type[asyncio.Protocol]:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class EnvelopeHttpToolsProtocol(_HeadGuard, HttpToolsProtocol):
        # Bytes received since the current request began, while its head is
        # incomplete; httptools itself has no limit on the head.
        _head_bytes = 0
        _in_head = True

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            # uvloop's transports quack like asyncio.Transport without subclassing it.
            coalescing = _CoalescingTransport(cast(asyncio.Transport, transport))
            super().connection_made(coalescing)  # type: ignore[arg-type]
            self._start_head_timer()

        def _waiting_for_head(self) -> bool:
            return self._in_head

        def on_headers_complete(self) -> None:
            self._in_head = False
            self._cancel_head_timer()
            size = len(self.url) + sum(len(n) + len(v) + 4 for n, v in self.headers)
            if size > MAX_HEAD_BYTES:
                raise _HeadTooLarge
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            self._in_head = True
            self._head_bytes = 0
            super().on_message_complete()

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return
            starts_request = self._in_head and not self._head_bytes
            if injector and starts_request and _starts_api_request(data) and injector.should_drop():
                self.transport.abort()
                return
            self._unset_keepalive_if_required()
            if self._in_head:
                self._head_bytes += len(data)
                self._start_head_timer()
            try:
                self.parser.feed_data(data)
            except Exception as err:
                too_large = isinstance(err.__context__, _HeadTooLarge)
                if not too_large:
                    _LOG.warning("nbkit mock: invalid HTTP request")
                self._refuse(431 if too_large else 400)
                return
            if self._in_head and self._head_bytes > MAX_HEAD_BYTES:
                self._refuse(431)

    EnvelopeHttpToolsProtocol.head_timeout = head_timeout
    return EnvelopeHttpToolsProtocol


class _CoalescingTransport:
    """A transport that joins the writes of one loop iteration into one.

    uvicorn writes a response's head and body separately; over TLS each write
    is its own record and system call. Joining them halves both.
    """

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._pending: list[bytes] = []
        self._loop = asyncio.get_running_loop()

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(bytes(data))

    def _flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            if not self._transport.is_closing():
                self._transport.write(data)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def abort(self) -> None:
        self._pending.clear()
        self._transport.abort()

    def __getattr__(self, name: str) -> object:
        return getattr(self._transport, name)


class _HeadTooLarge(Exception):
    """The request line and headers passed MAX_HEAD_BYTES."""


def protocol_class(
    injector: FaultInjector | None, *, fast: bool = True, head_timeout: float = 10.0
) -> type[asyncio.Protocol]:
    """The protocol for one mock's listeners.

    Bound to its fault injector (None: no drops). A request whose line and
    headers are not complete `head_timeout` seconds after they began (or after
    the connection opened) gets a 408 envelope, and the connection is closed.
    """
    if fast and has_httptools():
        return _httptools_class(injector, head_timeout)
    return _h11_class(injector, head_timeout)
