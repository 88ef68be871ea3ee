"""Hypothesis strategies for request bodies, generated from the contract by schemathesis."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from hypothesis import strategies as st

from nbkit.contract import CONTRACT_FILE, operations
from nbkit.types import JSON

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiSchema

__all__ = ["request_bodies"]


@cache
def _schema() -> OpenApiSchema:
    import schemathesis  # heavy; only body strategies need it

    return schemathesis.openapi.from_path(str(CONTRACT_FILE))


def request_bodies(operation_id: str) -> st.SearchStrategy[JSON]:
    """Bodies the contract accepts for an operation (`textToVideo`, `imageToVideo`)."""
    operation = next((op for op in operations() if op.id == operation_id), None)
    if operation is None or operation.request_schema is None:
        raise ValueError(f"{operation_id!r}: the contract documents no request body for it")
    # Only positive generation: schemathesis' negative mode is slow here and can
    # yield bodies the schema accepts after all.
    endpoint = _schema()[operation.path][operation.method]
    bodies: st.SearchStrategy[JSON] = endpoint.as_strategy().map(lambda case: case.body)
    return bodies
