from __future__ import annotations

import asyncio
from typing import Any

import pytest

from nbkit.mock.body import BodyRefused, read_body
from nbkit.mock.state import MockSettings


def _receiver(*chunks: bytes, stall: bool = False) -> Any:
    messages = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1 or stall}
        for i, chunk in enumerate(chunks)
    ]

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await asyncio.Event().wait()  # a client that never sends the rest
        raise AssertionError("unreachable")

    return receive


def _read(receive: Any, headers: list[tuple[bytes, bytes]] | None = None, **settings: Any) -> bytes:
    scope = {"headers": headers or []}
    return asyncio.run(read_body(scope, receive, MockSettings(**settings)))


def test_chunks_are_joined() -> None:
    assert _read(_receiver(b"ab", b"cd")) == b"abcd"


def test_declared_length_over_the_limit_is_refused_unread() -> None:
    with pytest.raises(BodyRefused) as refused:
        _read(_receiver(), [(b"content-length", b"11")], max_body_bytes=10)
    assert refused.value.status == 413


def test_streamed_body_over_the_limit_is_refused() -> None:
    with pytest.raises(BodyRefused) as refused:
        _read(_receiver(b"x" * 6, b"x" * 6), max_body_bytes=10)
    assert refused.value.status == 413


def test_stalled_body_is_refused_with_408() -> None:
    with pytest.raises(BodyRefused) as refused:
        _read(_receiver(b"x", stall=True), request_timeout_seconds=0.05)
    assert (refused.value.status, refused.value.message) == (408, "Request body timed out")
