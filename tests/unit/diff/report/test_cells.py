"""Short places and clipped values for table cells."""

from __future__ import annotations

import pytest

from nbkit.diff.change import Change, Direction, Level
from nbkit.diff.report.cells import MAX_CELL, place, value

OP = "/paths/~1api~1v1~1text-to-video.php/post"


def _change(pointer: str, *, operation: bool = True) -> Change:
    method, path = ("POST", "/api/v1/text-to-video.php") if operation else (None, None)
    return Change("r", Level.INFO, Direction.REQUEST, method, path, pointer, None, None)


@pytest.mark.parametrize(
    ("pointer", "shown"),
    [
        (
            f"{OP}/requestBody/content/application~1json/schema/properties/prompt/maxLength",
            "request body: prompt.maxLength",
        ),
        (f"{OP}/requestBody/content/text~1plain", "request body text/plain"),
        (
            f"{OP}/responses/200/content/application~1json/schema/properties/rate_limit/properties/reset_at",
            "200 body: rate_limit.reset_at",
        ),
        (f"{OP}/responses/429/headers/Retry-After", "429 header Retry-After"),
        (
            f"{OP}/responses/429/headers/Retry-After/schema/minimum",
            "429 header Retry-After: minimum",
        ),
        (f"{OP}/parameters/0/schema/type", "parameter 0: type"),
        (f"{OP}/responses/403", "403"),
        (f"{OP}/x-nbkit-rate-limit", "x-nbkit-rate-limit"),
        (f"{OP}/security", "security"),
        (f"{OP}", ""),
    ],
)
def test_place_reads_the_pointer_inside_the_operation(pointer: str, shown: str) -> None:
    assert place(_change(pointer)) == shown


def test_place_outside_an_operation_is_the_pointer() -> None:
    assert (
        place(_change("/outcomes/invalid-key/status", operation=False))
        == "/outcomes/invalid-key/status"
    )


def test_value_is_clipped_with_an_ellipsis() -> None:
    assert value("x" * MAX_CELL) == "x" * MAX_CELL
    clipped = value("x" * (MAX_CELL + 5))
    assert len(clipped) == MAX_CELL
    assert clipped.endswith("…")
