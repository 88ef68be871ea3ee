from __future__ import annotations

import asyncio
import json

from nbkit.mock.protocol import (
    MAX_HEAD_BYTES,
    _CoalescingTransport,
    _envelope_response,
    _is_head_too_large,
    protocol_class,
)


class _Recorder(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False
        self.aborted = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def is_closing(self) -> bool:
        return self.closed or self.aborted


def test_writes_of_one_loop_turn_go_out_together() -> None:
    async def scenario() -> list[bytes]:
        inner = _Recorder()
        outer = _CoalescingTransport(inner)
        outer.write(b"head ")
        outer.write(b"body")
        await asyncio.sleep(0)
        return inner.writes

    assert asyncio.run(scenario()) == [b"head body"]


def test_close_flushes_and_abort_discards() -> None:
    async def scenario() -> tuple[_Recorder, _Recorder]:
        flushed, discarded = _Recorder(), _Recorder()
        first, second = _CoalescingTransport(flushed), _CoalescingTransport(discarded)
        first.write(b"bye")
        first.close()
        second.write(b"lost")
        second.abort()
        await asyncio.sleep(0)
        return flushed, discarded

    flushed, discarded = asyncio.run(scenario())
    assert (flushed.writes, flushed.closed) == ([b"bye"], True)
    assert (discarded.writes, discarded.aborted) == ([], True)


def test_envelope_response_is_complete_http_with_json() -> None:
    raw = _envelope_response(431)
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert f"content-length: {len(body)}".encode() in head
    assert json.loads(body) == {"success": False, "error": "Request headers too large"}


def test_head_size_counts_up_to_the_blank_line() -> None:
    small = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" + b"b" * (MAX_HEAD_BYTES + 10)
    assert not _is_head_too_large(small)
    assert _is_head_too_large(b"GET / HTTP/1.1\r\nX: " + b"a" * MAX_HEAD_BYTES)
    assert _is_head_too_large(b"GET / HTTP/1.1\r\nX: " + b"a" * MAX_HEAD_BYTES + b"\r\n\r\n")


def test_h11_can_be_forced() -> None:
    assert "H11" in protocol_class(None, fast=False).__name__
