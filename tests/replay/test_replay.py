"""Replay every scenario offline; each answer is checked against the contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbkit.cassettes.replay import replay
from nbkit.cassettes.scenarios import SCENARIOS, Scenario
from nbkit.cassettes.verify import check_interaction


@pytest.mark.parametrize("item", SCENARIOS, ids=[f"{item.group}/{item.id}" for item in SCENARIOS])
def test_replayed_answer_keeps_the_contract(item: Scenario, cassettes: Path) -> None:
    answer = replay(item, root=cassettes)
    drifts = [
        f"{d.check}: contract says {d.expected}; recorded {d.recorded}"
        for d in check_interaction(answer)
    ]
    assert drifts == []
    assert answer.status == item.aims_at
