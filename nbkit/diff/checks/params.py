"""Checks on operation parameters (query, header, path, cookie), matched by location and name.

Parameters and headers share the shape of a property (present, absent,
required), so these checks reuse the property checks under their own ids.
"""

from __future__ import annotations

from nbkit.diff.checks.bodies import (
    property_added_optional,
    property_added_required,
    property_became_optional,
    property_became_required,
    property_removed,
    property_renamed,
)
from nbkit.diff.pair import Delta, Pair

__all__ = [
    "param_added_optional",
    "param_added_required",
    "param_became_optional",
    "param_became_required",
    "param_removed",
    "param_renamed",
]


def param_removed(pair: Pair) -> Delta | None:
    """A parameter is gone."""
    return property_removed(pair)


def param_added_required(pair: Pair) -> Delta | None:
    """A new parameter that must be sent."""
    return property_added_required(pair)


def param_added_optional(pair: Pair) -> Delta | None:
    """A new parameter that may be left out."""
    return property_added_optional(pair)


def param_became_required(pair: Pair) -> Delta | None:
    """An optional parameter must now be sent."""
    return property_became_required(pair)


def param_became_optional(pair: Pair) -> Delta | None:
    """A required parameter may now be left out."""
    return property_became_optional(pair)


def param_renamed(pair: Pair) -> Delta | None:
    """A parameter took another name in the same place."""
    return property_renamed(pair)
