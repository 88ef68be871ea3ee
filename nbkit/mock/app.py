"""The mock's HTTP API: the three documented endpoints (API-FACTS 2, 4-8) as an ASGI app."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Final

from starlette.types import ASGIApp, Receive, Scope, Send

from nbkit.mock.auth import (
    MISSING_GENERATION,
    MISSING_STATUS,
    Denied,
    authenticate,
    extract_key,
    query_values,
)
from nbkit.mock.body import BodyRefused, read_body
from nbkit.mock.ratelimit import Window
from nbkit.mock.state import MockState
from nbkit.mock.validation import GenerationRequest, Invalid, parse_body, validate_generation
from nbkit.mock.videos import Mode, Status, Video, credits_for
from nbkit.types import JSON

__all__ = ["API_PREFIX", "CONTROL_PREFIX", "MockApp", "Reply", "envelope", "refuse_plain_http"]

API_PREFIX: Final = "/api/v1/"
CONTROL_PREFIX: Final = "/_nbkit/"
NOT_FOUND: Final = "Not found"
METHOD_NOT_ALLOWED: Final = "Method not allowed"
VIDEO_ID_REQUIRED: Final = "video_id parameter is required"
VIDEO_NOT_FOUND: Final = "Video not found"
ACCESS_DENIED: Final = "Access denied"
RATE_LIMITED: Final = (
    "Rate limit exceeded. You have generated {count} videos in the last {minutes} minutes."
)
HTTPS_REQUIRED: Final = "HTTPS is required"
INTERNAL_ERROR: Final = "Internal server error"
_LOG: Final = logging.getLogger(__name__)
# One encoder for every response: json.dumps with arguments builds a new one each call.
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class _Endpoint:
    method: str
    mode: Mode | None  # None: the status endpoint


ENDPOINTS: Final = {
    API_PREFIX + "text-to-video.php": _Endpoint("POST", Mode.TEXT),
    API_PREFIX + "image-to-video.php": _Endpoint("POST", Mode.IMAGE),
    API_PREFIX + "video-status.php": _Endpoint("GET", None),
}


@dataclass(frozen=True, slots=True)
class Reply:
    """A JSON response, sent as raw ASGI messages (the hot path skips Starlette's Response)."""

    status: int
    body: bytes
    headers: dict[str, str] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(self.body)).encode()),
        ]
        if self.headers:
            headers += [(k.lower().encode(), v.encode()) for k, v in self.headers.items()]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


def envelope(
    status: int,
    message: str,
    *,
    headers: dict[str, str] | None = None,
    rate_limit: Window | None = None,
) -> Reply:
    """The documented error envelope `{"success": false, "error": ...}` (API-FACTS 7)."""
    body: dict[str, JSON] = {"success": False, "error": message}
    if rate_limit is not None:
        body["rate_limit"] = rate_limit.as_json()
    return _json(status, body, headers)


def _json(status: int, body: JSON, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, _ENCODER.encode(body).encode(), headers)


async def refuse_plain_http(scope: Scope, receive: Receive, send: Send) -> None:
    """The plain-HTTP listener: refuses every request unread and unauthenticated (API-FACTS 1)."""
    if scope["type"] == "http":
        await envelope(403, HTTPS_REQUIRED)(scope, receive, send)


class MockApp:
    """The API at `/api/v1/`, the control API at `/_nbkit/`, an envelope everywhere else."""

    def __init__(self, state: MockState, control: ASGIApp) -> None:
        self._state = state
        self._control = control

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"].startswith(CONTROL_PREFIX):
            await self._control(scope, receive, send)
            return
        try:
            response = await self._api(scope, receive)
        except Exception as err:
            # A bug must still answer with the envelope, and must not log the
            # request (nor a traceback with its values), which may hold a key.
            _LOG.error(
                "nbkit mock: internal error (%s) on %s", type(err).__name__, scope["path"][:100]
            )
            response = envelope(500, INTERNAL_ERROR)
        await response(scope, receive, send)

    async def _api(self, scope: Scope, receive: Receive) -> Reply:
        state, behaviour = self._state, self._state.behaviour
        endpoint = ENDPOINTS.get(scope["path"])
        if endpoint is None:
            return envelope(404, NOT_FOUND)
        limit = behaviour.long_header_500_bytes
        if limit is not None and any(len(value) > limit for _, value in scope["headers"]):
            return envelope(500, INTERNAL_ERROR)
        if scope["method"] != endpoint.method:
            return envelope(405, METHOD_NOT_ALLOWED, headers={"Allow": endpoint.method})
        checked: GenerationRequest | None = None
        if endpoint.mode is not None and behaviour.validate_before_auth:
            # Only the validate-before-auth mutant checks the body before the key.
            early = await self._read_request(scope, receive, endpoint.mode)
            if isinstance(early, Reply):
                return early
            checked = early
        key = extract_key(
            scope["headers"],
            scope["query_string"],
            read_x_api_key=behaviour.read_x_api_key,
            read_query=behaviour.read_query_key,
        )
        caller = authenticate(
            key,
            store=state.accounts,
            has_access=state.has_access,
            missing_message=MISSING_STATUS if endpoint.mode is None else MISSING_GENERATION,
            behaviour=behaviour,
            fallback_user_id=state.fallback_user_id,
        )
        if isinstance(caller, Denied):
            return envelope(caller.status, caller.message)
        if endpoint.mode is None:
            return self._status(scope["query_string"], caller.id)
        return await self._generate(scope, receive, caller.id, endpoint.mode, checked)

    def _status(self, query_string: bytes, user_id: str) -> Reply:
        ids = [value for value in query_values(query_string, "video_id") if value]
        if not ids:
            return envelope(400, VIDEO_ID_REQUIRED)
        video = self._state.videos.get(ids[0].decode("utf-8", "replace"))
        if video is None:
            return envelope(404, VIDEO_NOT_FOUND)
        if video.owner != user_id and self._state.behaviour.check_video_owner:
            return envelope(403, ACCESS_DENIED)
        if self._state.behaviour.nested_status:
            return _json(200, {"success": True, "video": video.status_json()})
        return _json(200, {"success": True, **video.status_json()})

    async def _generate(
        self,
        scope: Scope,
        receive: Receive,
        user_id: str,
        mode: Mode,
        checked: GenerationRequest | None,
    ) -> Reply:
        state, behaviour, limiter = self._state, self._state.behaviour, self._state.limiter

        def headers(current: Window) -> dict[str, str]:
            return current.headers() if behaviour.rate_limit_headers else {}

        # The slot is taken before the first await, and given back if the body is refused.
        counted_at = limiter.reserve(user_id) if behaviour.rate_limited else None
        if behaviour.rate_limited and counted_at is None:
            window = limiter.peek(user_id)
            limited = headers(window)
            if behaviour.retry_after:
                limited["Retry-After"] = str(window.reset_in_seconds)
            message = RATE_LIMITED.format(count=limiter.limit, minutes=limiter.window_seconds // 60)
            return envelope(429, message, headers=limited, rate_limit=window)
        request = checked or await self._read_request(scope, receive, mode)
        if isinstance(request, Reply):
            if counted_at is not None:
                limiter.release(user_id, counted_at)
            return Reply(request.status, request.body, headers(limiter.peek(user_id)))
        # The window as it stands now, this generation included: a slow body may have
        # let others fill it since the slot was taken.
        window = limiter.peek(user_id) if counted_at is not None else limiter.record(user_id)
        video = state.videos.add(
            Video(
                id=state.videos.new_id(integer=behaviour.integer_video_id),
                owner=user_id,
                mode=mode,
                status=Status.COMPLETED,
                description=request.prompt,
                resolution=request.resolution,
                duration_seconds=request.duration,
                credits_used=credits_for(request.resolution, request.duration),
                created_at=state.clock.now(),
            )
        )
        return _json(
            200, {**video.generation_json(), "rate_limit": window.as_json()}, headers(window)
        )

    async def _read_request(
        self, scope: Scope, receive: Receive, mode: Mode
    ) -> GenerationRequest | Reply:
        """The valid generation request, or the 4xx that refuses it."""
        try:
            raw = await read_body(scope, receive, self._state.settings)
        except BodyRefused as refused:
            return envelope(refused.status, refused.message)
        body = parse_body(raw)
        if isinstance(body, Invalid):
            return envelope(400, body.message)
        checked = validate_generation(
            body, mode=mode, prompt_max_chars=self._state.prompt_max_chars
        )
        return envelope(400, checked.message) if isinstance(checked, Invalid) else checked
