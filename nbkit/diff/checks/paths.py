"""Checks on whole operations (a method on a path), their `x-nbkit-rate-limit`, and servers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from nbkit.diff.pair import Delta, Pair
from nbkit.types import JSON

__all__ = [
    "operation_added",
    "operation_removed",
    "rate_limit_lowered",
    "rate_limit_policy_changed",
    "rate_limit_raised",
    "server_added",
    "server_removed",
]

# Keys of x-nbkit-rate-limit that set how many requests fit; the rest is policy.
_AMOUNT_KEYS: Final = ("limit", "window_seconds")


def operation_removed(pair: Pair) -> Delta | None:
    """The method on this path is gone."""
    if pair.before is None or pair.after is not None:
        return None
    return Delta(pair.before_name, None)


def operation_added(pair: Pair) -> Delta | None:
    """A new method on this path, or a new path."""
    if pair.before is not None or pair.after is None:
        return None
    return Delta(None, pair.after_name)


def server_removed(pair: Pair) -> Delta | None:
    """A server URL is gone: clients configured with it reach nothing."""
    if pair.before is None or pair.after is not None:
        return None
    return Delta(pair.before_name, None)


def server_added(pair: Pair) -> Delta | None:
    """A new server URL."""
    if pair.before is not None or pair.after is None:
        return None
    return Delta(None, pair.after_name)


def _rate(limit: JSON) -> float | None:
    """Requests per second the limit allows; None when unlimited or unreadable."""
    if not isinstance(limit, Mapping):
        return None
    count, window = limit.get("limit"), limit.get("window_seconds")
    if not isinstance(count, int | float) or not isinstance(window, int | float) or window <= 0:
        return None
    return count / window


def _amounts(limit: JSON) -> JSON:
    if not isinstance(limit, Mapping):
        return None
    return {key: limit[key] for key in _AMOUNT_KEYS if key in limit}


def rate_limit_lowered(pair: Pair) -> Delta | None:
    """Fewer requests fit in the window, or a limit appeared where there was none."""
    before, after = _rate(pair.before), _rate(pair.after)
    if after is None or (before is not None and after >= before):
        return None
    return Delta(_amounts(pair.before), _amounts(pair.after))


def rate_limit_raised(pair: Pair) -> Delta | None:
    """More requests fit in the window, or the limit went away."""
    before, after = _rate(pair.before), _rate(pair.after)
    if before is None or (after is not None and after <= before):
        return None
    return Delta(_amounts(pair.before), _amounts(pair.after))


def _policy(limit: JSON) -> dict[str, JSON]:
    if not isinstance(limit, Mapping):
        return {}
    return {key: value for key, value in limit.items() if key not in _AMOUNT_KEYS}


def rate_limit_policy_changed(pair: Pair) -> Delta | None:
    """The window kind (fixed, rolling) or the scope (user, key) of the limit changed."""
    if not isinstance(pair.before, Mapping) or not isinstance(pair.after, Mapping):
        return None
    before, after = _policy(pair.before), _policy(pair.after)
    if before == after:
        return None
    keys = sorted(set(before) | set(after))
    changed = [key for key in keys if before.get(key) != after.get(key)]
    return Delta(
        {key: before.get(key) for key in changed}, {key: after.get(key) for key in changed}
    )
