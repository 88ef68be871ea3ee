"""The control API at `/_nbkit/`: tests create users, regenerate keys and move the clock.

Every request must carry the admin token in `X-Nbkit-Admin-Token`; it is
random per server and compared in constant time. Responses use the API's
envelope, `success` first. Keys appear only in the answers to creating a
user and regenerating a key, once.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, Collection
from typing import Final

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from nbkit.mock.accounts import PLANS, Plan, User, find_plan
from nbkit.mock.body import BodyRefused, read_body
from nbkit.mock.clock import iso_utc
from nbkit.mock.mutants import MUTANTS
from nbkit.mock.state import MockSettings, MockState
from nbkit.mock.validation import ENUM_FIELDS, Invalid, check_duration, parse_body
from nbkit.mock.videos import Mode, Status, Video, credits_for
from nbkit.types import JSON

__all__ = ["ADMIN_HEADER", "build_control"]

ADMIN_HEADER: Final = "X-Nbkit-Admin-Token"
_DEFAULT_PROMPT: Final = "A video made by the control API"
_RESOLUTIONS: Final = next(f.allowed for f in ENUM_FIELDS if f.name == "resolution")
_Handler = Callable[[Request], Awaitable[Response]]


class _BadRequest(Exception):
    """A control request the mock cannot act on; its message goes to the caller."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _reply(status: int, body: dict[str, JSON]) -> Response:
    content = json.dumps(body, ensure_ascii=False).encode()
    return Response(content, status, media_type="application/json")


def _user_json(user: User, state: MockState) -> JSON:
    return {
        "id": user.id,
        "plan": user.plan.id,
        "plan_name": user.plan.name,
        "price_eur": str(user.plan.price_eur),
        "active": user.active,
        "api_access": state.has_access(user.plan),
    }


async def _json_body(request: Request, settings: MockSettings) -> dict[str, JSON]:
    # The API's reader and parser: the same size and time limits, no NaN, no
    # lone surrogate (which could be stored but not sent back), no RecursionError.
    try:
        raw = await read_body(request.scope, request.receive, settings)
    except BodyRefused as refused:
        raise _BadRequest(refused.status, f"control body: {refused.message}") from None
    if not raw:
        return {}
    document = parse_body(raw)
    if isinstance(document, Invalid):
        raise _BadRequest(400, f"control body: {document.message}")
    return document


def _choice(body: dict[str, JSON], name: str, default: str, allowed: Collection[str]) -> str:
    value = body.get(name, default)
    if not isinstance(value, str) or value not in allowed:
        raise _BadRequest(400, f'"{name}" must be one of: {", ".join(allowed)}')
    return value


def _plan(value: JSON) -> Plan:
    try:
        return find_plan(str(value))
    except KeyError as err:
        raise _BadRequest(400, str(err.args[0])) from err


def _user(state: MockState, request: Request) -> User:
    user_id = str(request.path_params["user_id"])
    try:
        return state.accounts.get(user_id)
    except KeyError as err:
        raise _BadRequest(404, f"unknown user {user_id!r}") from err


def build_control(state: MockState) -> Router:
    """The control API's routes over one mock's state."""

    def guarded(handler: _Handler) -> _Handler:
        async def endpoint(request: Request) -> Response:
            token = request.headers.get(ADMIN_HEADER, "").encode("latin-1")
            if not hmac.compare_digest(token, state.admin_token.encode()):
                return _reply(401, {"success": False, "error": f"{ADMIN_HEADER} missing or wrong"})
            try:
                return await handler(request)
            except _BadRequest as err:
                return _reply(err.status, {"success": False, "error": str(err)})

        return endpoint

    async def info(request: Request) -> Response:
        return _reply(
            200,
            {
                "success": True,
                "mutant": state.mutant_id,
                "rate_limit": state.settings.rate_limit,
                "window_seconds": state.settings.window_seconds,
                "prompt_max_chars": state.prompt_max_chars,
                "max_body_bytes": state.settings.max_body_bytes,
                "plans": [
                    {
                        "id": p.id,
                        "name": p.name,
                        "price_eur": str(p.price_eur),
                        "api_access": state.has_access(p),
                    }
                    for p in PLANS
                ],
            },
        )

    async def list_users(request: Request) -> Response:
        users = [_user_json(u, state) for u in state.accounts.users()]
        return _reply(200, {"success": True, "users": users})

    async def create_user(request: Request) -> Response:
        body = await _json_body(request, state.settings)
        plan = _plan(body.get("plan", "api"))
        user, key = state.accounts.create(plan=plan, active=bool(body.get("active", True)))
        return _reply(200, {"success": True, "user": _user_json(user, state), "key": key})

    async def regenerate(request: Request) -> Response:
        user = _user(state, request)
        key = state.accounts.regenerate(user.id)
        return _reply(200, {"success": True, "user": _user_json(user, state), "key": key})

    async def set_plan(request: Request) -> Response:
        user = _user(state, request)
        plan = _plan((await _json_body(request, state.settings)).get("plan"))
        return _reply(
            200,
            {"success": True, "user": _user_json(state.accounts.set_plan(user.id, plan), state)},
        )

    async def set_active(request: Request) -> Response:
        user = _user(state, request)
        active = (await _json_body(request, state.settings)).get("active")
        if not isinstance(active, bool):
            raise _BadRequest(400, '"active" must be true or false')
        return _reply(
            200,
            {
                "success": True,
                "user": _user_json(state.accounts.set_active(user.id, active), state),
            },
        )

    async def reset_limits(request: Request) -> Response:
        user_id = (await _json_body(request, state.settings)).get("user_id")
        state.limiter.reset(None if user_id is None else str(user_id))
        return _reply(200, {"success": True})

    def clock_json() -> dict[str, JSON]:
        now = state.clock.now()
        return {"success": True, "now": iso_utc(now), "epoch": now, "offset": state.clock.offset}

    async def clock(request: Request) -> Response:
        return _reply(200, clock_json())

    async def advance_clock(request: Request) -> Response:
        seconds = (await _json_body(request, state.settings)).get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise _BadRequest(400, '"seconds" must be a number, 0 or more')
        try:
            state.clock.advance(float(seconds))
        except (ValueError, OverflowError) as err:
            raise _BadRequest(400, f'"seconds": {err}') from None
        return _reply(200, clock_json())

    async def mutants(request: Request) -> Response:
        rows = [{"id": m.id, "description": m.description} for m in MUTANTS]
        return _reply(200, {"success": True, "mutants": rows})

    async def create_video(request: Request) -> Response:
        # The same values a generation may store, so that every read of the video works.
        body = await _json_body(request, state.settings)
        try:
            owner = state.accounts.get(str(body.get("user_id")))
        except KeyError:
            raise _BadRequest(400, "need the user_id of an existing user") from None
        status = Status(_choice(body, "status", "completed", tuple(Status)))
        mode = Mode(_choice(body, "mode", "text-to-video", tuple(Mode)))
        resolution = _choice(body, "resolution", "480p", _RESOLUTIONS)
        duration = check_duration(body)
        if isinstance(duration, Invalid):
            raise _BadRequest(400, duration.message)
        prompt = body.get("prompt", _DEFAULT_PROMPT)
        if not isinstance(prompt, str) or not 0 < len(prompt) <= state.prompt_max_chars:
            raise _BadRequest(
                400, f'"prompt" must be a string of 1 to {state.prompt_max_chars} characters'
            )
        video = state.videos.add(
            Video(
                id=state.videos.new_id(integer=state.behaviour.integer_video_id),
                owner=owner.id,
                mode=mode,
                status=status,
                description=prompt,
                resolution=resolution,
                duration_seconds=duration,
                credits_used=credits_for(resolution, duration),
                created_at=state.clock.now(),
            )
        )
        return _reply(200, {"success": True, "video": video.status_json()})

    routes = [
        Route("/_nbkit/info", guarded(info), methods=["GET"]),
        Route("/_nbkit/users", guarded(list_users), methods=["GET"]),
        Route("/_nbkit/users", guarded(create_user), methods=["POST"]),
        Route("/_nbkit/users/{user_id}/regenerate", guarded(regenerate), methods=["POST"]),
        Route("/_nbkit/users/{user_id}/plan", guarded(set_plan), methods=["POST"]),
        Route("/_nbkit/users/{user_id}/active", guarded(set_active), methods=["POST"]),
        Route("/_nbkit/limits/reset", guarded(reset_limits), methods=["POST"]),
        Route("/_nbkit/clock", guarded(clock), methods=["GET"]),
        Route("/_nbkit/clock/advance", guarded(advance_clock), methods=["POST"]),
        Route("/_nbkit/mutants", guarded(mutants), methods=["GET"]),
        Route("/_nbkit/videos", guarded(create_video), methods=["POST"]),
    ]
    return Router(routes=routes)
