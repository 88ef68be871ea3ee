"""Every documented fact of the three endpoints is in the contract or in conflicts.yaml."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nbkit.contract import (
    AUTH_TABLE_FILE,
    CONFLICTS_FILE,
    HISTORY_DIR,
    SCHEMAS_DIR,
    load_openapi,
    operations,
    read_document,
)
from nbkit.types import JSON

FACTS = read_document(Path(__file__).parents[2] / "data" / "api-facts.yaml")


def _strings(node: JSON) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, str):
        yield node


DOCUMENTS = [
    load_openapi(),
    read_document(AUTH_TABLE_FILE),
    read_document(CONFLICTS_FILE),
    *(read_document(path) for path in sorted(HISTORY_DIR.glob("*.yaml"))),
    *(read_document(path) for path in sorted(SCHEMAS_DIR.glob("*.json"))),
]
STRINGS = frozenset(s for document in DOCUMENTS for s in _strings(document))
KEYS_AND_VALUES = " ".join(sorted(STRINGS))


@pytest.mark.parametrize(
    ("operation_id", "status"),
    [(op, status) for op, statuses in FACTS["statuses"].items() for status in statuses],
)
def test_documented_status_is_in_the_operation(operation_id: str, status: int) -> None:
    operation = next(op for op in operations() if op.id == operation_id)
    assert str(status) in operation.responses


@pytest.mark.parametrize("name", [*FACTS["fields"], *FACTS["headers"]])
def test_documented_field_or_header_is_named(name: str) -> None:
    assert name in STRINGS


@pytest.mark.parametrize("value", FACTS["values"])
def test_documented_value_appears(value: str) -> None:
    assert value in KEYS_AND_VALUES


@pytest.mark.parametrize("message", FACTS["messages"])
def test_documented_message_appears_verbatim(message: str) -> None:
    assert any(message in s for s in STRINGS)
