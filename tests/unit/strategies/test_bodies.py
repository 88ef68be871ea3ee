"""nbkit.strategies.bodies: generated bodies keep the contract's request schemas."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbkit.contract import operations, validator
from nbkit.strategies import request_bodies
from nbkit.types import JSON

SCHEMAS = {"textToVideo": "text-to-video-request", "imageToVideo": "image-to-video-request"}
_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def test_every_operation_with_a_body_has_a_schema_here() -> None:
    assert {op.id for op in operations() if op.request_schema is not None} == set(SCHEMAS)


@pytest.mark.parametrize("operation_id", sorted(SCHEMAS))
def test_request_bodies_are_valid(operation_id: str) -> None:
    @_SETTINGS
    @given(request_bodies(operation_id))
    def check(body: JSON) -> None:
        assert validator(SCHEMAS[operation_id]).is_valid(body), body

    check()


@given(st.data())
def test_operation_without_a_body_is_a_value_error(data: st.DataObject) -> None:
    with pytest.raises(ValueError, match="no request body"):
        data.draw(request_bodies("getVideoStatus"))
