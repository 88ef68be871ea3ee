"""What a rule is and judges: pairs of matching nodes of two contracts, and what it reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nbkit.diff.change import Direction, Level
from nbkit.types import JSON, StrEnum

__all__ = ["Delta", "Kind", "Pair", "PairCheck", "Rule"]


class Kind(StrEnum):
    """What sort of node a pair holds; each rule judges one kind."""

    SERVER = "server"
    OPERATION = "operation"
    RATE_LIMIT = "rate-limit"
    PARAMETER = "parameter"
    REQUEST_BODY = "request-body"
    MEDIA_TYPE = "media-type"
    SCHEMA = "schema"
    ALTERNATIVE = "alternative"
    OVERLAP_GAINED = "overlap-gained"
    OVERLAP_LOST = "overlap-lost"
    PROPERTY = "property"
    RESPONSE = "response"
    HEADER = "header"
    AUTH_MESSAGES = "auth-messages"
    SECURITY_SCHEME = "security-scheme"
    OPERATION_SECURITY = "operation-security"
    KEY_SCHEMA = "key-schema"
    AUTH_OUTCOME = "auth-outcome"
    AUTH_CONDITION = "auth-condition"


@dataclass(frozen=True, slots=True)
class Pair:
    """A node of the old contract and its match in the new one; None where a side lacks it.

    Names differ only when the compare step matched a renamed node;
    `*_required` hold the `required` flag of properties, parameters and headers;
    `after_closed` says that a property's new object refuses properties it does not name.
    """

    before: JSON
    after: JSON
    before_name: str | None = None
    after_name: str | None = None
    before_required: bool = False
    after_required: bool = False
    after_closed: bool = False


@dataclass(frozen=True, slots=True)
class Delta:
    """What a rule reports: the old and new values, and where below the pair they sit."""

    before: JSON
    after: JSON
    at: str = ""


# A rule's logic: judge one pair, report a Delta when the rule applies.
PairCheck = Callable[[Pair], Delta | None]


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the table: which pairs it judges, how, and how bad a hit is."""

    id: str
    level: Level
    direction: Direction
    kind: Kind
    check: PairCheck

    @property
    def summary(self) -> str:
        """What the rule reports: the first line of its check's docstring."""
        doc = (self.check.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else self.id
