"""Run the rule table over every matched pair of two snapshots and collect the changes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

from nbkit.diff.change import Change, Direction
from nbkit.diff.pair import Kind, Pair, Rule
from nbkit.diff.revision import Snapshot
from nbkit.diff.rules import RULES
from nbkit.diff.schema_pairs import Site, escape
from nbkit.diff.walk import AUTH_STATUSES, sites
from nbkit.types import JSON

__all__ = ["compare"]


def compare(old: Snapshot, new: Snapshot, *, rules: Sequence[Rule] = RULES) -> tuple[Change, ...]:
    """Every change from `old` to `new` that a rule classifies, in output order."""
    by_site: dict[tuple[Kind, Direction], list[Rule]] = defaultdict(list)
    for rule in rules:
        by_site[rule.kind, rule.direction].append(rule)
    changes = []
    for site in _all_sites(old, new):
        for rule in by_site.get((site.kind, site.direction), ()):
            delta = rule.check(site.pair)
            if delta is None:
                continue
            pointer = f"{site.pointer}/{delta.at}" if delta.at else site.pointer
            changes.append(
                Change(
                    rule.id,
                    rule.level,
                    rule.direction,
                    site.method,
                    site.path,
                    pointer,
                    delta.before,
                    delta.after,
                )
            )
    return tuple(sorted(changes, key=Change.sort_key))


def _auth_statuses(old: Snapshot, new: Snapshot) -> frozenset[str]:
    """The statuses the auth tables give their outcomes; 401 and 403 when neither names one."""
    found: set[str] = set()
    for table in (old.auth, new.auth):
        for _, outcome in _by_id(table, "outcomes").values():
            status = outcome.get("status") if isinstance(outcome, Mapping) else None
            if isinstance(status, int | str) and not isinstance(status, bool):
                found.add(str(status))
    return frozenset(found) or AUTH_STATUSES


def _all_sites(old: Snapshot, new: Snapshot) -> Iterator[Site]:
    yield from sites(old.document, new.document, auth_statuses=_auth_statuses(old, new))
    if old.key_schema is not None and new.key_schema is not None:
        pair = Pair(old.key_schema, new.key_schema)
        yield Site(Kind.KEY_SCHEMA, Direction.REQUEST, None, None, new.key_pointer, pair)
    # A side without an auth table says nothing about auth: no rule can judge it.
    if isinstance(old.auth, Mapping) and isinstance(new.auth, Mapping):
        yield from _auth_sites(old.auth, new.auth)


def _by_id(node: JSON, key: str) -> dict[str, tuple[int | str, JSON]]:
    """Entries of the auth table by id: `outcomes` is a mapping, `conditions` a list."""
    entries = node.get(key) if isinstance(node, Mapping) else None
    if isinstance(entries, Mapping):
        return {str(name): (str(name), value) for name, value in entries.items()}
    found: dict[str, tuple[int | str, JSON]] = {}
    for i, entry in enumerate(entries if isinstance(entries, list) else ()):
        if isinstance(entry, Mapping) and "id" in entry:
            found[str(entry["id"])] = (i, entry)
    return found


def _auth_sites(old: Mapping[str, JSON], new: Mapping[str, JSON]) -> Iterator[Site]:
    for key, kind in (("outcomes", Kind.AUTH_OUTCOME), ("conditions", Kind.AUTH_CONDITION)):
        before, after = _by_id(old, key), _by_id(new, key)
        for name in [*before, *(name for name in after if name not in before)]:
            old_place, old_entry = before.get(name, (None, None))
            new_place, new_entry = after.get(name, (None, None))
            place = new_place if new_place is not None else old_place
            pointer = f"/{key}/{escape(str(place))}"
            pair = Pair(
                old_entry,
                new_entry,
                name if old_entry is not None else None,
                name if new_entry is not None else None,
            )
            yield Site(kind, Direction.RESPONSE, None, None, pointer, pair)
