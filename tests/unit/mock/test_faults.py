from __future__ import annotations

from typing import Any

import pytest

from nbkit.errors import UsageError
from nbkit.mock.faults import FaultInjector, Faults


def test_faults_are_off_by_default() -> None:
    injector = FaultInjector(Faults())
    assert not Faults().is_active
    assert not injector.should_drop()
    assert injector.error_status() is None


def test_a_seed_replays_the_same_faults() -> None:
    faults = Faults(error_rate=0.5, drop_rate=0.5, seed=7)
    first, second = FaultInjector(faults), FaultInjector(faults)
    draws = [(first.should_drop(), first.error_status()) for _ in range(50)]
    assert draws == [(second.should_drop(), second.error_status()) for _ in range(50)]


def test_error_rate_one_always_fails_with_500_or_502() -> None:
    injector = FaultInjector(Faults(error_rate=1.0, seed=1))
    assert {injector.error_status() for _ in range(50)} == {500, 502}


@pytest.mark.parametrize(
    "kwargs", [{"error_rate": 1.5}, {"drop_rate": -0.1}, {"latency_ms": -1}], ids=str
)
def test_out_of_range_settings_are_usage_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(UsageError):
        Faults(**kwargs)
