"""The normal form: one spelling per set of accepted values, and no rewrite that changes it."""

from __future__ import annotations

import pytest

from nbkit.diff.normal import normalise
from nbkit.types import JSON

STRING_OR_NULL = {"type": ["null", "string"], "maxLength": 5}


@pytest.mark.parametrize(
    "spelling",
    [
        {"type": ["string", "null"], "maxLength": 5},
        {"anyOf": [{"type": "string", "maxLength": 5}, {"type": "null"}]},
        {"oneOf": [{"type": "null"}, {"type": "string", "maxLength": 5}]},
        {"allOf": [{"type": ["string", "null"], "maxLength": 5}]},
        {"anyOf": [{"anyOf": [{"type": "string", "maxLength": 5}]}, {"type": "null"}]},
        {"type": "string", "nullable": True, "maxLength": 5, "title": "t", "x-note": 1},
        {"type": ["string", "null"], "maxLength": 5, "minLength": 0, "description": "d"},
    ],
    ids=["type-list", "any-of", "one-of", "all-of", "nested-any-of", "nullable", "neutral"],
)
def test_every_spelling_of_string_or_null_has_one_normal_form(spelling: JSON) -> None:
    assert normalise(spelling) == STRING_OR_NULL


def test_an_enum_of_one_is_a_const_and_orders_do_not_count() -> None:
    assert normalise({"enum": ["a"]}) == {"const": "a"}
    assert normalise({"required": ["b", "a", "b"]}) == {"required": ["a", "b"]}


def test_an_enum_with_null_branch_gains_null() -> None:
    schema = {"anyOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "null"}]}
    assert normalise(schema) == {"type": ["null", "string"], "enum": ["a", "b", None]}


def test_all_of_joins_properties_named_twice_as_their_conjunction() -> None:
    envelope = {"type": "object", "properties": {"error": {"type": "string", "minLength": 1}}}
    schema = {"allOf": [envelope], "properties": {"error": {"enum": ["x", "y"]}}}
    assert normalise(schema) == {
        "type": "object",
        "properties": {"error": {"type": "string", "minLength": 1, "enum": ["x", "y"]}},
    }


@pytest.mark.parametrize(
    "schema",
    [
        # Overlapping types: oneOf rejects a value both branches accept.
        {"oneOf": [{"type": "number"}, {"type": "integer"}]},
        # A keyword that applies to both branches' values cannot be moved out.
        {"anyOf": [{"type": "object", "required": ["a"]}, {"type": "object", "required": ["b"]}]},
        # A conjunct whose keyword the parent already sets.
        {"maxLength": 3, "allOf": [{"maxLength": 5}]},
    ],
    ids=["one-of-overlap", "same-type-branches", "all-of-clash"],
)
def test_what_cannot_be_merged_exactly_is_kept(schema: JSON) -> None:
    assert set(normalise(schema)) == set(schema)  # type: ignore[arg-type]
