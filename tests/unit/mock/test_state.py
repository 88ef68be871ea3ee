from __future__ import annotations

from decimal import Decimal

from nbkit.mock.accounts import find_plan
from nbkit.mock.mutants import behaviour_for
from nbkit.mock.state import MockSettings, MockState


def test_defaults_follow_the_newest_documentation() -> None:
    settings = MockSettings()
    assert (settings.rate_limit, settings.window_seconds, settings.prompt_max_chars) == (
        30,
        1800,
        2000,
    )


def test_access_rule_follows_the_settings() -> None:
    by_plan = MockState(MockSettings(), behaviour_for(None))
    by_price = MockState(MockSettings(plan_threshold_eur=Decimal("20")), behaviour_for(None))
    assert by_plan.has_access(find_plan("api"))
    assert not by_plan.has_access(find_plan("pro"))
    assert by_price.has_access(find_plan("pro"))
    assert not by_price.has_access(find_plan("basic"))


def test_a_mutant_can_override_the_prompt_limit() -> None:
    assert MockState(MockSettings(), behaviour_for("old-prompt-limit")).prompt_max_chars == 500
    assert MockState(MockSettings(), behaviour_for(None)).prompt_max_chars == 2000


def test_each_state_has_its_own_admin_token() -> None:
    first = MockState(MockSettings(), behaviour_for(None))
    assert first.admin_token != MockState(MockSettings(), behaviour_for(None)).admin_token
    assert len(first.admin_token) >= 32
