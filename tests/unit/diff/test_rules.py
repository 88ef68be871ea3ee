"""The rule table: one fixture pair per rule triggers exactly that rule, and table-wide checks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import pytest

from nbkit.diff.change import Direction, Level
from nbkit.diff.compare import compare
from nbkit.diff.mirrors import MIRRORS, WAIVERS, mirror_of
from nbkit.diff.pair import Rule
from nbkit.diff.revision import Snapshot, read_file
from nbkit.diff.rules import RULES

REPO: Final = Path(__file__).resolve().parents[3]
FIXTURES: Final = REPO / "tests" / "data" / "diff"
DOCS: Final = REPO / "docs" / "diff-rules.md"
KEBAB: Final = re.compile(r"[a-z]+(?:-[a-z0-9]+)*")
# Rules whose fixture, read backwards, is the same kind of change again.
SYMMETRIC: Final = frozenset(
    {
        "rate-limit-policy-changed",
        "request-param-renamed",
        "request-property-renamed",
        "response-property-renamed",
        "request-type-changed",
        "response-type-changed",
        "request-pattern-changed",
        "response-pattern-changed",
        "request-default-changed",
        "response-default-changed",
        "security-scheme-renamed",
        "security-scheme-changed",
        "security-preferred-method-changed",
        "security-key-prefix-changed",
        "security-key-pattern-changed",
        "auth-status-changed",
        "auth-condition-outcome-changed",
        "request-const-changed",
        "response-const-changed",
        "request-condition-changed",
        "response-condition-changed",
        "request-format-changed",
        "response-format-changed",
    }
)


def _side(rule_id: str, name: str) -> Snapshot:
    folder = FIXTURES / rule_id
    auth = folder / f"{name}.auth.yaml"
    return read_file(folder / f"{name}.yaml", auth_path=auth if auth.is_file() else None)


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_fixture_triggers_exactly_its_rule(rule: Rule) -> None:
    changes = compare(_side(rule.id, "base"), _side(rule.id, "revision"))
    assert [change.rule_id for change in changes] == [rule.id]
    assert changes[0].level is rule.level
    assert changes[0].direction is rule.direction


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_fixture_read_backwards_does_not_trigger_one_way_rule(rule: Rule) -> None:
    changes = compare(_side(rule.id, "revision"), _side(rule.id, "base"))
    fired = [change.rule_id for change in changes]
    if rule.id in SYMMETRIC:
        assert fired == [rule.id]
    else:
        assert rule.id not in fired
        assert fired, "the reverse change goes unreported"


def test_rule_ids_are_unique_kebab_case() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert all(KEBAB.fullmatch(rule_id) for rule_id in ids)


def test_every_rule_is_documented() -> None:
    documented = set(re.findall(r"`([a-z0-9-]+)`", DOCS.read_text(encoding="utf-8")))
    assert {rule.id for rule in RULES} <= documented


def test_documented_levels_match_the_table() -> None:
    rows = re.findall(
        r"^\| `([a-z0-9-]+)` \| (\w+) \| (\w+) \|", DOCS.read_text(encoding="utf-8"), re.M
    )
    assert {(rule.id, str(rule.level), str(rule.direction)) for rule in RULES} == set(rows)


def test_every_rule_has_a_fixture_and_every_fixture_a_rule() -> None:
    folders = {path.name for path in FIXTURES.iterdir() if path.is_dir()}
    assert folders == {rule.id for rule in RULES}
    for rule in RULES:
        assert (FIXTURES / rule.id / "base.yaml").is_file()
        assert (FIXTURES / rule.id / "revision.yaml").is_file()


def test_every_request_rule_has_a_response_mirror_or_a_waiver() -> None:
    by_id = {rule.id: rule for rule in RULES}
    for rule in RULES:
        if rule.direction is not Direction.REQUEST:
            continue
        mirror = mirror_of(rule)
        if mirror is None:
            assert WAIVERS.get(rule.id), rule.id
        else:
            assert mirror in by_id, (rule.id, mirror)
            assert by_id[mirror].direction is Direction.RESPONSE
            assert by_id[mirror].kind is rule.kind or rule.id in MIRRORS


def test_waivers_and_mirrors_name_request_rules_only() -> None:
    requests = {rule.id for rule in RULES if rule.direction is Direction.REQUEST}
    assert set(WAIVERS) <= requests
    assert set(MIRRORS) <= requests
    assert not set(WAIVERS) & set(MIRRORS)


def test_security_and_auth_changes_that_block_clients_are_breaking() -> None:
    levels = {rule.id: rule.level for rule in RULES}
    for rule_id in (
        "security-scheme-removed",
        "security-scheme-renamed",
        "security-api-key-query-dropped",
        "security-api-key-header-dropped",
        "security-key-prefix-changed",
        "security-key-pattern-changed",
        "auth-status-changed",
        "auth-message-removed",
        "auth-schema-message-removed",
        "security-requirement-tightened",
        "response-header-became-optional",
    ):
        assert levels[rule_id] is Level.BREAKING


def test_undecidable_request_changes_are_breaking() -> None:
    levels = {rule.id: rule.level for rule in RULES}
    for rule_id in (
        "request-pattern-changed",
        "request-condition-changed",
        "request-negation-tightened",
    ):
        assert levels[rule_id] is Level.BREAKING


def test_every_rule_has_a_summary() -> None:
    assert all(rule.summary and rule.summary != rule.id for rule in RULES)
