"""Checks on request bodies, object properties and media types, in requests and responses."""

from __future__ import annotations

from nbkit.diff.pair import Delta, Pair

__all__ = [
    "body_became_optional",
    "body_became_required",
    "media_type_added",
    "media_type_removed",
    "property_added",
    "property_added_optional",
    "property_added_required",
    "property_became_optional",
    "property_became_required",
    "property_removed",
    "property_renamed",
    "request_property_refused",
    "request_property_removed",
]


def property_removed(pair: Pair) -> Delta | None:
    """A property is gone and nothing new took its place."""
    if pair.before is None or pair.after is not None:
        return None
    return Delta(pair.before_name, None)


def request_property_removed(pair: Pair) -> Delta | None:
    """A property is gone from an object that still takes unknown properties (it may be ignored)."""
    return None if pair.after_closed else property_removed(pair)


def request_property_refused(pair: Pair) -> Delta | None:
    """A property is gone from an object that refuses unknown properties: sending it is an error."""
    return property_removed(pair) if pair.after_closed else None


def property_added(pair: Pair) -> Delta | None:
    """A new property, required or not."""
    if pair.before is not None or pair.after is None:
        return None
    return Delta(None, pair.after_name)


def property_added_required(pair: Pair) -> Delta | None:
    """A new property that must be present."""
    return property_added(pair) if pair.after_required else None


def property_added_optional(pair: Pair) -> Delta | None:
    """A new property that may be left out."""
    return None if pair.after_required else property_added(pair)


def property_renamed(pair: Pair) -> Delta | None:
    """A property was removed and another took its place (same schema, or a near name)."""
    if pair.before is None or pair.after is None or pair.before_name == pair.after_name:
        return None
    return Delta(pair.before_name, pair.after_name)


def property_became_required(pair: Pair) -> Delta | None:
    """An optional property is now required."""
    if pair.before is None or pair.after is None:
        return None
    if pair.before_required or not pair.after_required:
        return None
    return Delta(False, True, "required")


def property_became_optional(pair: Pair) -> Delta | None:
    """A required property may now be left out."""
    if pair.before is None or pair.after is None:
        return None
    if not pair.before_required or pair.after_required:
        return None
    return Delta(True, False, "required")


def body_became_required(pair: Pair) -> Delta | None:
    """The request body must now be sent (it was optional, or there was none)."""
    if pair.after is None or pair.before_required or not pair.after_required:
        return None
    return Delta(pair.before_required, True, "required")


def body_became_optional(pair: Pair) -> Delta | None:
    """The request body may now be left out."""
    if pair.before is None or not pair.before_required or pair.after_required:
        return None
    return Delta(True, pair.after_required, "required")


def media_type_removed(pair: Pair) -> Delta | None:
    """A media type is no longer offered."""
    if pair.before is None or pair.after is not None:
        return None
    return Delta(pair.before_name, None)


def media_type_added(pair: Pair) -> Delta | None:
    """A new media type is offered."""
    if pair.before is not None or pair.after is None:
        return None
    return Delta(None, pair.after_name)
