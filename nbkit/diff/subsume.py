"""Whether one normal schema surely accepts every value another accepts.

The answer is sure only when it is yes: `covers` returns False both when the
outer schema rejects some value the inner one accepts and when it cannot tell
(a keyword it does not reason about). The diff uses it to decide that a
removed `anyOf` branch was already accepted by a remaining one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from nbkit.diff.normal import ANNOTATIONS, types_of
from nbkit.diff.pattern_sets import contains
from nbkit.types import JSON

__all__ = ["covers", "disjoint"]

_UPPER: Final = ("maxLength", "maximum", "maxItems", "maxProperties", "exclusiveMaximum")
_LOWER: Final = ("minLength", "minimum", "minItems", "minProperties", "exclusiveMinimum")
_KIND: Final[Mapping[str, str]] = {
    "maxLength": "string",
    "minLength": "string",
    "pattern": "string",
    "maximum": "number",
    "minimum": "number",
    "exclusiveMaximum": "number",
    "exclusiveMinimum": "number",
    "maxItems": "array",
    "minItems": "array",
    "items": "array",
    "maxProperties": "object",
    "minProperties": "object",
    "required": "object",
    "properties": "object",
    "additionalProperties": "object",
}


def _number(value: JSON) -> float | None:
    return None if isinstance(value, bool) or not isinstance(value, int | float) else value


def _integer_only(schema: Mapping[str, JSON]) -> bool:
    """Whether a schema admits integers but not other numbers (types_of folds them together)."""
    declared = schema.get("type")
    names = declared if isinstance(declared, list) else [declared]
    return "integer" in names and "number" not in names


def _values(schema: Mapping[str, JSON]) -> list[JSON] | None:
    if "const" in schema:
        return [schema["const"]]
    enum = schema.get("enum")
    return list(enum) if isinstance(enum, list) else None


def _bound_ok(outer: Mapping[str, JSON], inner: Mapping[str, JSON], key: str) -> bool:
    limit, own = _number(outer.get(key)), _number(inner.get(key))
    if limit is None:
        return False
    if own is None:
        return False
    return own <= limit if key in _UPPER else own >= limit


def _properties_ok(outer: Mapping[str, JSON], inner: Mapping[str, JSON]) -> bool:
    outer_props, inner_props = outer.get("properties"), inner.get("properties", {})
    if not isinstance(outer_props, Mapping) or not isinstance(inner_props, Mapping):
        return False
    for name, schema in outer_props.items():
        if name in inner_props:
            if not covers(schema, inner_props[name]):
                return False
        elif inner.get("additionalProperties") is not False:
            return False
    return True


def _closed_ok(outer: Mapping[str, JSON], inner: Mapping[str, JSON]) -> bool:
    extra = outer.get("additionalProperties")
    if extra is not False:
        return isinstance(extra, Mapping) and covers(extra, inner.get("additionalProperties", {}))
    outer_names = set(outer.get("properties", {}) or {})
    inner_names = set(inner.get("properties", {}) or {})
    return inner.get("additionalProperties") is False and inner_names <= outer_names


def _keyword_ok(outer: Mapping[str, JSON], inner: Mapping[str, JSON], key: str) -> bool:
    if key in _UPPER or key in _LOWER:
        return _bound_ok(outer, inner, key)
    if key == "pattern":
        before, after = inner.get("pattern"), outer.get("pattern")
        return (
            isinstance(before, str) and isinstance(after, str) and contains(after, before) is True
        )
    if key == "required":
        needed = outer.get("required")
        return isinstance(needed, list) and set(needed) <= set(inner.get("required", []) or [])
    checks: dict[str, Callable[[], bool]] = {
        "properties": lambda: _properties_ok(outer, inner),
        "additionalProperties": lambda: _closed_ok(outer, inner),
        "items": lambda: covers(outer.get("items"), inner.get("items", {})),
    }
    check = checks.get(key)
    return check is not None and check()


def covers(outer: JSON, inner: JSON) -> bool:
    """Whether every value `inner` accepts is surely accepted by `outer` (both normal)."""
    if outer == inner or outer == {}:
        return True
    if not isinstance(outer, Mapping) or not isinstance(inner, Mapping):
        return False
    outer_values, inner_values = _values(outer), _values(inner)
    if outer_values is not None:
        return inner_values is not None and all(value in outer_values for value in inner_values)
    outer_types, inner_types = types_of(outer), types_of(inner)
    if _integer_only(outer) and not _integer_only(inner):
        return False
    if outer_types is not None and (inner_types is None or not inner_types <= outer_types):
        return False
    for key in outer:
        if key in ("type", *ANNOTATIONS):
            continue
        kind = _KIND.get(key)
        # A keyword of another type than any the inner schema admits constrains nothing here.
        if kind is not None and inner_types is not None and kind not in inner_types:
            continue
        if inner.get(key) == outer[key]:
            continue
        if not _keyword_ok(outer, inner, key):
            return False
    return True


def _fixed(schema: Mapping[str, JSON], name: str) -> list[JSON] | None:
    """The values a required property may take, when the schema fixes them."""
    if name not in (schema.get("required") or []):
        return None
    prop = schema.get("properties")
    return (
        _values(prop[name])
        if isinstance(prop, Mapping) and isinstance(prop.get(name), Mapping)
        else None
    )


def disjoint(first: JSON, second: JSON) -> bool:
    """Whether surely no value is accepted by both normal schemas.

    Yes when their types do not meet, their `enum`/`const` values do not meet,
    or a property both require is fixed to values that do not meet (a tag).
    """
    if not isinstance(first, Mapping) or not isinstance(second, Mapping):
        return False
    first_types, second_types = types_of(first), types_of(second)
    if first_types is not None and second_types is not None and not first_types & second_types:
        return True
    first_values, second_values = _values(first), _values(second)
    if first_values is not None and second_values is not None:
        return not any(value in second_values for value in first_values)
    for name in first.get("required") or []:
        mine, theirs = _fixed(first, str(name)), _fixed(second, str(name))
        if mine is not None and theirs is not None and not any(v in theirs for v in mine):
            return True
    return False
