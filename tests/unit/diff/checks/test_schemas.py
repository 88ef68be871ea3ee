"""Schema keyword checks: what counts as tighter, looser or unrelated."""

from __future__ import annotations

from nbkit.diff.checks.schemas import (
    default_changed,
    enum_narrowed,
    enum_widened,
    max_length_tightened,
    min_length_loosened,
    minimum_loosened,
    pattern_added,
    type_changed,
    type_narrowed,
    type_widened,
)
from nbkit.diff.checks.structure import const_changed
from nbkit.diff.pair import Delta, Pair
from nbkit.types import JSON


def _pair(before: JSON, after: JSON) -> Pair:
    return Pair(before, after)


def test_integer_to_number_is_widened_not_changed() -> None:
    pair = _pair({"type": "integer"}, {"type": "number"})
    assert type_widened(pair) == Delta("integer", "number", "type")
    assert type_changed(pair) is None
    assert type_narrowed(pair) is None


def test_types_come_from_enum_values_when_no_type_is_given() -> None:
    pair = _pair({"enum": ["queued", "failed"]}, {"type": "string", "enum": ["queued", "failed"]})
    assert (type_changed(pair), type_widened(pair), type_narrowed(pair)) == (None, None, None)


def test_a_type_where_there_was_none_is_narrowed() -> None:
    assert type_narrowed(_pair({}, {"type": "string"})) == Delta(None, "string", "type")


def test_one_const_against_another_is_const_changed_not_an_enum_change() -> None:
    pair = _pair({"const": "a"}, {"const": "b"})
    assert const_changed(pair) == Delta("a", "b", "const")
    assert enum_narrowed(pair) is None
    assert enum_widened(pair) is None


def test_const_counts_as_a_one_value_enum_against_an_enum() -> None:
    pair = _pair({"const": "a"}, {"enum": ["a", "b"]})
    assert enum_widened(pair) == Delta(["a"], ["a", "b"], "enum")
    assert enum_narrowed(pair) is None


def test_enum_appearing_narrows_and_disappearing_widens() -> None:
    assert enum_narrowed(_pair({"type": "string"}, {"type": "string", "enum": ["x"]})) is not None
    assert enum_widened(_pair({"type": "string", "enum": ["x"]}, {"type": "string"})) is not None


def test_bound_appearing_tightens() -> None:
    pair = _pair({"type": "string"}, {"type": "string", "maxLength": 10})
    assert max_length_tightened(pair) == Delta(None, 10, "maxLength")


def test_min_length_zero_is_no_bound() -> None:
    assert min_length_loosened(_pair({"minLength": 0}, {})) is None


def test_string_keywords_are_ignored_once_the_type_is_not_a_string() -> None:
    assert pattern_added(_pair({"type": "integer"}, {"type": "string", "pattern": "^v"})) is None
    assert minimum_loosened(_pair({"type": "integer", "minimum": 1}, {"type": "string"})) is None


def test_default_appearing_is_a_change_and_equal_default_is_not() -> None:
    assert default_changed(_pair({}, {"default": None})) == Delta(None, None, "default")
    assert default_changed(_pair({"default": 5}, {"default": 5})) is None
