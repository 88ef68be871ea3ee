"""Checks on the auth decision table (contracts/auth.yaml) and the auth error schemas.

A client that branches on the status or matches the message of an auth
error breaks when either changes, though the OpenAPI document may not move.
"""

from __future__ import annotations

from collections.abc import Mapping

from nbkit.diff.pair import Delta, Pair
from nbkit.types import JSON

__all__ = [
    "auth_condition_added",
    "auth_condition_outcome_changed",
    "auth_condition_removed",
    "auth_message_added",
    "auth_message_removed",
    "auth_outcome_added",
    "auth_outcome_removed",
    "auth_schema_message_added",
    "auth_schema_message_removed",
    "auth_status_changed",
]


def _texts(outcome: JSON) -> list[str]:
    """The documented wordings of an outcome's message, in table order."""
    if not isinstance(outcome, Mapping) or not isinstance(outcome.get("messages"), list):
        return []
    texts = []
    for message in outcome["messages"]:
        text = message.get("text") if isinstance(message, Mapping) else message
        if isinstance(text, str):
            texts.append(text)
    return texts


def auth_outcome_removed(pair: Pair) -> Delta | None:
    """An outcome (a status and its messages) is gone from the table."""
    if pair.before is None or pair.after is not None:
        return None
    return Delta(pair.before_name, None)


def auth_outcome_added(pair: Pair) -> Delta | None:
    """A new outcome in the table."""
    if pair.before is not None or pair.after is None:
        return None
    return Delta(None, pair.after_name)


def auth_status_changed(pair: Pair) -> Delta | None:
    """An outcome answers with another HTTP status."""
    if not isinstance(pair.before, Mapping) or not isinstance(pair.after, Mapping):
        return None
    before, after = pair.before.get("status"), pair.after.get("status")
    return None if before == after else Delta(before, after, "status")


def auth_message_removed(pair: Pair) -> Delta | None:
    """A documented wording of an outcome's message is gone (changed, or dropped)."""
    if pair.before is None or pair.after is None:
        return None
    after = _texts(pair.after)
    gone = [text for text in _texts(pair.before) if text not in after]
    return Delta(gone, None, "messages") if gone else None


def auth_message_added(pair: Pair) -> Delta | None:
    """An outcome has a new wording, which clients matching on the old ones will not expect."""
    if pair.before is None or pair.after is None:
        return None
    before = _texts(pair.before)
    new = [text for text in _texts(pair.after) if text not in before]
    return Delta(None, new, "messages") if new else None


def auth_condition_outcome_changed(pair: Pair) -> Delta | None:
    """An input condition now leads to another outcome."""
    if not isinstance(pair.before, Mapping) or not isinstance(pair.after, Mapping):
        return None
    before, after = pair.before.get("outcome"), pair.after.get("outcome")
    return None if before == after else Delta(before, after, "outcome")


def auth_condition_removed(pair: Pair) -> Delta | None:
    """A documented input condition is gone, so its answer is no longer documented."""
    if pair.before is None or pair.after is not None:
        return None
    return Delta(pair.before_name, None)


def auth_condition_added(pair: Pair) -> Delta | None:
    """A new input condition, which may turn away requests that passed before."""
    if pair.before is not None or pair.after is None:
        return None
    return Delta(None, pair.after_name)


def _strings(value: JSON) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def auth_schema_message_removed(pair: Pair) -> Delta | None:
    """A message documented in an auth error response's schema (401, 403) is gone."""
    after = _strings(pair.after)
    gone = [text for text in _strings(pair.before) if text not in after]
    return Delta(gone, None) if gone else None


def auth_schema_message_added(pair: Pair) -> Delta | None:
    """An auth error response's schema (401, 403) documents a new message."""
    before = _strings(pair.before)
    new = [text for text in _strings(pair.after) if text not in before]
    return Delta(None, new) if new else None
