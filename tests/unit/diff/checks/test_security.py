"""Security checks: how a scheme travels, and the key prefix read from a pattern."""

from __future__ import annotations

import pytest

from nbkit.diff.checks.security import (
    API_KEY_HEADER,
    API_KEY_QUERY,
    key_pattern_changed,
    key_prefix,
    key_prefix_changed,
    method_of,
    security_api_key_header_dropped,
    security_method_dropped,
    security_requirement_loosened,
    security_requirement_tightened,
)
from nbkit.diff.pair import Delta, Pair
from nbkit.keys import PREFIX


@pytest.mark.parametrize(
    ("pattern", "prefix"),
    [
        (f"^{PREFIX}\\S+$", PREFIX),
        ("^nb_[A-Za-z0-9]{40}$", "nb_"),
        ("^sk\\-live_.*", "sk-live_"),
        ("^nbx?_", "nb"),
        ("^[a-z]+", None),
        ("nb_", None),
        (None, None),
    ],
)
def test_key_prefix_is_the_literal_run_after_the_anchor(
    pattern: str | None, prefix: str | None
) -> None:
    assert key_prefix(pattern) == prefix


def test_header_names_compare_case_insensitively_query_names_do_not() -> None:
    assert method_of({"type": "apiKey", "in": "header", "name": "X-Api-KEY"}) == API_KEY_HEADER
    assert method_of({"type": "apiKey", "in": "query", "name": "api_key"}) == API_KEY_QUERY
    assert method_of({"type": "apiKey", "in": "query", "name": "API_KEY"}) != API_KEY_QUERY
    assert method_of({"type": "http", "scheme": "Bearer"}) == "http bearer"


def test_prefix_change_is_not_also_a_pattern_change() -> None:
    pair = Pair({"pattern": "^nb_\\S+$"}, {"pattern": "^sk_\\S+$"})
    assert key_prefix_changed(pair) == Delta("nb_", "sk_", "pattern")
    assert key_pattern_changed(pair) is None


def test_key_rules_need_both_sides() -> None:
    assert key_prefix_changed(Pair(None, {"pattern": "^nb_"})) is None


def test_method_dropped_leaves_the_two_key_methods_to_their_own_rules() -> None:
    pair = Pair([["http bearer"], [API_KEY_HEADER], [API_KEY_QUERY]], [["http basic"]])
    assert security_method_dropped(pair) == Delta(["http bearer"], None)


def test_a_method_dropped_that_locks_nobody_out_is_not_breaking() -> None:
    # `bearer AND key` became `key`: a client sending both still gets through.
    pair = Pair([["http bearer", API_KEY_HEADER]], [[API_KEY_HEADER]])
    assert security_method_dropped(pair) is None
    assert security_api_key_header_dropped(pair) is None
    assert security_requirement_loosened(pair) == Delta(
        [sorted(["http bearer", API_KEY_HEADER])], [[API_KEY_HEADER]]
    )


def test_or_turned_and_is_tightened_and_the_reverse_loosened() -> None:
    either, both = [["http bearer"], [API_KEY_HEADER]], [["http bearer", API_KEY_HEADER]]
    assert security_requirement_tightened(Pair(either, both)) is not None
    assert security_requirement_loosened(Pair(either, both)) is None
    assert security_requirement_loosened(Pair(both, either)) is not None
    assert security_requirement_tightened(Pair(both, either)) is None
