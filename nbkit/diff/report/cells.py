"""How a change reads in a table cell: a short place instead of the pointer, clipped values."""

from __future__ import annotations

from typing import Final

from nbkit.diff.change import Change, display
from nbkit.types import JSON

__all__ = ["place", "value"]

# Wider cells wrap badly in terminals and pull-request comments.
MAX_CELL: Final = 60
_JSON: Final = "application/json"


def _tokens(pointer: str) -> list[str]:
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")[1:]]


def place(change: Change) -> str:
    """`request body: prompt.maxLength`, `200 header X-RateLimit-Limit`, or the pointer."""
    tokens = _tokens(change.pointer)
    if change.method and change.path and tokens[:1] == ["paths"]:
        tokens = tokens[3:]
    head: list[str] = []
    tail: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token == "requestBody" and not tail:
            head.append("request")
        elif token == "responses" and not tail:
            head.append(following)
            i += 1
        elif token == "content" and not tail:
            head.append("body" if following == _JSON else f"body {following}")
            i += 2 if tokens[i + 2 : i + 3] == ["schema"] else 1
        elif token in ("headers", "parameters") and not tail:
            head.append(f"{token[:-1]} {following}")
            i += 1
        elif token == "properties" and following:
            tail.append(following)
            i += 1
        elif token != "schema" or tail:
            tail.append(token)
        i += 1
    if not head:
        return ".".join(tail) if change.operation else change.pointer
    return " ".join(head) + (": " + ".".join(tail) if tail else "")


def value(data: JSON) -> str:
    """The value as reports print it, cut to MAX_CELL characters."""
    text = display(data)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"
