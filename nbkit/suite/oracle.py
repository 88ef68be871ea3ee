"""The suite's verdicts: every answer it receives judged by the contract's conformance checks.

Nothing here holds a status or a message: they come from `nbkit.contract`.
An open question of auth.yaml makes only the auth answer "observed": the
status, the body and the headers of that answer are still judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jsonschema import Draft202012Validator

from nbkit.contract import (
    Exchange,
    KeyRole,
    Operation,
    Request,
    Response,
    deviations,
    load_auth_table,
    operation,
)
from nbkit.contract.conformance import expected_auth
from nbkit.target import Missing, Target
from nbkit.types import JSON, StrEnum

__all__ = [
    "CaseVerdict",
    "FreeProbe",
    "Judgement",
    "conformance_problems",
    "documented_statuses",
    "free_probe",
    "is_authorized_answer",
    "judge",
    "keyed_request",
    "rate_limit",
    "valid_body",
]


class CaseVerdict(StrEnum):
    """How one observation compares with the documentation."""

    PASS = "pass"
    FAIL = "FAIL"
    OPEN = "observed"
    SKIP = "skipped"


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict on one answer, with what was expected in words."""

    verdict: CaseVerdict
    expected: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class FreeProbe:
    """A request that costs nothing: the status endpoint, or a body refused after auth."""

    operation: Operation
    params: tuple[tuple[str, str], ...]
    body: JSON | None

    def request(self, target: Target, *, base: str | None = None) -> Request:
        """The probe addressed to a target (or to `base`), without a credential."""
        op = self.operation
        return Request(op.method, target.url(op.path, base=base), (), self.params, self.body)


@cache
def free_probe(operation_id: str) -> FreeProbe:
    """The probe for an operation: documented example parameters, and a body missing a field."""
    op = operation(operation_id)
    params = []
    for parameter in op.parameters:
        if parameter.get("in") == "query" and parameter.get("required"):
            example = parameter.get(
                "example", parameter.get("schema", {}).get("examples", [None])[0]
            )
            if example is None:
                raise Missing(f"{op.id}: no example for parameter {parameter.get('name')}")
            params.append((str(parameter["name"]), str(example)))
    body: JSON | None = None
    if op.request_schema is not None:
        body = {}
        # The empty object must be invalid, so an authorized request is refused and costs nothing.
        if Draft202012Validator(op.request_schema).is_valid(body):
            raise Missing(f"{op.id}: the contract gives no body the API must refuse")
    return FreeProbe(op, tuple(params), body)


def keyed_request(
    target: Target,
    op: Operation,
    *,
    body: JSON | None = None,
    params: tuple[tuple[str, str], ...] = (),
    role: KeyRole = KeyRole.VALID,
) -> Request:
    """A request for `op` carrying the role's key (NB_API_KEY) by the first documented method."""
    method = load_auth_table().methods[0]
    request = Request(op.method, target.url(op.path), params=params, body=body)
    return method.apply(request, target.need(role))


def _describe(op: Operation, request: Request, response: Response, condition: str) -> list[str]:
    return [
        f"{d.check}: expected {d.expected}, got {d.seen}"
        for d in deviations(Exchange(op, request, response, condition))
    ]


def judge(condition: str, op: Operation, request: Request, response: Response) -> Judgement:
    """The verdict on an answer to a request under an auth.yaml condition or open question."""
    problems = _describe(op, request, response, condition)
    is_open = load_auth_table().is_open(condition)
    expected = f"open: {condition}" if is_open else expected_auth(condition, op.id)
    if problems:
        return Judgement(CaseVerdict.FAIL, expected, f"{condition}: " + "; ".join(problems))
    return Judgement(CaseVerdict.OPEN if is_open else CaseVerdict.PASS, expected)


def conformance_problems(op: Operation, request: Request, response: Response) -> list[str]:
    """Each deviation of an answer to a request made with a valid key, in words."""
    return _describe(op, request, response, KeyRole.VALID.condition)


def valid_body(op: Operation) -> JSON:
    """The first documented example of the operation's request body."""
    schema = op.request_schema if isinstance(op.request_schema, dict) else {}
    examples = schema.get("examples") or []
    if not examples:
        raise Missing(f"{op.id}: the contract gives no example body")
    return examples[0]


def documented_statuses(op: Operation, body: JSON) -> list[int]:
    """The statuses whose documented body accepts `body` but not just any error envelope."""
    # A generic envelope (any message) would make every error status match.
    generic = {"success": False, "error": "\u0000 not a documented message"}
    found = []
    for status in op.responses:
        if not status.isdigit():
            continue
        validator = op.body_validator(int(status))
        if validator is not None and validator.is_valid(body) and not validator.is_valid(generic):
            found.append(int(status))
    return found


def rate_limit(op: Operation) -> tuple[int, int]:
    """The documented (limit, window seconds) of a rate-limited operation."""
    extension = op.extensions.get("x-nbkit-rate-limit")
    if not isinstance(extension, dict):
        raise Missing(f"{op.id}: the contract documents no rate limit")
    return int(extension["limit"]), int(extension["window_seconds"])


def is_authorized_answer(op: Operation, response: Response) -> bool:
    """Whether the answer shows the request was served as authenticated.

    A 2xx, or a documented non-auth status whose body is the documented one
    (the 400 of a refused body, the 404 of an unknown video).
    """
    if 200 <= response.status < 300:
        return True
    auth_statuses = {o.status for o in load_auth_table().outcomes.values() if o.status}
    if response.status in auth_statuses or str(response.status) not in op.responses:
        return False
    validator = op.body_validator(response.status)
    return validator is not None and validator.is_valid(response.body)
