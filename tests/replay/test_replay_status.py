"""Replay the `status` scenarios offline; each answer is checked against the contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbkit.cassettes.replay import replay
from nbkit.cassettes.scenarios import SCENARIOS, Scenario
from nbkit.cassettes.verify import check_interaction

GROUP = [item for item in SCENARIOS if item.group == "status"]


@pytest.mark.parametrize("item", GROUP, ids=[item.id for item in GROUP])
def test_replayed_answer_keeps_the_contract(item: Scenario, cassettes: Path) -> None:
    answer = replay(item, root=cassettes)
    drifts = [
        f"{d.check}: contract says {d.expected}; recorded {d.recorded}"
        for d in check_interaction(answer)
    ]
    assert drifts == []
    assert answer.status == item.aims_at
