"""Auth table checks read message wordings as mappings with `text` or as plain strings."""

from __future__ import annotations

from nbkit.diff.checks.auth import auth_message_added, auth_message_removed, auth_status_changed
from nbkit.diff.pair import Delta, Pair


def test_a_reworded_message_is_one_removal_and_one_addition() -> None:
    before = {"status": 401, "messages": [{"text": "Invalid API key"}, "API key required"]}
    after = {"status": 401, "messages": [{"text": "Invalid key"}, "API key required"]}
    pair = Pair(before, after, "invalid-key", "invalid-key")
    assert auth_message_removed(pair) == Delta(["Invalid API key"], None, "messages")
    assert auth_message_added(pair) == Delta(None, ["Invalid key"], "messages")
    assert auth_status_changed(pair) is None


def test_status_null_to_a_code_is_a_change() -> None:
    pair = Pair({"status": None}, {"status": 401})
    assert auth_status_changed(pair) == Delta(None, 401, "status")
