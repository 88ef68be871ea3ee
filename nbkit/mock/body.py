"""Reading a request body whole, within a size limit and a time limit."""

from __future__ import annotations

import asyncio
import sys
from typing import Final

from starlette.types import Receive, Scope

from nbkit.mock.state import MockSettings

__all__ = ["BodyRefused", "read_body"]

BODY_TOO_LARGE: Final = "Request body too large (limit {limit} bytes)"
BODY_TIMEOUT: Final = "Request body timed out"


class BodyRefused(Exception):
    """A body the mock will not read: too large (413) or too slow (408)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def _receive_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    for name, value in scope["headers"]:
        # A Content-Length over the limit is refused before reading anything.
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            raise BodyRefused(413, BODY_TOO_LARGE.format(limit=limit))
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyRefused(413, BODY_TOO_LARGE.format(limit=limit))
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def read_body(scope: Scope, receive: Receive, settings: MockSettings) -> bytes:
    """The whole body, or BodyRefused; a client that stalls mid-body gets a 408.

    A timer that cancels this task is far cheaper than asyncio.wait_for, which
    starts a task per request (asyncio.timeout would do, from Python 3.11 on).
    """
    task = asyncio.current_task()
    assert task is not None
    expired = False

    def expire() -> None:
        nonlocal expired
        expired = True
        task.cancel()

    timer = asyncio.get_running_loop().call_later(settings.request_timeout_seconds, expire)
    try:
        return await _receive_body(scope, receive, settings.max_body_bytes)
    except asyncio.CancelledError:
        if not expired:
            raise
        if sys.version_info >= (3, 11):
            task.uncancel()
        raise BodyRefused(408, BODY_TIMEOUT) from None
    finally:
        timer.cancel()
