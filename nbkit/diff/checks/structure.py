"""Checks on what shapes a schema accepts: closed objects, const, alternatives, conditionals.

Like nbkit.diff.checks.schemas, each function judges a pair of normal schemas
and the rule table gives it a request and a response id. Narrowing what a
schema accepts is breaking in a request; widening it is breaking in a response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from nbkit.diff.pair import Delta, Pair
from nbkit.diff.subsume import covers
from nbkit.types import JSON

__all__ = [
    "alternative_added",
    "alternative_overlap_removed",
    "alternative_overlapped",
    "alternative_removed",
    "condition_changed",
    "conditional_added",
    "conditional_removed",
    "const_changed",
    "dependent_required_added",
    "dependent_required_removed",
    "negation_loosened",
    "negation_tightened",
    "properties_closed",
    "properties_opened",
]

# Keywords that decide what happens to properties the schema does not name.
_EXTRA: Final = ("additionalProperties", "unevaluatedProperties")


def _openness(schema: Mapping[str, JSON], keyword: str) -> int:
    """0: any extra property is fine; 1: extras must match a schema; 2: no extras at all."""
    if keyword not in schema:
        return 0
    value = schema[keyword]
    if value is False or value == {"not": {}}:
        return 2
    return 0 if value is True or value == {} else 1


def _extra_delta(pair: Pair, *, closing: bool) -> Delta | None:
    if not isinstance(pair.before, Mapping) or not isinstance(pair.after, Mapping):
        return None
    for keyword in _EXTRA:
        before, after = _openness(pair.before, keyword), _openness(pair.after, keyword)
        if (after > before) if closing else (after < before):
            return Delta(pair.before.get(keyword), pair.after.get(keyword), keyword)
    return None


def properties_closed(pair: Pair) -> Delta | None:
    """Properties the schema does not name were allowed and are now refused or restricted."""
    return _extra_delta(pair, closing=True)


def properties_opened(pair: Pair) -> Delta | None:
    """Properties the schema does not name were refused or restricted and are now allowed."""
    return _extra_delta(pair, closing=False)


def const_changed(pair: Pair) -> Delta | None:
    """The one value a field may hold (`const`, or an enum of one) is another one."""
    if not isinstance(pair.before, Mapping) or not isinstance(pair.after, Mapping):
        return None
    if "const" not in pair.before or "const" not in pair.after:
        return None
    before, after = pair.before["const"], pair.after["const"]
    return None if before == after else Delta(before, after, "const")


def alternative_removed(pair: Pair) -> Delta | None:
    """An `anyOf`/`oneOf` branch is gone, and no remaining branch accepts what it did."""
    if pair.before is None or pair.after is not None:
        return None
    return Delta(pair.before, None)


def alternative_added(pair: Pair) -> Delta | None:
    """A new `anyOf`/`oneOf` branch accepts values no old branch did."""
    if pair.before is not None or pair.after is None:
        return None
    return Delta(None, pair.after)


def alternative_overlapped(pair: Pair) -> Delta | None:
    """A new `oneOf` branch may accept values an old branch did, and oneOf rejects such values."""
    if pair.before is None or pair.after is None:
        return None
    return Delta(pair.before, pair.after)


def alternative_overlap_removed(pair: Pair) -> Delta | None:
    """A removed `oneOf` branch shared values with a kept one, which oneOf now accepts."""
    if pair.before is None or pair.after is None:
        return None
    return Delta(pair.before, pair.after)


def _negation_moves(pair: Pair) -> tuple[bool, bool] | None:
    """Whether `not` now rejects more values, and whether it rejects fewer (both: cannot tell)."""
    if not isinstance(pair.before, Mapping) or not isinstance(pair.after, Mapping):
        return None
    before, after = pair.before.get("not"), pair.after.get("not")
    if before == after:
        return None
    if before is None or after is None:
        return after is not None, before is not None
    return not covers(before, after), not covers(after, before)


def negation_tightened(pair: Pair) -> Delta | None:
    """`not` appeared, or the schema it negates may accept more (so fewer values pass)."""
    moves = _negation_moves(pair)
    if moves is None or not moves[0]:
        return None
    return Delta(pair.before.get("not"), pair.after.get("not"), "not")


def negation_loosened(pair: Pair) -> Delta | None:
    """`not` went away, or the schema it negates may accept less (so more values pass)."""
    moves = _negation_moves(pair)
    if moves is None or not moves[1]:
        return None
    return Delta(pair.before.get("not"), pair.after.get("not"), "not")


def _conditionals(schema: JSON) -> dict[str, JSON]:
    """The subschemas that apply only when a condition holds, by their pointer below the schema."""
    if not isinstance(schema, Mapping):
        return {}
    found: dict[str, JSON] = {}
    # `then` and `else` without an `if` are ignored (JSON Schema 2020-12 §10.2.2).
    if "if" in schema:
        found.update({key: schema[key] for key in ("then", "else") if key in schema})
    dependent = schema.get("dependentSchemas")
    if isinstance(dependent, Mapping):
        found.update({f"dependentSchemas/{name}": sub for name, sub in dependent.items()})
    return found


def conditional_added(pair: Pair) -> Delta | None:
    """A `then`, `else` or `dependentSchemas` entry now constrains some values."""
    before, after = _conditionals(pair.before), _conditionals(pair.after)
    new = [key for key in after if key not in before]
    return Delta(None, after[new[0]], new[0]) if new else None


def conditional_removed(pair: Pair) -> Delta | None:
    """A `then`, `else` or `dependentSchemas` entry no longer constrains any value."""
    before, after = _conditionals(pair.before), _conditionals(pair.after)
    gone = [key for key in before if key not in after]
    return Delta(before[gone[0]], None, gone[0]) if gone else None


def condition_changed(pair: Pair) -> Delta | None:
    """The `if` that picks `then` or `else` changed (nbkit cannot tell which values move)."""
    if not isinstance(pair.before, Mapping) or not isinstance(pair.after, Mapping):
        return None
    if "if" not in pair.before or "if" not in pair.after:
        return None
    before, after = pair.before["if"], pair.after["if"]
    if before == after or not (_conditionals(pair.before) or _conditionals(pair.after)):
        return None
    return Delta(before, after, "if")


def _dependencies(schema: JSON) -> set[tuple[str, str]]:
    dependent = schema.get("dependentRequired") if isinstance(schema, Mapping) else None
    if not isinstance(dependent, Mapping):
        return set()
    return {
        (str(name), str(item))
        for name, items in dependent.items()
        for item in (items if isinstance(items, list) else ())
    }


def _grouped(pairs: set[tuple[str, str]]) -> dict[str, JSON]:
    grouped: dict[str, list[JSON]] = {}
    for name, item in sorted(pairs):
        grouped.setdefault(name, []).append(item)
    return dict(grouped)


def dependent_required_added(pair: Pair) -> Delta | None:
    """A property now requires another one when it is present (`dependentRequired`)."""
    new = _dependencies(pair.after) - _dependencies(pair.before)
    return Delta(None, _grouped(new), "dependentRequired") if new else None


def dependent_required_removed(pair: Pair) -> Delta | None:
    """A property no longer requires another one when it is present (`dependentRequired`)."""
    gone = _dependencies(pair.before) - _dependencies(pair.after)
    return Delta(_grouped(gone), None, "dependentRequired") if gone else None
