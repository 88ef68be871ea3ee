"""Rate-limit checks compare requests per second, and the policy apart."""

from __future__ import annotations

from nbkit.diff.checks.paths import rate_limit_lowered, rate_limit_policy_changed, rate_limit_raised
from nbkit.diff.pair import Pair


def test_same_rate_over_another_window_is_neither_lowered_nor_raised() -> None:
    pair = Pair({"limit": 10, "window_seconds": 600}, {"limit": 30, "window_seconds": 1800})
    assert rate_limit_lowered(pair) is None
    assert rate_limit_raised(pair) is None


def test_limit_appearing_lowers_and_going_away_raises() -> None:
    limit = {"limit": 30, "window_seconds": 1800}
    assert rate_limit_lowered(Pair(None, limit)) is not None
    assert rate_limit_raised(Pair(limit, None)) is not None


def test_policy_change_reports_only_the_keys_that_moved() -> None:
    before = {"limit": 10, "window_seconds": 1800, "window": "fixed", "scope": "user"}
    after = {"limit": 30, "window_seconds": 1800, "window": "rolling", "scope": "user"}
    delta = rate_limit_policy_changed(Pair(before, after))
    assert delta is not None
    assert (delta.before, delta.after) == ({"window": "fixed"}, {"window": "rolling"})
