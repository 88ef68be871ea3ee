"""The auth decision table of contracts/auth.yaml as frozen values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, Protocol, TypeVar

from nbkit.contract.load import AUTH_TABLE_FILE, read_document
from nbkit.contract.message import Request
from nbkit.errors import InputError
from nbkit.types import JSON

__all__ = [
    "AuthTable",
    "Condition",
    "Expectation",
    "Message",
    "Method",
    "OpenQuestion",
    "Outcome",
    "load_auth_table",
    "parse_auth_table",
]


@dataclass(frozen=True, slots=True)
class Method:
    """One documented way to send the key."""

    id: str
    location: Literal["header", "query"]
    name: str
    template: str
    security_scheme: str

    def render(self, key: str) -> str:
        """The header or parameter value that carries `key`."""
        return self.template.replace("{key}", key)

    def apply(self, request: Request, key: str) -> Request:
        """`request` carrying `key` the way this method sends it."""
        return self.put(request, self.render(key))

    def put(self, request: Request, value: str) -> Request:
        """`request` with `value` as this method's whole header or parameter (no template)."""
        if self.location == "header":
            return request.with_header(self.name, value)
        return request.with_param(self.name, value)


@dataclass(frozen=True, slots=True)
class Message:
    """One published wording of an outcome's message."""

    text: str
    source: str
    operations: tuple[str, ...] | None

    def applies_to(self, operation_id: str) -> bool:
        return self.operations is None or operation_id in self.operations


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the server answers: a status (None: auth passes) and its wordings."""

    id: str
    status: int | None
    messages: tuple[Message, ...]


@dataclass(frozen=True, slots=True)
class Condition:
    """One row of the ordered decision table."""

    id: str
    description: str
    methods: tuple[str, ...]
    outcome: str
    source: str


@dataclass(frozen=True, slots=True)
class OpenQuestion:
    """Behaviour the documentation leaves open: observed, never asserted."""

    id: str
    description: str


@dataclass(frozen=True, slots=True)
class Expectation:
    """What the documentation says a request under a condition gets."""

    condition: str
    outcome: str
    status: int | None
    messages: tuple[str, ...]
    # Every documented auth refusal: what an authorized request must never get.
    refusals: frozenset[tuple[int, str]]

    def accepts(self, status: int, message: object) -> bool:
        """Whether an observed answer is one the documentation allows."""
        if self.status is None:
            # Auth passed: the operation's own answer follows, anything but a refusal.
            return (status, message) not in self.refusals
        return status == self.status and message in self.messages


@dataclass(frozen=True, slots=True)
class AuthTable:
    """Methods, outcomes, the ordered conditions and the open questions."""

    methods: tuple[Method, ...]
    outcomes: Mapping[str, Outcome]
    conditions: tuple[Condition, ...]
    open_questions: tuple[OpenQuestion, ...]

    def method(self, method_id: str) -> Method:
        """The method with this id; raises ValueError naming the choices."""
        return _one(self.methods, method_id, "auth method")

    def condition(self, condition_id: str) -> Condition:
        """The condition with this id; raises ValueError naming the choices."""
        return _one(self.conditions, condition_id, "auth.yaml condition")

    def is_open(self, label: str) -> bool:
        """Whether `label` is an open question (observed, never asserted)."""
        return any(q.id == label for q in self.open_questions)

    def expect(self, condition_id: str, operation_id: str) -> Expectation:
        """The documented status and wordings for a condition on an operation."""
        condition = self.condition(condition_id)
        outcome = self.outcomes[condition.outcome]
        texts = tuple(m.text for m in outcome.messages if m.applies_to(operation_id))
        refusals = frozenset(
            (o.status, m.text)
            for o in self.outcomes.values()
            if o.status is not None
            for m in o.messages
        )
        return Expectation(condition.id, outcome.id, outcome.status, texts, refusals)

    def messages(self, status: int) -> frozenset[str]:
        """Every wording the table documents for a status."""
        return frozenset(
            m.text for o in self.outcomes.values() if o.status == status for m in o.messages
        )


class _Row(Protocol):
    @property
    def id(self) -> str: ...


_R = TypeVar("_R", bound=_Row)


def _one(rows: tuple[_R, ...], wanted: str, what: str) -> _R:
    for row in rows:
        if row.id == wanted:
            return row
    raise ValueError(f"unknown {what} {wanted!r}; choose from {', '.join(r.id for r in rows)}")


@cache
def load_auth_table(path: Path = AUTH_TABLE_FILE) -> AuthTable:
    """Parse and check contracts/auth.yaml; errors name the file and the JSON pointer."""
    document = read_document(path)
    try:
        return parse_auth_table(document)
    except (KeyError, TypeError, ValueError) as err:
        raise InputError(f"{path}: {err}") from err


def parse_auth_table(document: JSON) -> AuthTable:
    """Build the table from a parsed auth.yaml; raises KeyError, TypeError or ValueError."""
    methods = tuple(
        Method(
            id=str(row["id"]),
            location=_location(row["in"]),
            name=str(row["name"]),
            template=str(row["template"]),
            security_scheme=str(row["security_scheme"]),
        )
        for row in document["methods"]
    )
    outcomes = {
        str(outcome_id): Outcome(
            id=str(outcome_id),
            status=None if row["status"] is None else int(row["status"]),
            messages=tuple(
                Message(
                    text=str(m["text"]),
                    source=str(m["source"]),
                    operations=tuple(m["operations"]) if "operations" in m else None,
                )
                for m in row["messages"]
            ),
        )
        for outcome_id, row in document["outcomes"].items()
    }
    method_ids = {m.id for m in methods}
    conditions = []
    for index, row in enumerate(document["conditions"]):
        condition = Condition(
            id=str(row["id"]),
            description=str(row["description"]),
            methods=tuple(str(m) for m in row["methods"]),
            outcome=str(row["outcome"]),
            source=str(row["source"]),
        )
        if condition.outcome not in outcomes:
            raise ValueError(f"/conditions/{index}/outcome: unknown outcome {condition.outcome!r}")
        unknown = set(condition.methods) - method_ids
        if unknown:
            raise ValueError(f"/conditions/{index}/methods: unknown methods {sorted(unknown)}")
        conditions.append(condition)
    open_questions = tuple(
        OpenQuestion(id=str(row["id"]), description=str(row["description"]))
        for row in document.get("open", ())
    )
    return AuthTable(methods, outcomes, tuple(conditions), open_questions)


def _location(value: object) -> Literal["header", "query"]:
    if value == "header":
        return "header"
    if value == "query":
        return "query"
    raise ValueError(f"a method's `in` is header or query, not {value!r}")
