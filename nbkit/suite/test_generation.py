"""Generations as documented: body, headers, the video's status, the prompt limit, ownership.

These generate videos: free on the embedded mock, live only with NB_ALLOW_SPEND=1.
Every answer goes through the contract's conformance checks.
"""

from __future__ import annotations

import pytest

from nbkit.contract import KeyRole, Request, Response, operation, operations, schema, validator
from nbkit.suite.client import Client
from nbkit.suite.oracle import (
    conformance_problems,
    documented_statuses,
    keyed_request,
    valid_body,
)
from nbkit.target import Missing
from nbkit.types import JSON

__all__ = [
    "test_foreign_video_is_denied",
    "test_generation_conforms",
    "test_prompt_length_limit",
]

_STATUS_OPERATION = "getVideoStatus"
_DENIED = "video-status-error#/$defs/access_denied"


def _generating() -> list[str]:
    return [op.id for op in operations() if "x-nbkit-rate-limit" in op.extensions]


def _checked(client: Client, request: Request, operation_id: str) -> Response:
    """Send, and fail on any deviation of the answer from the contract."""
    answer = client.send(request)
    problems = conformance_problems(operation(operation_id), request, answer)
    if problems:
        raise AssertionError(f"{operation_id}: " + "; ".join(problems))
    return answer


def _generate(client: Client, operation_id: str, body: JSON) -> Response:
    target = client.target
    target.need_spend(operation_id)
    if target.control is not None:
        target.control.reset_limits()
    request = keyed_request(target, operation(operation_id), body=body)
    return _unless_rate_limited(client, _checked(client, request, operation_id))


def _unless_rate_limited(client: Client, answer: Response) -> Response:
    """A live key's spent rate limit answers 429 to any generation request, refused body
    or not: a documented answer (checked already), so the check waits for a rerun."""
    if answer.status == 429 and client.target.control is None:
        raise Missing("the live key's rate limit is spent (a conforming 429); rerun later")
    return answer


def _status(client: Client, video_id: str, role: KeyRole = KeyRole.VALID) -> Response:
    request = keyed_request(
        client.target, operation(_STATUS_OPERATION), params=(("video_id", video_id),), role=role
    )
    return _checked(client, request, _STATUS_OPERATION)


@pytest.mark.parametrize("operation_id", _generating())
def test_generation_conforms(operation_id: str, nb_client: Client) -> None:
    """A documented example body gets 200, the documented body and headers, then a status."""
    answer = _generate(nb_client, operation_id, valid_body(operation(operation_id)))
    if answer.status != 200:
        raise AssertionError(f"{operation_id}: a documented example body got {answer.describe()}")
    video_id = answer.body.get("video_id") if isinstance(answer.body, dict) else None
    status = _status(nb_client, str(video_id))
    if status.status != 200:
        raise AssertionError(
            f"{_STATUS_OPERATION} after {operation_id}: the video just generated got "
            f"{status.describe()}"
        )


def _prompt_limit(op_id: str) -> int:
    request_schema = operation(op_id).request_schema
    prompt = request_schema.get("properties", {}).get("prompt", {}) if request_schema else {}
    if "maxLength" not in prompt:
        raise Missing(f"{op_id}: the contract gives no prompt limit")
    return int(prompt["maxLength"])


@pytest.mark.parametrize("over", [False, True], ids=["at-limit", "over-limit"])
def test_prompt_length_limit(over: bool, nb_client: Client) -> None:
    """A prompt of exactly the documented maximum is accepted; one character more is refused."""
    op_id = _generating()[0]
    limit = _prompt_limit(op_id)
    body = dict(valid_body(operation(op_id)))
    body["prompt"] = "a" * (limit + over)
    if over:
        # Refused before generating, so this costs nothing even live.
        target = nb_client.target
        if target.control is not None:
            target.control.reset_limits()
        request = keyed_request(target, operation(op_id), body=body)
        answer = _unless_rate_limited(nb_client, _checked(nb_client, request, op_id))
    else:
        answer = _generate(nb_client, op_id, body)
    expected = 400 if over else 200
    if answer.status != expected:
        raise AssertionError(
            f"{op_id}: a prompt of {len(body['prompt'])} characters (documented maximum {limit}) "
            f"got {answer.describe()}, expected {expected}"
        )


def _foreign_video(client: Client) -> str:
    """A video of another account: made on the mock, NB_OTHER_VIDEO_ID on a live target."""
    target = client.target
    if target.control is not None:
        other = target.control.create_user(plan="api")
        return str(target.control.create_video(other.user.id)["id"])
    _, video_id = target.need_other_video()
    # Its owner sees it: so the denial below is about ownership, not a missing video.
    own = _status(client, video_id, KeyRole.OTHER_USER)
    if own.status != 200:
        raise AssertionError(
            f"NB_OTHER_VIDEO_ID: its owner (NB_API_KEY_OTHER) got {own.describe()}"
        )
    return video_id


def test_foreign_video_is_denied(nb_client: Client) -> None:
    """Another user's video is not shown: the documented access-denied answer."""
    video_id = _foreign_video(nb_client)
    denied = schema(_DENIED.split("#")[0])["$defs"]["access_denied"]
    body = {"success": False, "error": denied["properties"]["error"]["const"]}
    expected = documented_statuses(operation(_STATUS_OPERATION), body)
    answer = _status(nb_client, video_id)
    if answer.status not in expected or not validator(_DENIED).is_valid(answer.body):
        raise AssertionError(
            f"another user's video got {answer.describe()}, expected {expected} {body['error']!r}"
        )
