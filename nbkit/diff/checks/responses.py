"""Checks on response status codes and response headers."""

from __future__ import annotations

from nbkit.diff.checks.bodies import (
    property_added,
    property_became_optional,
    property_became_required,
    property_removed,
)
from nbkit.diff.pair import Delta, Pair

__all__ = [
    "error_status_added",
    "error_status_removed",
    "header_added",
    "header_became_optional",
    "header_became_required",
    "header_removed",
    "success_status_added",
    "success_status_removed",
]


def _is_success(status: str | None) -> bool:
    # "2XX" ranges count as success too; "default" does not.
    return status is not None and status.upper().startswith("2")


def success_status_removed(pair: Pair) -> Delta | None:
    """A documented 2xx status is gone."""
    if pair.after is not None or pair.before is None or not _is_success(pair.before_name):
        return None
    return Delta(pair.before_name, None)


def error_status_removed(pair: Pair) -> Delta | None:
    """A documented non-2xx status is gone."""
    if pair.after is not None or pair.before is None or _is_success(pair.before_name):
        return None
    return Delta(pair.before_name, None)


def success_status_added(pair: Pair) -> Delta | None:
    """A new 2xx status."""
    if pair.before is not None or pair.after is None or not _is_success(pair.after_name):
        return None
    return Delta(None, pair.after_name)


def error_status_added(pair: Pair) -> Delta | None:
    """A new non-2xx status the client may not handle."""
    if pair.before is not None or pair.after is None or _is_success(pair.after_name):
        return None
    return Delta(None, pair.after_name)


def header_removed(pair: Pair) -> Delta | None:
    """A response header (X-RateLimit-*, Retry-After, ...) is gone."""
    return property_removed(pair)


def header_added(pair: Pair) -> Delta | None:
    """A new response header."""
    return property_added(pair)


def header_became_optional(pair: Pair) -> Delta | None:
    """A response header may now be missing."""
    return property_became_optional(pair)


def header_became_required(pair: Pair) -> Delta | None:
    """A response header is now always sent."""
    return property_became_required(pair)
