"""Generations as documented: body, headers, the video's status, the prompt limit, ownership.

These generate videos: free on the embedded mock, live only with NB_ALLOW_SPEND=1.
"""

from __future__ import annotations

import pytest

from nbkit.contract import load_auth_table, operations, schema, validator
from nbkit.suite.client import Answer, Client
from nbkit.suite.oracle import (
    documented_statuses,
    header_failures,
    operation,
    schema_failure,
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


def _generate(client: Client, operation_id: str, body: JSON) -> Answer:
    target = client.target
    target.need_spend(operation_id)
    if target.control is not None:
        target.control.reset_limits()
    op = operation(operation_id)
    method = load_auth_table().methods[0]
    key = target.need("NB_API_KEY")
    answer = client.send(
        op.method, target.url(op.path), headers=[(method.name, method.render(key))], body=body
    )
    if answer.status == 429 and target.control is None:
        # A documented answer: checked against the contract, then the check waits for a rerun.
        problems = _conformance(operation_id, answer)
        if problems:
            raise AssertionError(f"{operation_id}: " + "; ".join(problems))
        raise Missing("the live key's rate limit is spent (a conforming 429); rerun later")
    return answer


def _conformance(operation_id: str, answer: Answer) -> list[str]:
    op = operation(operation_id)
    problems = header_failures(op, answer)
    failure = schema_failure(op, answer)
    if str(answer.status) not in op.responses:
        problems.append(f"{answer.status} is not documented for {op.id}")
    if failure is not None:
        problems.append(failure)
    return problems


@pytest.mark.parametrize("operation_id", _generating())
def test_generation_conforms(operation_id: str, nb_client: Client) -> None:
    """A documented example body gets 200, the documented body and headers, then a status."""
    answer = _generate(nb_client, operation_id, valid_body(operation(operation_id)))
    problems = _conformance(operation_id, answer)
    if answer.status != 200:
        problems.insert(0, f"a documented example body got {answer.describe()}")
    if problems:
        raise AssertionError(f"{operation_id}: " + "; ".join(problems))
    status_op = operation(_STATUS_OPERATION)
    video_id = answer.body.get("video_id") if isinstance(answer.body, dict) else None
    key = nb_client.target.need("NB_API_KEY")
    method = load_auth_table().methods[0]
    status = nb_client.send(
        status_op.method,
        nb_client.target.url(status_op.path),
        headers=[(method.name, method.render(key))],
        params=[("video_id", str(video_id))],
    )
    problems = _conformance(_STATUS_OPERATION, status)
    if status.status != 200:
        problems.insert(0, f"the video just generated got {status.describe()}")
    if problems:
        raise AssertionError(f"{_STATUS_OPERATION} after {operation_id}: " + "; ".join(problems))


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
        nb_client.target.need("NB_API_KEY")
    answer = _generate(nb_client, op_id, body) if not over else _refused(nb_client, op_id, body)
    expected = 400 if over else 200
    if answer.status != expected:
        raise AssertionError(
            f"{op_id}: a prompt of {len(body['prompt'])} characters (documented maximum {limit}) "
            f"got {answer.describe()}, expected {expected}"
        )


def _refused(client: Client, op_id: str, body: JSON) -> Answer:
    target = client.target
    if target.control is not None:
        target.control.reset_limits()
    op = operation(op_id)
    method = load_auth_table().methods[0]
    return client.send(
        op.method,
        target.url(op.path),
        headers=[(method.name, method.render(target.need("NB_API_KEY")))],
        body=body,
    )


def test_foreign_video_is_denied(nb_client: Client) -> None:
    """Another user's video is not shown: the documented access-denied answer."""
    control = nb_client.target.need_control("a video of another user")
    other = control.create_user(plan="api")
    video = control.create_video(other.user.id)
    denied = schema(_DENIED.split("#")[0])["$defs"]["access_denied"]
    body = {"success": False, "error": denied["properties"]["error"]["const"]}
    op = operation(_STATUS_OPERATION)
    expected = documented_statuses(op, body)
    method = load_auth_table().methods[0]
    answer = nb_client.send(
        op.method,
        nb_client.target.url(op.path),
        headers=[(method.name, method.render(nb_client.target.need("NB_API_KEY")))],
        params=[("video_id", str(video["id"]))],
    )
    if answer.status not in expected or not validator(_DENIED).is_valid(answer.body):
        raise AssertionError(
            f"another user's video got {answer.describe()}, expected {expected} {body['error']!r}"
        )
