"""What the documentation says an answer must be: auth.yaml and the contract, applied to answers.

Nothing here holds a status or a message: they come from `nbkit.contract`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jsonschema import Draft202012Validator

from nbkit.contract import Operation, load_auth_table, load_openapi, operations
from nbkit.suite.client import Answer
from nbkit.target import Missing
from nbkit.types import JSON, StrEnum

__all__ = [
    "FreeProbe",
    "Judgement",
    "Verdict",
    "documented_statuses",
    "free_probe",
    "header_failures",
    "is_authorized_answer",
    "is_open",
    "judge_auth",
    "operation",
    "rate_limit",
    "schema_failure",
    "valid_body",
]


class Verdict(StrEnum):
    """How one observation compares with the documentation."""

    PASS = "pass"
    FAIL = "FAIL"
    OPEN = "observed"
    SKIP = "skipped"


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict on one answer, with what was expected in words."""

    verdict: Verdict
    expected: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class FreeProbe:
    """A request that costs nothing: the status endpoint, or a body refused after auth."""

    operation: Operation
    params: tuple[tuple[str, str], ...]
    body: JSON | None


def operation(operation_id: str) -> Operation:
    """The contract operation with this id."""
    return next(op for op in operations() if op.id == operation_id)


def _parameters(op: Operation) -> list[JSON]:
    item = load_openapi()["paths"][op.path]
    return [*item.get("parameters", []), *item[op.method.lower()].get("parameters", [])]


@cache
def free_probe(operation_id: str) -> FreeProbe:
    """The probe for an operation: documented example parameters, and a body missing a field."""
    op = operation(operation_id)
    params = []
    for parameter in _parameters(op):
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


def is_open(label: str) -> bool:
    """Whether the label is an open question of auth.yaml (observed, never asserted)."""
    return label in {q.id for q in load_auth_table().open_questions}


def schema_failure(op: Operation, answer: Answer) -> str | None:
    """Why the body is not the one documented for its status, or None when it is (or none is)."""
    validator = op.body_validator(answer.status)
    if validator is None:
        return None
    error = next(iter(validator.iter_errors(answer.body)), None)
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "body"
    return f"{answer.status} body does not match the contract at {where}: {error.message[:120]}"


def judge_auth(label: str, op: Operation, answer: Answer) -> Judgement:
    """The verdict on an auth probe's answer under an auth.yaml condition or open question."""
    table = load_auth_table()
    if is_open(label):
        return Judgement(Verdict.OPEN, f"open: {label}")
    expectation = table.expect(label, op.id)
    if expectation.status is None:
        expected = "authorized: no auth refusal"
    else:
        wordings = " | ".join(f'"{m}"' for m in expectation.messages)
        expected = f"{expectation.status} {wordings}"
    if not expectation.accepts(answer.status, answer.message):
        return Judgement(Verdict.FAIL, expected, f"{label}: expected {expected}")
    if str(answer.status) not in op.responses:
        return Judgement(Verdict.FAIL, expected, f"{answer.status} is not documented for {op.id}")
    failure = schema_failure(op, answer)
    if failure is not None:
        return Judgement(Verdict.FAIL, expected, failure)
    return Judgement(Verdict.PASS, expected)


def header_failures(op: Operation, answer: Answer) -> list[str]:
    """Each documented header of this status that is missing or does not match its schema."""
    response = op.response(answer.status)
    if not isinstance(response, dict):
        return []
    present = {name.lower(): value for name, value in answer.headers.items()}
    failures = []
    for name, header in response.get("headers", {}).items():
        value = present.get(name.lower())
        if value is None:
            if header.get("required"):
                failures.append(f"{answer.status} lacks the documented header {name}")
            continue
        header_schema = header.get("schema", {})
        instance: object = value
        if header_schema.get("type") == "integer":
            try:
                instance = int(value)
            except ValueError:
                failures.append(f"{name}: {value[:40]!r} is not an integer")
                continue
        if not Draft202012Validator(header_schema).is_valid(instance):
            failures.append(f"{name}: {value[:40]!r} does not match the contract")
    return failures


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


def is_authorized_answer(op: Operation, answer: Answer) -> bool:
    """Whether the answer shows the request was served as authenticated.

    A 2xx, or a documented non-auth status whose body is the documented one
    (the 400 of a refused body, the 404 of an unknown video).
    """
    if 200 <= answer.status < 300:
        return True
    auth_statuses = {o.status for o in load_auth_table().outcomes.values() if o.status}
    if answer.status in auth_statuses or str(answer.status) not in op.responses:
        return False
    return op.body_validator(answer.status) is not None and schema_failure(op, answer) is None
