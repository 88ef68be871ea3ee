"""Shape checks: closed objects, const, conditionals, dependentRequired."""

from __future__ import annotations

from nbkit.diff.checks.structure import (
    condition_changed,
    conditional_added,
    conditional_removed,
    const_changed,
    dependent_required_added,
    dependent_required_removed,
    properties_closed,
    properties_opened,
)
from nbkit.diff.pair import Delta, Pair
from nbkit.types import JSON


def _pair(before: JSON, after: JSON) -> Pair:
    return Pair(before, after)


def test_extra_properties_refused_or_restricted_is_closing() -> None:
    open_object: JSON = {"type": "object"}
    assert properties_closed(_pair(open_object, {"type": "object", "unevaluatedProperties": False}))
    restricted = {"type": "object", "additionalProperties": {"type": "string"}}
    assert properties_closed(_pair(open_object, restricted)) == Delta(
        None, {"type": "string"}, "additionalProperties"
    )
    refused = {"type": "object", "additionalProperties": False}
    assert properties_closed(_pair(restricted, refused)) is not None
    assert properties_opened(_pair(refused, restricted)) is not None
    assert properties_opened(_pair(restricted, refused)) is None


def test_const_changed_needs_a_const_on_both_sides() -> None:
    assert const_changed(_pair({"const": 1}, {"const": 2})) == Delta(1, 2, "const")
    assert const_changed(_pair({"const": 1}, {"enum": [1, 2]})) is None


def test_then_without_if_constrains_nothing() -> None:
    then = {"then": {"required": ["a"]}}
    assert conditional_added(_pair({}, then)) is None
    with_if = {"if": {"required": ["b"]}, **then}
    assert conditional_added(_pair({"if": {"required": ["b"]}}, with_if)) == Delta(
        None, {"required": ["a"]}, "then"
    )
    assert conditional_removed(_pair(with_if, {"if": {"required": ["b"]}})) is not None


def test_dependent_schemas_entries_count_as_conditionals() -> None:
    before: JSON = {"dependentSchemas": {"card": {"required": ["billing"]}}}
    assert conditional_removed(_pair(before, {})) == Delta(
        {"required": ["billing"]}, None, "dependentSchemas/card"
    )


def test_a_changed_if_matters_only_with_a_then_or_else() -> None:
    assert (
        condition_changed(_pair({"if": {"required": ["a"]}}, {"if": {"required": ["b"]}})) is None
    )
    before = {"if": {"required": ["a"]}, "then": {"required": ["c"]}}
    after = {"if": {"required": ["b"]}, "then": {"required": ["c"]}}
    assert condition_changed(_pair(before, after)) is not None


def test_dependent_required_compares_each_dependency() -> None:
    before = {"dependentRequired": {"card": ["billing"]}}
    after = {"dependentRequired": {"card": ["billing", "zip"]}}
    assert dependent_required_added(_pair(before, after)) == Delta(
        None, {"card": ["zip"]}, "dependentRequired"
    )
    assert dependent_required_removed(_pair(before, after)) is None
