"""Checks on one schema node: type, enum, length, item and range bounds, pattern, default.

The same functions judge request and response schemas; the rule table gives
each direction its own id and level.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from nbkit.diff.pair import Delta, Pair
from nbkit.diff.pattern_sets import contains
from nbkit.types import JSON

__all__ = [
    "default_changed",
    "enum_narrowed",
    "enum_widened",
    "exclusive_maximum_loosened",
    "exclusive_maximum_tightened",
    "exclusive_minimum_loosened",
    "exclusive_minimum_tightened",
    "max_items_loosened",
    "max_items_tightened",
    "max_length_loosened",
    "max_length_tightened",
    "maximum_loosened",
    "maximum_tightened",
    "min_items_loosened",
    "min_items_tightened",
    "min_length_loosened",
    "min_length_tightened",
    "minimum_loosened",
    "minimum_tightened",
    "pattern_added",
    "pattern_changed",
    "pattern_narrowed",
    "pattern_removed",
    "pattern_widened",
    "type_changed",
    "type_narrowed",
    "type_widened",
]

_STRING: Final = frozenset({"string"})
_NUMBER: Final = frozenset({"integer", "number"})
_ARRAY: Final = frozenset({"array"})


def _value_type(value: JSON) -> str:
    # bool before int: True is an int in Python.
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return "null"


def _types(schema: JSON) -> frozenset[str] | None:
    """The JSON types a schema admits; None for any. An integer is a number."""
    if not isinstance(schema, Mapping):
        return None
    declared = schema.get("type")
    if isinstance(declared, str):
        types = {declared}
    elif isinstance(declared, list):
        types = {str(item) for item in declared}
    else:
        values = _allowed(schema)
        if values is None:
            return None
        types = {_value_type(value) for value in values}
    if "number" in types:
        types.add("integer")
    return frozenset(types)


def _allowed(schema: JSON) -> list[JSON] | None:
    """The values `enum` or `const` admit; None when neither is given."""
    if not isinstance(schema, Mapping):
        return None
    if isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    if "const" in schema:
        return [schema["const"]]
    return None


def _admits(schema: JSON, kinds: frozenset[str]) -> bool:
    types = _types(schema)
    return types is None or bool(types & kinds)


def _both_admit(pair: Pair, kinds: frozenset[str]) -> bool:
    # A string keyword on a schema that turned into a number is noise: the type rule said it.
    return _admits(pair.before, kinds) and _admits(pair.after, kinds)


def _type_delta(pair: Pair) -> Delta:
    return Delta(pair.before.get("type"), pair.after.get("type"), "type")


def type_changed(pair: Pair) -> Delta | None:
    """Both sides name types, and neither set contains the other."""
    before, after = _types(pair.before), _types(pair.after)
    if before is None or after is None or before <= after or after <= before:
        return None
    return _type_delta(pair)


def type_widened(pair: Pair) -> Delta | None:
    """The new schema admits every old type and more."""
    before, after = _types(pair.before), _types(pair.after)
    if before is None or (after is not None and not before < after):
        return None
    return _type_delta(pair)


def type_narrowed(pair: Pair) -> Delta | None:
    """The new schema admits only some of the old types."""
    before, after = _types(pair.before), _types(pair.after)
    if after is None or (before is not None and not after < before):
        return None
    return _type_delta(pair)


def _enum_at(pair: Pair) -> str:
    side = pair.after if _allowed(pair.after) is not None else pair.before
    return "enum" if "enum" in side else "const"


def _both_const(pair: Pair) -> bool:
    # One fixed value against another is const-changed's to report.
    return "const" in pair.before and "const" in pair.after


def enum_narrowed(pair: Pair) -> Delta | None:
    """An old value is no longer admitted, or an enum appeared where any value was fine."""
    before, after = _allowed(pair.before), _allowed(pair.after)
    if (
        _both_const(pair)
        or after is None
        or (before is not None and all(value in after for value in before))
    ):
        return None
    return Delta(before, after, _enum_at(pair))


def enum_widened(pair: Pair) -> Delta | None:
    """A new value is admitted, or the enum was dropped."""
    before, after = _allowed(pair.before), _allowed(pair.after)
    if (
        _both_const(pair)
        or before is None
        or (after is not None and all(value in before for value in after))
    ):
        return None
    return Delta(before, after, _enum_at(pair))


def _bound(schema: JSON, keyword: str) -> int | float | None:
    value = schema.get(keyword)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    # minLength 0 is no bound at all.
    return None if keyword == "minLength" and value == 0 else value


def _upper(pair: Pair, keyword: str, kinds: frozenset[str], *, tighter: bool) -> Delta | None:
    if not _both_admit(pair, kinds):
        return None
    before, after = _bound(pair.before, keyword), _bound(pair.after, keyword)
    if before == after:
        return None
    tightened = after is not None and (before is None or after < before)
    return Delta(before, after, keyword) if tightened == tighter else None


def _lower(pair: Pair, keyword: str, kinds: frozenset[str], *, tighter: bool) -> Delta | None:
    if not _both_admit(pair, kinds):
        return None
    before, after = _bound(pair.before, keyword), _bound(pair.after, keyword)
    if before == after:
        return None
    tightened = after is not None and (before is None or after > before)
    return Delta(before, after, keyword) if tightened == tighter else None


def max_length_tightened(pair: Pair) -> Delta | None:
    """`maxLength` appeared or went down."""
    return _upper(pair, "maxLength", _STRING, tighter=True)


def max_length_loosened(pair: Pair) -> Delta | None:
    """`maxLength` went up or was dropped."""
    return _upper(pair, "maxLength", _STRING, tighter=False)


def min_length_tightened(pair: Pair) -> Delta | None:
    """`minLength` appeared or went up."""
    return _lower(pair, "minLength", _STRING, tighter=True)


def min_length_loosened(pair: Pair) -> Delta | None:
    """`minLength` went down or was dropped."""
    return _lower(pair, "minLength", _STRING, tighter=False)


def maximum_tightened(pair: Pair) -> Delta | None:
    """`maximum` appeared or went down."""
    return _upper(pair, "maximum", _NUMBER, tighter=True)


def maximum_loosened(pair: Pair) -> Delta | None:
    """`maximum` went up or was dropped."""
    return _upper(pair, "maximum", _NUMBER, tighter=False)


def minimum_tightened(pair: Pair) -> Delta | None:
    """`minimum` appeared or went up."""
    return _lower(pair, "minimum", _NUMBER, tighter=True)


def minimum_loosened(pair: Pair) -> Delta | None:
    """`minimum` went down or was dropped."""
    return _lower(pair, "minimum", _NUMBER, tighter=False)


def max_items_tightened(pair: Pair) -> Delta | None:
    """`maxItems` appeared or went down."""
    return _upper(pair, "maxItems", _ARRAY, tighter=True)


def max_items_loosened(pair: Pair) -> Delta | None:
    """`maxItems` went up or was dropped."""
    return _upper(pair, "maxItems", _ARRAY, tighter=False)


def min_items_tightened(pair: Pair) -> Delta | None:
    """`minItems` appeared or went up."""
    return _lower(pair, "minItems", _ARRAY, tighter=True)


def min_items_loosened(pair: Pair) -> Delta | None:
    """`minItems` went down or was dropped."""
    return _lower(pair, "minItems", _ARRAY, tighter=False)


def exclusive_maximum_tightened(pair: Pair) -> Delta | None:
    """`exclusiveMaximum` appeared or went down."""
    return _upper(pair, "exclusiveMaximum", _NUMBER, tighter=True)


def exclusive_maximum_loosened(pair: Pair) -> Delta | None:
    """`exclusiveMaximum` went up or was dropped."""
    return _upper(pair, "exclusiveMaximum", _NUMBER, tighter=False)


def exclusive_minimum_tightened(pair: Pair) -> Delta | None:
    """`exclusiveMinimum` appeared or went up."""
    return _lower(pair, "exclusiveMinimum", _NUMBER, tighter=True)


def exclusive_minimum_loosened(pair: Pair) -> Delta | None:
    """`exclusiveMinimum` went down or was dropped."""
    return _lower(pair, "exclusiveMinimum", _NUMBER, tighter=False)


def _patterns(pair: Pair) -> tuple[JSON, JSON] | None:
    if not _both_admit(pair, _STRING):
        return None
    return pair.before.get("pattern"), pair.after.get("pattern")


def pattern_added(pair: Pair) -> Delta | None:
    """A string that had no pattern must now match one."""
    patterns = _patterns(pair)
    if patterns is None or patterns[0] is not None or patterns[1] is None:
        return None
    return Delta(*patterns, "pattern")


def pattern_removed(pair: Pair) -> Delta | None:
    """A string's pattern was dropped."""
    patterns = _patterns(pair)
    if patterns is None or patterns[0] is None or patterns[1] is not None:
        return None
    return Delta(*patterns, "pattern")


def _replaced(pair: Pair) -> tuple[str, str] | None:
    patterns = _patterns(pair)
    if patterns is None:
        return None
    before, after = patterns
    if not isinstance(before, str) or not isinstance(after, str) or before == after:
        return None
    return before, after


def pattern_narrowed(pair: Pair) -> Delta | None:
    """A string's pattern was replaced by one that rejects some strings the old one accepted."""
    patterns = _replaced(pair)
    if patterns is None or contains(patterns[1], patterns[0]) is not False:
        return None
    return Delta(*patterns, "pattern")


def pattern_widened(pair: Pair) -> Delta | None:
    """A string's pattern was replaced by one that accepts some strings the old one rejected."""
    patterns = _replaced(pair)
    if patterns is None or contains(patterns[0], patterns[1]) is not False:
        return None
    return Delta(*patterns, "pattern")


def pattern_changed(pair: Pair) -> Delta | None:
    """A string's pattern was replaced, and nbkit cannot decide which accepts more."""
    patterns = _replaced(pair)
    if patterns is None:
        return None
    before, after = patterns
    if contains(after, before) is not None and contains(before, after) is not None:
        return None
    return Delta(before, after, "pattern")


def default_changed(pair: Pair) -> Delta | None:
    """The value used when the field is left out changed, appeared or went away."""
    before, after = pair.before.get("default"), pair.after.get("default")
    if before == after and ("default" in pair.before) == ("default" in pair.after):
        return None
    return Delta(before, after, "default")
