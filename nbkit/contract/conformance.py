"""The one table of conformance checks (CHECKS): is this answer what the contract documents?

Every part that judges an answer calls `deviations`: the contract suite for each
answer it receives (open-question probes included), the cassette check, and
the pytest plugin. A check is a pure function of one `Exchange` and returns the
deviations it sees as (pointer, what the contract says, what was seen).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.exceptions import best_match

from nbkit.contract.auth_table import load_auth_table
from nbkit.contract.message import Request, Response
from nbkit.contract.openapi import Operation, operations
from nbkit.types import JSON

__all__ = [
    "CHECKS",
    "Conformance",
    "Deviation",
    "Exchange",
    "deviations",
    "expected_auth",
    "is_refused_request",
    "locate",
]

_SHOWN_CHARS: Final = 90
Seen = tuple[tuple[str, str, str], ...]  # (pointer, contract says, seen)


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and its response, with what judging them needs."""

    operation: Operation | None
    request: Request
    response: Response
    # The auth.yaml condition (or open question) the request's credential falls under;
    # None when it is not known (a cassette whose key is no role's placeholder).
    condition: str | None
    # False when the path is documented but not for this method (a 405 probe).
    method_documented: bool = True


@dataclass(frozen=True, slots=True)
class Deviation:
    """One way an answer departs from the contract."""

    check: str
    pointer: str
    expected: str
    seen: str


@dataclass(frozen=True, slots=True)
class Conformance:
    """One row of CHECKS: id, the pure function, and what it checks."""

    id: str
    function: Callable[[Exchange], Seen]
    description: str


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def locate(method: str, path: str) -> tuple[Operation | None, bool]:
    """The operation a request addressed (by path, then method) and whether its method is."""
    same_path = [op for op in operations() if path.endswith(op.path)]
    exact = [op for op in same_path if op.method == method.upper()]
    candidates = exact or same_path
    return (candidates[0] if candidates else None), bool(exact)


def is_refused_request(op: Operation, request: Request) -> str | None:
    """Why the contract refuses this request (a body or a required parameter), or None."""
    sent = {name for name, _ in request.params}
    missing = [name for name in op.required_query() if name not in sent]
    if missing:
        return f"no required query parameter {', '.join(missing)}"
    if op.request_schema is None:
        return None
    if request.body is None:
        return "no request body"
    error = best_match(Draft202012Validator(op.request_schema).iter_errors(request.body))
    if error is None:
        return None
    where = "".join(f"/{part}" for part in error.absolute_path) or "/"
    return f"a request body the contract refuses ({where} {error.validator})"


def expected_auth(condition: str, operation_id: str) -> str:
    """The documented answer to a condition, in words: `401 Invalid API key`."""
    expectation = load_auth_table().expect(condition, operation_id)
    if expectation.status is None:
        return f"no auth refusal ({condition})"
    return f"{expectation.status} {' | '.join(expectation.messages)}"


def operation_documented(exchange: Exchange) -> Seen:
    if exchange.operation is not None:
        return ()
    request = exchange.request
    return (("", "a documented path", f"{request.method} {request.url}"),)


def status_documented(exchange: Exchange) -> Seen:
    op, status = exchange.operation, exchange.response.status
    if op is None:
        return ()
    documented = sorted(op.responses) if exchange.method_documented else ["405"]
    if str(status) in documented and (exchange.method_documented or "405" in op.responses):
        return ()
    return (("", f"status {' / '.join(documented)}", f"status {status}"),)


def refused_request_served(exchange: Exchange) -> Seen:
    op, status = exchange.operation, exchange.response.status
    if op is None or not exchange.method_documented or not 200 <= status < 300:
        return ()
    refused = is_refused_request(op, exchange.request)
    if refused is None:
        return ()
    return (("", f"a refusal: {refused}", f"status {status}"),)


def auth_answer(exchange: Exchange) -> Seen:
    op, response = exchange.operation, exchange.response
    if op is None or not exchange.method_documented:
        return ()
    if exchange.condition is None:
        return (("", "a credential of a known key role", "a credential that is not one"),)
    table = load_auth_table()
    if table.is_open(exchange.condition):
        return ()
    expectation = table.expect(exchange.condition, op.id)
    if expectation.accepts(response.status, response.message):
        return ()
    says = expected_auth(exchange.condition, op.id)
    return (("/error", _short(says), _short(f"{response.status} {response.message}")),)


def body_is_json(exchange: Exchange) -> Seen:
    if exchange.operation is None or exchange.response.is_json:
        return ()
    return (("", "a JSON body", _short(exchange.response.text or "no body")),)


def _leaf(error: ValidationError) -> ValidationError:
    # anyOf / oneOf failures carry one error per branch: show the most relevant one.
    while error.context:
        chosen = best_match(error.context)
        if chosen is None:
            break
        error = chosen
    return error


def _type_name(value: object) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    names.update({list: "array", dict: "object", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def body_schema(exchange: Exchange) -> Seen:
    op, response = exchange.operation, exchange.response
    if op is None or not response.is_json:
        return ()
    validator = op.body_validator(response.status)
    if validator is None:
        return ()
    seen = []
    for error in validator.iter_errors(response.body):
        leaf = _leaf(error)
        pointer = "".join(f"/{part}" for part in leaf.absolute_path)
        keyword = str(leaf.validator)
        says = leaf.validator_value
        if keyword == "enum" and isinstance(says, list):
            says = " | ".join(str(v) for v in says)
        shown = f"{_short(leaf.instance)} ({_type_name(leaf.instance)})"
        if keyword == "required":
            shown = f"no {leaf.message.split(' ')[0]}"
        seen.append((pointer, _short(f"{pointer or '/'} {keyword}: {_short(says)}"), shown))
    return tuple(sorted(set(seen)))


def required_headers(exchange: Exchange) -> Seen:
    op, response = exchange.operation, exchange.response
    if op is None or not exchange.method_documented:
        return ()
    documented = op.response(response.status)
    if not isinstance(documented, Mapping):
        return ()
    present = {name.lower(): value for name, value in response.headers.items()}
    seen = []
    for name, header in sorted(documented.get("headers", {}).items()):
        value = present.get(name.lower())
        if value is None:
            if header.get("required"):
                seen.append((f"header {name}", f"header {name}", "absent"))
            continue
        schema = header.get("schema")
        if schema is None:
            continue
        try:
            parsed: JSON = int(value) if schema.get("type") == "integer" else value
        except ValueError:
            parsed = value
        if not Draft202012Validator(schema).is_valid(parsed):
            says = _short(f"header {name}: {schema}")
            seen.append((f"header {name}", says, _short(f"{name}: {value}")))
    return tuple(seen)


# Order matters: the first deviation reported at a pointer wins (an auth message that
# changed is one deviation, not also a schema enum deviation).
CHECKS: Final = (
    Conformance("operation-documented", operation_documented, "the path is in the contract"),
    Conformance("status-documented", status_documented, "the status is documented for it"),
    Conformance(
        "refused-request-served",
        refused_request_served,
        "a request the contract refuses (body, required parameter) gets no success answer",
    ),
    Conformance("auth-answer", auth_answer, "the documented answer for the credential sent"),
    Conformance("body-json", body_is_json, "the body is JSON"),
    Conformance("body-schema", body_schema, "the body matches the status's schema"),
    Conformance("required-headers", required_headers, "required headers are present and valid"),
)


def deviations(exchange: Exchange) -> tuple[Deviation, ...]:
    """Every deviation of one exchange, in CHECKS order, one per pointer."""
    found: list[Deviation] = []
    pointers: set[str] = set()
    for check in CHECKS:
        for pointer, expected, seen in check.function(exchange):
            if pointer and pointer in pointers:
                continue
            pointers.add(pointer)
            found.append(Deviation(check.id, pointer, expected, seen))
    return tuple(found)
