"""Deliberate deviations from the documentation, selectable by id, for the suite's own tests.

A `Behaviour` is what the mock does where a mutant can differ from the
documentation; the default instance is the documented behaviour. Each row of
`MUTANTS` changes one thing, and each change is visible to a client that
knows only the documentation (API-FACTS.md). Ids are permanent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

from nbkit.errors import UsageError

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "MUTANTS",
    "Behaviour",
    "FillMissingFields",
    "Mutant",
    "RefuseEmptyBearer",
    "behaviour_for",
    "find_mutant",
    "wrap_for",
]


@dataclass(frozen=True, slots=True)
class Behaviour:
    """The switches a mutant may flip; the defaults are the documented behaviour."""

    accept_any_key: bool = False
    format_message: str | None = None
    missing_credential_message: str | None = None
    read_query_key: bool = True
    read_x_api_key: bool = True
    plan_denied_status: int = 403
    keep_old_keys: bool = False
    accept_inactive: bool = False
    long_header_500_bytes: int | None = None
    api_over_plain_http: bool = False
    rate_limited: bool = True
    rate_limit_headers: bool = True
    retry_after: bool = True
    integer_video_id: bool = False
    validate_before_auth: bool = False
    check_video_owner: bool = True
    prompt_max_chars: int | None = None
    nested_status: bool = True


# The fields a generation needs, per path ending, and what this mutant puts there.
_FILLED: Final = {
    "text-to-video.php": {"prompt": "A video nobody asked for"},
    "image-to-video.php": {
        "prompt": "A video nobody asked for",
        "image_url": "https://example.com/photo.jpg",
    },
}


class FillMissingFields:
    """Serves a generation whose body lacks a required field, as if it had been sent."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        filled = next((v for k, v in _FILLED.items() if scope.get("path", "").endswith(k)), None)
        if scope["type"] != "http" or scope.get("method") != "POST" or filled is None:
            await self._app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            body = json.dumps({**filled, **parsed}).encode()
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await self._app({**scope, "headers": headers}, replay, send)


class RefuseEmptyBearer:
    """Answers `Authorization: Bearer` with nothing after it as a malformed key."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        values = [v for k, v in scope.get("headers", ()) if k == b"authorization"]
        if scope["type"] != "http" or [v.strip() for v in values] != [b"Bearer"]:
            await self._app(scope, receive, send)
            return
        body = json.dumps({"success": False, "error": "Invalid API key format"}).encode()
        start: Message = {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
        await send(start)
        await send({"type": "http.response.body", "body": body})


@dataclass(frozen=True, slots=True)
class Mutant:
    """One deliberate deviation: its permanent id, what it does, and how.

    `hook` flips switches of the documented behaviour; `wrap`, for a deviation
    the switches do not reach, wraps the API's ASGI app.
    """

    id: str
    description: str
    hook: Callable[[Behaviour], Behaviour]
    wrap: Callable[[ASGIApp], ASGIApp] | None = None


MUTANTS: Final = (
    Mutant(
        "accept-any-key",
        "an unknown key with the nb_ prefix is accepted as the seeded API user",
        lambda b: replace(b, accept_any_key=True),
    ),
    Mutant(
        "wrong-format-message",
        'a key without the nb_ prefix gets "Invalid API key" instead of "Invalid API key format"',
        lambda b: replace(b, format_message="Invalid API key"),
    ),
    Mutant(
        "wrong-missing-credential-message",
        'a request without a key gets 401 "Unauthorized" instead of the documented message',
        lambda b: replace(b, missing_credential_message="Unauthorized"),
    ),
    Mutant(
        "ignore-query-key",
        "the ?api_key= query parameter is ignored, so such requests get 401",
        lambda b: replace(b, read_query_key=False),
    ),
    Mutant(
        "ignore-x-api-key",
        "the X-API-Key header is ignored, so such requests get 401",
        lambda b: replace(b, read_x_api_key=False),
    ),
    Mutant(
        "status-401-for-plan",
        "a plan without API access gets 401 instead of 403",
        lambda b: replace(b, plan_denied_status=401),
    ),
    Mutant(
        "keep-old-key-after-regeneration",
        "a key still works after it has been regenerated",
        lambda b: replace(b, keep_old_keys=True),
    ),
    Mutant(
        "inactive-user-accepted",
        "the key of an inactive user is accepted",
        lambda b: replace(b, accept_inactive=True),
    ),
    Mutant(
        "500-on-long-header",
        "any request header value over 4 KiB gets a 500",
        lambda b: replace(b, long_header_500_bytes=4096),
    ),
    Mutant(
        "serve-plain-http",
        "the API is served over plain HTTP: the base URL is http:// and HTTP is not refused",
        lambda b: replace(b, api_over_plain_http=True),
    ),
    Mutant(
        "no-rate-limit",
        "generations are never limited: no 429 however many are made",
        lambda b: replace(b, rate_limited=False),
    ),
    Mutant(
        "missing-ratelimit-headers",
        "generation responses carry no X-RateLimit-* headers",
        lambda b: replace(b, rate_limit_headers=False),
    ),
    Mutant(
        "no-retry-after",
        "a 429 carries no Retry-After header",
        lambda b: replace(b, retry_after=False),
    ),
    Mutant(
        "integer-video-id",
        "video ids are integers, as in the old documentation, instead of vid_ strings",
        lambda b: replace(b, integer_video_id=True),
    ),
    Mutant(
        "validate-before-auth",
        "the body is validated before the key, so a bad body without a key gets 400",
        lambda b: replace(b, validate_before_auth=True),
    ),
    Mutant(
        "foreign-video-visible",
        "another user's video is returned (200) instead of 403 Access denied",
        lambda b: replace(b, check_video_owner=False),
    ),
    Mutant(
        "old-prompt-limit",
        "prompts over 500 characters are refused, as in the old documentation",
        lambda b: replace(b, prompt_max_chars=500),
    ),
    Mutant(
        "flat-status-body",
        "the status endpoint returns the video's fields at the top level, not under video",
        lambda b: replace(b, nested_status=False),
    ),
    Mutant(
        "serve-missing-field",
        "a generation missing a required field (prompt, image_url) gets 200 instead of 400",
        lambda b: b,
        FillMissingFields,
    ),
    Mutant(
        "empty-bearer-is-format",
        'Authorization "Bearer" with nothing after it gets "Invalid API key format" instead '
        "of the missing-credential message",
        lambda b: b,
        RefuseEmptyBearer,
    ),
)


def find_mutant(mutant_id: str) -> Mutant:
    """The mutant with this id; raises UsageError naming the known ids."""
    for mutant in MUTANTS:
        if mutant.id == mutant_id:
            return mutant
    known = ", ".join(m.id for m in MUTANTS)
    raise UsageError(f"unknown mutant {mutant_id!r}; choose one of: {known}")


def behaviour_for(mutant_id: str | None) -> Behaviour:
    """The documented behaviour, changed by the named mutant if one is given."""
    documented = Behaviour()
    return documented if mutant_id is None else find_mutant(mutant_id).hook(documented)


def wrap_for(mutant_id: str | None, app: ASGIApp) -> ASGIApp:
    """The API app, wrapped by the named mutant when its deviation is a wrapper."""
    if mutant_id is None:
        return app
    wrap = find_mutant(mutant_id).wrap
    return app if wrap is None else wrap(app)
