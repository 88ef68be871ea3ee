"""What one classified change is: a frozen record of rule id, level, place and values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final

from nbkit.types import JSON, StrEnum

__all__ = ["Change", "Direction", "Level", "display", "meets"]


class Level(StrEnum):
    """How much a change can hurt a client that was written for the old contract."""

    BREAKING = "breaking"
    WARNING = "warning"
    INFO = "info"


class Direction(StrEnum):
    """Which message a rule judges: what the client sends, or what it receives."""

    REQUEST = "request"
    RESPONSE = "response"


_RANK: Final = {Level.INFO: 0, Level.WARNING: 1, Level.BREAKING: 2}


def meets(level: Level, threshold: Level) -> bool:
    """Whether `level` is at least as severe as `threshold`."""
    return _RANK[level] >= _RANK[threshold]


def display(value: JSON) -> str:
    """A value as reports print it: strings bare, absent as empty, the rest as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


@dataclass(frozen=True, slots=True)
class Change:
    """One change between two contracts, classified by the rule that found it.

    `pointer` is a JSON Pointer into the resolved contract (or into the auth
    table for `auth-*` rules); `method` and `path` name the operation, when
    the change belongs to one.
    """

    rule_id: str
    level: Level
    direction: Direction
    method: str | None
    path: str | None
    pointer: str
    before: JSON
    after: JSON

    def sort_key(self) -> tuple[str, str, str, str]:
        """Output order: path, method, pointer, rule id."""
        return (self.path or "", self.method or "", self.pointer, self.rule_id)

    @property
    def operation(self) -> str:
        """`METHOD path`, or empty for a change outside the operations."""
        return f"{self.method} {self.path}" if self.method and self.path else ""
