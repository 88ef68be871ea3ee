"""Cases modelled on oasdiff's test data (data/checker/*), written afresh for nbkit's rules."""

from __future__ import annotations

from typing import Any

from nbkit.diff.change import Level
from nbkit.diff.compare import compare
from nbkit.diff.revision import Snapshot

Schema = dict[str, Any]


def _doc(*, request: Schema | None = None, response: Schema | None = None) -> Any:
    operation: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
    if request is not None:
        operation["requestBody"] = {"content": {"application/json": {"schema": request}}}
    if response is not None:
        operation["responses"]["200"]["content"] = {"application/json": {"schema": response}}
    return {"openapi": "3.1.0", "paths": {"/pets": {"post": operation}}}


def _rules(before: Any, after: Any) -> dict[str, Level]:
    changes = compare(Snapshot("old", before), Snapshot("new", after))
    return {change.rule_id: change.level for change in changes}


def _obj(required: list[str], **properties: Schema) -> Schema:
    return {"type": "object", "required": required, "properties": properties}


STRING: Schema = {"type": "string"}


def test_a_body_wrapped_in_a_one_of_whose_branches_overlap_is_breaking() -> None:
    # request_property_one_of_wrapped: {foo, bar} required -> oneOf [{foo}, {bar}].
    props = {"foo": STRING, "bar": STRING, "baz": STRING}
    before = _obj(["bar", "foo"], **props)
    after = {"oneOf": [_obj(["foo"], **props), _obj(["bar"], **props)]}
    rules = _rules(_doc(request=before), _doc(request=after))
    assert rules.get("request-alternative-removed") is Level.BREAKING, rules


def test_nested_any_of_branches_match_by_what_they_accept() -> None:
    # response_property_any_of_complex: breeds reordered, a string branch turned number.
    plain = {"type": "object", "properties": {"name": STRING}}
    tagged = {"type": "object", "properties": {"name": STRING}, "required": ["name"]}

    def pets(breeds: list[Schema], rabbit: Schema) -> Schema:
        dog = {"type": "object", "properties": {"name": STRING, "breed": {"anyOf": breeds}}}
        return {"anyOf": [dog, {"title": "Rabbit", **rabbit}]}

    before = pets([plain, tagged], STRING)
    assert _rules(_doc(response=before), _doc(response=pets([tagged, plain], STRING))) == {}
    after = pets([tagged, plain], {"type": "number"})
    # Branches of disjoint types are one schema of several types: string became number.
    assert _rules(_doc(response=before), _doc(response=after)) == {
        "response-type-changed": Level.BREAKING
    }


def test_an_if_then_else_added_to_a_request_property_is_breaking() -> None:
    # if_added_prop: details gains if/then/else.
    details = {"type": "object"}
    conditional = {
        "type": "object",
        "if": {"properties": {"name": {"const": "special"}}},
        "then": {"required": ["name"]},
        "else": {"properties": {"name": STRING}},
    }
    rules = _rules(
        _doc(request=_obj([], details=details), response=_obj([], details=details)),
        _doc(request=_obj([], details=conditional), response=_obj([], details=conditional)),
    )
    assert rules == {
        "request-conditional-added": Level.BREAKING,
        "response-conditional-added": Level.INFO,
    }


def test_a_const_changed_in_a_response_is_breaking() -> None:
    # response_property_const_changed.
    before = _obj(["status"], status={"type": "string", "const": "active"})
    after = _obj(["status"], status={"type": "string", "const": "enabled"})
    assert _rules(_doc(response=before), _doc(response=after)) == {
        "response-const-changed": Level.BREAKING
    }


def test_unevaluated_properties_false_closes_a_request_body() -> None:
    # unevaluated_property: unevaluatedProperties false added.
    before = _obj(["name"], name=STRING)
    after = {**before, "unevaluatedProperties": False}
    assert _rules(_doc(request=before), _doc(request=after)) == {
        "request-properties-closed": Level.BREAKING
    }


def test_dependent_schemas_added_to_a_request_is_breaking() -> None:
    # dependent_schemas: a dependentSchemas entry appears.
    before = _obj([], card=STRING, billing=STRING)
    after = {**before, "dependentSchemas": {"card": {"required": ["billing"]}}}
    assert _rules(_doc(request=before), _doc(request=after)) == {
        "request-conditional-added": Level.BREAKING
    }
