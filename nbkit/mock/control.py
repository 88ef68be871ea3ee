"""The control API at `/_nbkit/`: tests create users, regenerate keys and move the clock.

Every request must carry the admin token in `X-Nbkit-Admin-Token`; it is
random per server and compared in constant time. Responses use the API's
envelope, `success` first. Keys appear only in the answers to creating a
user and regenerating a key, once.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Final

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from nbkit.mock.accounts import PLANS, Plan, User, find_plan
from nbkit.mock.clock import iso_utc
from nbkit.mock.mutants import MUTANTS
from nbkit.mock.state import MockState
from nbkit.mock.validation import Invalid, parse_body
from nbkit.mock.videos import Mode, Status, Video, credits_for
from nbkit.types import JSON

__all__ = ["ADMIN_HEADER", "build_control"]

ADMIN_HEADER: Final = "X-Nbkit-Admin-Token"
_Handler = Callable[[Request], Awaitable[Response]]


class _BadRequest(Exception):
    """A control request the mock cannot act on; its message goes to the caller."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _reply(status: int, body: dict[str, JSON]) -> Response:
    # ASCII escapes: any text a caller sent can be encoded back.
    content = json.dumps(body).encode()
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


async def _json_body(request: Request) -> dict[str, JSON]:
    raw = await request.body()
    if not raw:
        return {}
    # The API's own parser: no NaN, no unpaired surrogate that a later read could not encode.
    document = parse_body(raw)
    if isinstance(document, Invalid):
        raise _BadRequest(400, f"control body: {document.message}")
    return document


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
        body = await _json_body(request)
        plan = _plan(body.get("plan", "api"))
        user, key = state.accounts.create(plan=plan, active=bool(body.get("active", True)))
        return _reply(200, {"success": True, "user": _user_json(user, state), "key": key})

    async def regenerate(request: Request) -> Response:
        user = _user(state, request)
        key = state.accounts.regenerate(user.id)
        return _reply(200, {"success": True, "user": _user_json(user, state), "key": key})

    async def set_plan(request: Request) -> Response:
        user = _user(state, request)
        plan = _plan((await _json_body(request)).get("plan"))
        return _reply(
            200,
            {"success": True, "user": _user_json(state.accounts.set_plan(user.id, plan), state)},
        )

    async def set_active(request: Request) -> Response:
        user = _user(state, request)
        active = (await _json_body(request)).get("active")
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
        user_id = (await _json_body(request)).get("user_id")
        state.limiter.reset(None if user_id is None else str(user_id))
        return _reply(200, {"success": True})

    def clock_json() -> dict[str, JSON]:
        now = state.clock.now()
        return {"success": True, "now": iso_utc(now), "epoch": now, "offset": state.clock.offset}

    async def clock(request: Request) -> Response:
        return _reply(200, clock_json())

    async def advance_clock(request: Request) -> Response:
        seconds = (await _json_body(request)).get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise _BadRequest(400, '"seconds" must be a number, 0 or more')
        state.clock.advance(float(seconds))
        return _reply(200, clock_json())

    async def mutants(request: Request) -> Response:
        rows = [{"id": m.id, "description": m.description} for m in MUTANTS]
        return _reply(200, {"success": True, "mutants": rows})

    async def create_video(request: Request) -> Response:
        body = await _json_body(request)
        try:
            owner = state.accounts.get(str(body.get("user_id")))
            status = Status(str(body.get("status", "completed")))
            mode = Mode(str(body.get("mode", "text-to-video")))
        except (KeyError, ValueError) as err:
            raise _BadRequest(400, "need an existing user_id, a known status and mode") from err
        resolution = str(body.get("resolution", "480p"))
        duration = body.get("duration", 5)
        if isinstance(duration, bool) or not isinstance(duration, int):
            raise _BadRequest(400, '"duration" must be an integer')
        video = state.videos.add(
            Video(
                id=state.videos.new_id(integer=state.behaviour.integer_video_id),
                owner=owner.id,
                mode=mode,
                status=status,
                description=str(body.get("prompt", "A video made by the control API")),
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
