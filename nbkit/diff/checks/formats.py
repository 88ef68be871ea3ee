"""Checks on a schema's `format` (`date-time`, `uuid`, `uri`, ...).

Servers that validate formats refuse a value of another format, and clients
parse a value by its format, so a new or changed format narrows what a request
may carry and changes what a response carries.
"""

from __future__ import annotations

from collections.abc import Mapping

from nbkit.diff.normal import types_of
from nbkit.diff.pair import Delta, Pair
from nbkit.types import JSON

__all__ = ["format_added", "format_changed", "format_removed"]


def _formats(pair: Pair) -> tuple[JSON, JSON] | None:
    if not isinstance(pair.before, Mapping) or not isinstance(pair.after, Mapping):
        return None
    old_types, new_types = types_of(pair.before), types_of(pair.after)
    # A format on a value that changed type is noise: the type rule said it.
    if old_types is not None and new_types is not None and not old_types & new_types:
        return None
    before, after = pair.before.get("format"), pair.after.get("format")
    return None if before == after else (before, after)


def format_added(pair: Pair) -> Delta | None:
    """A value that had no `format` must now have one."""
    formats = _formats(pair)
    if formats is None or formats[0] is not None:
        return None
    return Delta(*formats, "format")


def format_removed(pair: Pair) -> Delta | None:
    """A value's `format` was dropped."""
    formats = _formats(pair)
    if formats is None or formats[1] is not None:
        return None
    return Delta(*formats, "format")


def format_changed(pair: Pair) -> Delta | None:
    """A value's `format` is another one."""
    formats = _formats(pair)
    if formats is None or None in formats:
        return None
    return Delta(*formats, "format")
