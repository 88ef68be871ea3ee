from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from nbkit.mock.accounts import find_plan
from nbkit.mock.app import MockApp, envelope, refuse_plain_http
from nbkit.mock.mutants import behaviour_for
from nbkit.mock.ratelimit import RateLimiter
from nbkit.mock.state import MockSettings, MockState
from nbkit.types import JSON


async def _nothing(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("the control API must not be called")


def _call(
    app: Any, method: str, path: str, headers: list[tuple[bytes, bytes]] | None = None
) -> tuple[int, dict[bytes, bytes], JSON]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": b"",
        "headers": headers or [],
    }
    asyncio.run(app(scope, receive, send))
    start, body = sent
    return start["status"], dict(start["headers"]), json.loads(body["body"])


def _app() -> tuple[MockApp, MockState]:
    state = MockState(MockSettings(), behaviour_for(None))
    return MockApp(state, _nothing), state


def test_wrong_method_names_the_allowed_one() -> None:
    app, _ = _app()
    status, headers, body = _call(app, "DELETE", "/api/v1/video-status.php")
    assert (status, headers[b"allow"], body) == (
        405,
        b"GET",
        {"success": False, "error": "Method not allowed"},
    )


def test_unknown_path_is_an_envelope() -> None:
    app, _ = _app()
    assert _call(app, "GET", "/")[0::2] == (404, {"success": False, "error": "Not found"})


def test_a_bug_answers_500_envelope_without_logging_the_request(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app, state = _app()
    user, key = state.accounts.create(plan=find_plan("api"))

    def broken(self: RateLimiter, user_id: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(RateLimiter, "peek", broken)
    status, _, body = _call(
        app, "POST", "/api/v1/text-to-video.php", [(b"x-api-key", key.encode())]
    )
    assert (status, body) == (500, {"success": False, "error": "Internal server error"})
    assert key not in caplog.text
    assert user.id not in caplog.text


def test_plain_http_refusal_and_envelope_shape() -> None:
    status, _, body = _call(refuse_plain_http, "POST", "/api/v1/text-to-video.php")
    assert (status, body) == (403, {"success": False, "error": "HTTPS is required"})
    assert envelope(400, "x").status == 400
