"""Pair up the nodes of two schemas: properties by name (renames too), items, alternatives.

Both schemas are normalised first (nbkit.diff.normal); `anyOf`/`oneOf` branches
match by what they accept (equal, or the one branch of the same types), not by
position.

A removed and an added node are matched as a rename when they are equal, or
when each is the other's only near name. Equal subtrees are skipped: no rule
can fire on them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations
from typing import Final

from nbkit.diff.change import Direction
from nbkit.diff.normal import normalise, types_of
from nbkit.diff.pair import Kind, Pair
from nbkit.diff.subsume import covers, disjoint
from nbkit.types import JSON

__all__ = ["EMPTY", "Site", "Where", "escape", "mapping", "matched", "schema_sites"]

# How alike two names must be to pair a removal with an addition as a rename.
_NEAR_NAME: Final = 0.8
EMPTY: Final[Mapping[str, JSON]] = {}
# Keywords holding one subschema, walked when both sides have them. Not `not` or
# `if`: a change inside either does not widen or narrow the same way; the negation
# and condition rules judge them whole.
_SUBSCHEMAS: Final = (
    "items",
    "additionalProperties",
    "unevaluatedProperties",
    "then",
    "else",
    "contains",
    "propertyNames",
)


@dataclass(frozen=True, slots=True)
class Site:
    """A pair and where it sits: which rules judge it, and what a Change will say."""

    kind: Kind
    direction: Direction
    method: str | None
    path: str | None
    pointer: str
    pair: Pair


@dataclass(frozen=True, slots=True)
class Where:
    """Direction and operation of the sites a walk yields."""

    direction: Direction
    method: str | None
    path: str | None

    def site(self, kind: Kind, pointer: str, pair: Pair) -> Site:
        """A site here."""
        return Site(kind, self.direction, self.method, self.path, pointer, pair)


def escape(token: str) -> str:
    """One JSON Pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def mapping(node: JSON) -> Mapping[str, JSON]:
    """The node if it is a mapping, else an empty one: contracts may omit any part."""
    return node if isinstance(node, Mapping) else EMPTY


def _near(before: str, after: str) -> bool:
    return SequenceMatcher(None, before, after).ratio() >= _NEAR_NAME


def matched(
    before: Mapping[str, JSON],
    after: Mapping[str, JSON],
    *,
    same: Callable[[JSON, JSON], bool],
    near_names: bool = True,
) -> list[tuple[str | None, str | None]]:
    """Pairs of names: kept names with themselves, renames, then lone removals and additions."""
    pairs: list[tuple[str | None, str | None]] = [(name, name) for name in before if name in after]
    removed = [name for name in before if name not in after]
    added = [name for name in after if name not in before]
    for old in list(removed):
        new = next((name for name in added if same(before[old], after[name])), None)
        if new is not None:
            pairs.append((old, new))
            removed.remove(old)
            added.remove(new)
    if near_names:
        # A near name pairs only when neither side has another near candidate.
        for old in list(removed):
            near = [name for name in added if _near(old, name)]
            if len(near) == 1 and [name for name in removed if _near(name, near[0])] == [old]:
                pairs.append((old, near[0]))
                removed.remove(old)
                added.remove(near[0])
    pairs.extend((name, None) for name in removed)
    pairs.extend((None, name) for name in added)
    return pairs


def _flat(schema: Mapping[str, JSON]) -> Mapping[str, JSON]:
    """An `allOf` of objects folded into one schema, so its properties match by name."""
    parts = schema.get("allOf")
    if not isinstance(parts, list) or not all(isinstance(part, Mapping) for part in parts):
        return schema
    merged: dict[str, JSON] = {key: value for key, value in schema.items() if key != "allOf"}
    properties: dict[str, JSON] = dict(mapping(merged.get("properties")))
    required: list[JSON] = list(merged.get("required") or [])
    for part in map(_flat, parts):
        for key, value in part.items():
            merged.setdefault(key, value)
        for name, prop in mapping(part.get("properties")).items():
            properties.setdefault(name, prop)
        required.extend(name for name in part.get("required") or [] if name not in required)
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def _is_closed(schema: Mapping[str, JSON]) -> bool:
    """Whether an object refuses every property it does not name."""
    refuses = any(
        schema.get(key) is False for key in ("additionalProperties", "unevaluatedProperties")
    )
    return refuses and not schema.get("patternProperties")


def _lifted(old: Mapping[str, JSON], new: Mapping[str, JSON]) -> tuple[JSON, JSON]:
    """A schema against a bare `anyOf`/`oneOf`: the schema as that keyword's only branch."""
    plain_old = "anyOf" not in old and "oneOf" not in old
    plain_new = "anyOf" not in new and "oneOf" not in new
    for keyword in ("anyOf", "oneOf"):
        if set(new) == {keyword} and plain_old:
            return {keyword: [old]}, new
        if set(old) == {keyword} and plain_new:
            return old, {keyword: [new]}
    return old, new


def _switched(
    old: Mapping[str, JSON], new: Mapping[str, JSON], pointer: str, where: Where
) -> Iterator[Site]:
    """`anyOf` turned `oneOf` or back: branches compared, and the overlaps oneOf rejects judged."""
    for before, after, kind in (
        ("anyOf", "oneOf", Kind.OVERLAP_GAINED),
        ("oneOf", "anyOf", Kind.OVERLAP_LOST),
    ):
        old_list, new_list = old.get(before), new.get(after)
        if not isinstance(old_list, list) or not isinstance(new_list, list):
            continue
        if after in old or before in new:
            continue
        yield from _alternatives(old_list, new_list, f"{pointer}/{after}", where, one=False)
        pairs, _, _ = _alternative_pairs(old_list, new_list)
        for (i, k), (j, m) in combinations(pairs, 2):
            # The overlap that matters is between the oneOf's branches.
            first, second = (
                (new_list[k], new_list[m]) if after == "oneOf" else (old_list[i], old_list[j])
            )
            if not disjoint(first, second):
                yield where.site(kind, f"{pointer}/{after}/{m}", Pair(old_list[j], new_list[m]))


def _alternative_pairs(
    old: list[JSON], new: list[JSON]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Branches matched by what they accept: equal ones, then one per same set of types."""
    pairs: list[tuple[int, int]] = []
    removed, added = list(range(len(old))), list(range(len(new)))
    for i in list(removed):
        j = next((j for j in added if new[j] == old[i]), None)
        if j is not None:
            pairs.append((i, j))
            removed.remove(i)
            added.remove(j)
    for i in list(removed):
        kinds = types_of(mapping(old[i]))
        same = [j for j in added if kinds is not None and types_of(mapping(new[j])) == kinds]
        if len(same) == 1:
            pairs.append((i, same[0]))
            removed.remove(i)
            added.remove(same[0])
    return pairs, removed, added


def _alternatives(old: JSON, new: JSON, pointer: str, where: Where, *, one: bool) -> Iterator[Site]:
    """Matched branches walked, and the rest judged; `one` for oneOf, which rejects overlaps."""
    if not isinstance(old, list) or not isinstance(new, list):
        return
    pairs, removed, added = _alternative_pairs(old, new)
    for i, j in pairs:
        yield from _sites(old[i], new[j], f"{pointer}/{j}", where)

    def accepted(branch: JSON, others: list[JSON]) -> bool:
        # In a oneOf, a value passes only when no second branch accepts it too.
        for k, other in enumerate(others):
            rest = others[:k] + others[k + 1 :]
            if covers(other, branch) and (not one or all(disjoint(branch, r) for r in rest)):
                return True
        return False

    for i in removed:
        if not accepted(old[i], new):
            yield where.site(Kind.ALTERNATIVE, f"{pointer}/{i}", Pair(old[i], None))
    for j in added:
        if not accepted(new[j], old):
            yield where.site(Kind.ALTERNATIVE, f"{pointer}/{j}", Pair(None, new[j]))
    if one:
        yield from _overlaps(old, new, (pairs, removed, added), pointer, where)


def _overlaps(
    old: list[JSON],
    new: list[JSON],
    matching: tuple[list[tuple[int, int]], list[int], list[int]],
    pointer: str,
    where: Where,
) -> Iterator[Site]:
    """oneOf branches that came to share values with a kept branch, or stopped sharing them."""
    pairs, removed, added = matching
    for i, k in pairs:
        for j in added:
            if not disjoint(new[j], new[k]):
                site = Pair(old[i], new[j])
                yield where.site(Kind.OVERLAP_GAINED, f"{pointer}/{j}", site)
        for j in removed:
            if not disjoint(old[j], old[i]):
                site = Pair(old[j], new[k])
                yield where.site(Kind.OVERLAP_LOST, f"{pointer}/{k}", site)


def schema_sites(before: JSON, after: JSON, pointer: str, where: Where) -> Iterator[Site]:
    """Every pair of matching nodes below two schemas, compared in their normal form."""
    yield from _sites(normalise(before), normalise(after), pointer, where)


def _sites(before: JSON, after: JSON, pointer: str, where: Where) -> Iterator[Site]:
    if before == after or not isinstance(before, Mapping) or not isinstance(after, Mapping):
        return
    old, new = _lifted(_flat(before), _flat(after))
    old, new = mapping(old), mapping(new)
    yield where.site(Kind.SCHEMA, pointer, Pair(old, new))
    old_props, new_props = mapping(old.get("properties")), mapping(new.get("properties"))
    old_required = set(old.get("required") or ())
    new_required = set(new.get("required") or ())
    closed = _is_closed(new)
    for old_name, new_name in matched(old_props, new_props, same=lambda b, a: b == a):
        old_prop = old_props[old_name] if old_name is not None else None
        new_prop = new_props[new_name] if new_name is not None else None
        at = f"{pointer}/properties/{escape(new_name or old_name or '')}"
        pair = Pair(
            old_prop,
            new_prop,
            old_name,
            new_name,
            old_name in old_required,
            new_name in new_required,
            closed,
        )
        yield where.site(Kind.PROPERTY, at, pair)
        yield from _sites(old_prop, new_prop, at, where)
    for keyword in _SUBSCHEMAS:
        yield from _sites(old.get(keyword), new.get(keyword), f"{pointer}/{keyword}", where)
    old_dependent = mapping(old.get("dependentSchemas"))
    new_dependent = mapping(new.get("dependentSchemas"))
    for name in old_dependent:
        at = f"{pointer}/dependentSchemas/{escape(name)}"
        yield from _sites(old_dependent[name], new_dependent.get(name), at, where)
    for keyword in ("anyOf", "oneOf"):
        yield from _alternatives(
            old.get(keyword),
            new.get(keyword),
            f"{pointer}/{keyword}",
            where,
            one=keyword == "oneOf",
        )
    yield from _switched(old, new, pointer, where)
    old_list, new_list = old.get("prefixItems"), new.get("prefixItems")
    # Tuple positions are meaningful: prefixItems match by position.
    if isinstance(old_list, list) and isinstance(new_list, list):
        for i, (old_item, new_item) in enumerate(zip(old_list, new_list, strict=False)):
            yield from _sites(old_item, new_item, f"{pointer}/prefixItems/{i}", where)
