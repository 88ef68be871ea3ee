"""compare(): the table over all pairs, auth and key rules only with both sides present."""

from __future__ import annotations

from typing import Any

from nbkit.diff.change import Direction, Level
from nbkit.diff.compare import compare
from nbkit.diff.pair import Delta, Kind, Pair, Rule
from nbkit.diff.revision import Snapshot
from nbkit.diff.rules import RULES


def _doc(max_length: int) -> dict[str, Any]:
    body = {"type": "object", "properties": {"prompt": {"type": "string", "maxLength": max_length}}}
    return {
        "openapi": "3.1.0",
        "paths": {
            "/v": {"post": {"requestBody": {"content": {"application/json": {"schema": body}}}}}
        },
    }


def _auth(status: int) -> dict[str, Any]:
    return {"outcomes": {"invalid-key": {"status": status, "messages": ["Invalid API key"]}}}


def test_auth_rules_run_only_when_both_sides_have_a_table() -> None:
    old = Snapshot("old", _doc(500), _auth(401))
    assert compare(old, Snapshot("new", _doc(500), None)) == ()
    (change,) = compare(old, Snapshot("new", _doc(500), _auth(403)))
    assert (change.rule_id, change.pointer, change.before, change.after) == (
        "auth-status-changed",
        "/outcomes/invalid-key/status",
        401,
        403,
    )


def test_key_rules_run_only_when_both_sides_have_a_key_schema() -> None:
    key = {"type": "string", "pattern": "^nb_\\S+$"}
    old = Snapshot("old", _doc(500), key_schema=key, key_pointer="/k")
    assert compare(old, Snapshot("new", _doc(500))) == ()
    new = Snapshot("new", _doc(500), key_schema={"pattern": "^sk_"}, key_pointer="/k")
    assert [change.pointer for change in compare(old, new)] == ["/k/pattern"]


def test_changes_carry_the_operation_and_the_keyword_pointer() -> None:
    (change,) = compare(Snapshot("old", _doc(500)), Snapshot("new", _doc(2000)))
    assert change.rule_id == "request-max-length-loosened"
    assert (change.method, change.path) == ("POST", "/v")
    assert change.pointer.endswith("/schema/properties/prompt/maxLength")


def test_a_custom_table_replaces_the_rules() -> None:
    def anything(pair: Pair) -> Delta | None:
        return Delta(None, None)

    rules = (Rule("any-schema", Level.WARNING, Direction.REQUEST, Kind.SCHEMA, anything),)
    changes = compare(Snapshot("old", _doc(500)), Snapshot("new", _doc(2000)), rules=rules)
    assert {change.rule_id for change in changes} == {"any-schema"}
    assert len(RULES) > len(rules)
