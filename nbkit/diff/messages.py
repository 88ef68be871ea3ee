"""The documented messages of an auth error response: the strings its schemas fix.

A client that matches an auth error's message breaks when the wording changes,
so the walk takes these strings out of the 401/403 schemas and the
auth-schema-message rules judge them as one set per response.
"""

from __future__ import annotations

from collections.abc import Mapping

from nbkit.diff.schema_pairs import mapping
from nbkit.types import JSON

__all__ = ["messages", "without_messages"]


def messages(response: JSON) -> list[str]:
    """The fixed strings (const, enum) anywhere in a response's schemas: its documented wordings."""
    found: set[str] = set()

    def visit(node: JSON) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, Mapping):
            values = [node["const"]] if "const" in node else node.get("enum")
            if isinstance(values, list):
                found.update(value for value in values if isinstance(value, str))
            for key, value in node.items():
                if key not in ("const", "enum", "examples", "example", "default"):
                    visit(value)

    for media in mapping(mapping(response).get("content")).values():
        visit(mapping(media).get("schema"))
    return sorted(found)


def without_messages(node: JSON) -> JSON:
    """A response schema without its fixed strings, which the auth-schema-message rules judge."""
    if isinstance(node, list):
        return [without_messages(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    out = {key: without_messages(value) for key, value in node.items()}
    enum = out.get("enum")
    strings = isinstance(out.get("const"), str) or (
        isinstance(enum, list) and all(isinstance(value, str) for value in enum)
    )
    if strings:
        out.pop("const", None)
        out.pop("enum", None)
        # The values said "a string"; keep that, so no type rule fires on their removal.
        out.setdefault("type", "string")
    return out
