"""Recording against a target named by NB_* variables (the mock, run as if it were live)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nbkit.audit import Options, run_scan
from nbkit.cassettes.record import record
from nbkit.cassettes.scenarios import SCENARIOS
from nbkit.cassettes.verify import check_tree
from nbkit.mock import serve


@pytest.fixture(scope="module")
def live_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with serve(state_dir=tmp_path_factory.mktemp("live-mock")) as mock:
        yield dict(mock.env)


def _keys(env: dict[str, str]) -> list[str]:
    return [value for name, value in env.items() if name.startswith("NB_API_KEY")]


def test_live_without_spend_skips_generation_and_mock_only_setups(
    tmp_path: Path, live_env: dict[str, str]
) -> None:
    results = {r.scenario: r for r in record(tmp_path, env=live_env)}
    skipped = {sid: r.skipped for sid, r in results.items() if r.skipped}
    assert skipped["text-to-video-bearer-valid"] == (
        "generates a video: set NB_ALLOW_SPEND=1 to record it live"
    )
    assert skipped["video-status-header-valid"] == (
        "needs a video made earlier in this run (NB_ALLOW_SPEND=1)"
    )
    assert (
        skipped["text-to-video-server-error"]
        == "fault needs the embedded mock (NB_BASE_URL is set)"
    )
    assert results["text-to-video-bearer-no-plan"].status == 403
    assert results["text-to-video-prompt-missing"].status == 400
    assert not any(item.spends and results[item.id].status for item in SCENARIOS)
    text = "".join(p.read_text() for p in tmp_path.rglob("*.yaml"))
    assert all(key not in text for key in _keys(live_env))
    assert check_tree(tmp_path).clean


def test_live_with_spend_records_generations_and_their_status(
    tmp_path: Path, live_env: dict[str, str]
) -> None:
    wanted = [s for s in SCENARIOS if s.group == "auth" and s.role.value in ("valid", "revoked")]
    results = record(tmp_path, env={**live_env, "NB_ALLOW_SPEND": "1"}, scenarios=wanted)
    assert [r.skipped for r in results] == [None] * len(wanted)
    assert {r.scenario: r.status for r in results}["video-status-query-valid"] == 200
    assert run_scan(Options(paths=(str(tmp_path),))).reported == ()


def test_missing_optional_key_is_a_skip_with_the_variable(
    tmp_path: Path, live_env: dict[str, str]
) -> None:
    env = {k: v for k, v in live_env.items() if k != "NB_API_KEY_INACTIVE"}
    wanted = [s for s in SCENARIOS if s.role.value == "inactive"][:1]
    (result,) = record(tmp_path, env=env, scenarios=wanted)
    assert result.skipped == "NB_API_KEY_INACTIVE is not set"
