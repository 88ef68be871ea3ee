"""Change values, levels and thresholds."""

from __future__ import annotations

import pytest

from nbkit.diff.change import Change, Direction, Level, display, meets


@pytest.mark.parametrize(
    ("level", "threshold", "expected"),
    [
        (Level.BREAKING, Level.BREAKING, True),
        (Level.WARNING, Level.BREAKING, False),
        (Level.BREAKING, Level.WARNING, True),
        (Level.WARNING, Level.WARNING, True),
        (Level.INFO, Level.WARNING, False),
    ],
)
def test_meets_compares_severity(level: Level, threshold: Level, expected: bool) -> None:
    assert meets(level, threshold) is expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, ""), ("720p", "720p"), (500, "500"), (False, "false"), (["a", "b"], '["a", "b"]')],
)
def test_display_prints_strings_bare_and_the_rest_as_json(value: object, shown: str) -> None:
    assert display(value) == shown


def test_change_is_frozen_and_sorts_by_path_method_pointer_rule() -> None:
    first = Change("b", Level.INFO, Direction.REQUEST, "GET", "/a", "/x", None, 1)
    second = Change("a", Level.BREAKING, Direction.REQUEST, "GET", "/b", "/x", None, 1)
    third = Change("a", Level.BREAKING, Direction.REQUEST, None, None, "/y", None, 1)
    assert sorted([second, first, third], key=Change.sort_key) == [third, first, second]
    with pytest.raises(AttributeError):
        first.level = Level.WARNING  # type: ignore[misc]


def test_operation_names_method_and_path_or_nothing() -> None:
    assert (
        Change("r", Level.INFO, Direction.REQUEST, "POST", "/v", "/p", 1, 2).operation == "POST /v"
    )
    assert Change("r", Level.INFO, Direction.RESPONSE, None, None, "/p", 1, 2).operation == ""
