"""`nbkit test` end to end: exit codes, report on stdout, JUnit XML, summaries, a target by env."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from nbkit.mock import MockSettings, serve

_TIMEOUT_SECONDS = 300


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("NB_") and k != "GITHUB_STEP_SUMMARY"
    }
    env.update(extra)
    return env


def _nbkit(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nbkit", "test", *args],
        capture_output=True,
        text=True,
        timeout=_TIMEOUT_SECONDS,
        env=env if env is not None else _env(),
        check=False,
    )


def test_conforming_mock_exits_0_with_junit_and_summary(tmp_path: Path) -> None:
    junit, summary, step = tmp_path / "j.xml", tmp_path / "s.md", tmp_path / "step.md"
    result = _nbkit(
        "-k", "transport", "--junit-xml", str(junit), "--summary", str(summary),
        env=_env(GITHUB_STEP_SUMMARY=str(step)),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(list(ElementTree.parse(junit).getroot().iter("testcase"))) >= 10
    assert "conforms" in summary.read_text() and "conforms" in step.read_text()
    # stdout carries the report only; pytest's progress went to stderr.
    assert result.stdout.startswith("nbkit contract suite")
    assert "passed" in result.stderr


@pytest.mark.parametrize(
    ("args", "extra", "message"),
    [
        (("--mutant", "no-such-mutant"), {}, "unknown mutant"),
        (("-k", "no_check_is_called_this"), {}, "selects no check"),
        (("--max-requests", "0"), {}, "--max-requests"),
        ((), {"NB_BASE_URL": "ftp://127.0.0.1:9/api/v1/"}, "NB_BASE_URL"),
        (
            ("--mutant", "accept-any-key"),
            {"NB_BASE_URL": "https://127.0.0.1:9/api/v1/"},
            "--mutant",
        ),
        (("--profile", "fast"), {}, "--profile"),
        ((), {"NB_BASE_URL": "https://127.0.0.1:9/api/v1/"}, "check NB_BASE_URL"),
    ],
)
def test_usage_error_exits_2_with_one_line(
    args: tuple[str, ...], extra: dict[str, str], message: str
) -> None:
    result = _nbkit(*args, env=_env(**extra))
    assert result.returncode == 2
    assert message in result.stderr


def test_mutant_exits_1_and_is_named_on_stdout() -> None:
    result = _nbkit("--mutant", "status-401-for-plan", "-k", "header-no-plan")
    assert result.returncode == 1
    assert "FAIL" in result.stdout and "no-plan" in result.stdout


def test_target_named_by_env_runs_as_live_and_skips_what_it_cannot(tmp_path: Path) -> None:
    with serve(state_dir=tmp_path, http_port=0) as mock:
        # Without the control variables of its env file, the mock looks like a live API.
        live = {k: v for k, v in mock.env.items() if not k.startswith("NB_MOCK_")}
        result = _nbkit("-k", "transport or lifecycle or no-plan", env=_env(**live))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "(a live API)" in result.stdout
    assert "needs the embedded mock's control API" in result.stderr
    assert "no-plan" in result.stdout
    for key in (mock.env["NB_API_KEY"], mock.env["NB_API_KEY_NO_PLAN"]):
        assert key not in result.stdout and key not in result.stderr


def test_a_live_key_whose_rate_limit_is_spent_skips_generation_checks(tmp_path: Path) -> None:
    # A live key that others have used up answers 429 to every generation, a body the
    # contract refuses included: a documented answer, so those checks wait for a rerun.
    with serve(state_dir=tmp_path, settings=MockSettings(rate_limit=1)) as mock:
        live = _env(NB_ALLOW_SPEND="1", **{k: v for k, v in mock.env.items() if "_MOCK_" not in k})
        spend = _nbkit("-k", "generation_conforms", env=live)
        result = _nbkit("-k", "prompt_length", env=live)
    assert spend.returncode == 0, spend.stdout[-3000:]
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 passed, 0 failed, 2 skipped" in result.stdout
    assert "rate limit is spent" in result.stderr


def test_live_generation_checks_run_before_generated_bodies_spend_the_window(
    tmp_path: Path,
) -> None:
    # One window for the whole run: schemathesis' generated bodies alone use up a small one.
    with serve(state_dir=tmp_path, settings=MockSettings(rate_limit=3)) as mock:
        live = _env(NB_ALLOW_SPEND="1", **{k: v for k, v in mock.env.items() if "_MOCK_" not in k})
        result = _nbkit("-k", "operation_conforms or generation_conforms", env=live)
    assert result.returncode == 0, result.stdout[-3000:]
    assert " 0 skipped" in result.stdout


def test_env_file_of_a_separate_mock_runs_the_whole_suite_as_a_mock(tmp_path: Path) -> None:
    with serve(state_dir=tmp_path, http_port=0) as mock:
        result = _nbkit("-k", "lifecycle or foreign or rate_limit", env=_env(**mock.env))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "(a mock)" in result.stdout and "0 skipped" in result.stdout


@pytest.mark.parametrize(
    ("report_format", "start"),
    [
        ("table", "nbkit contract suite"),
        ("markdown", "## nbkit contract suite"),
        ("junit", "<?xml"),
    ],
)
def test_format_picks_the_report_and_output_takes_it_off_stdout(
    tmp_path: Path, report_format: str, start: str
) -> None:
    output = tmp_path / "report"
    result = _nbkit("-k", "base_url_uses_https", "--format", report_format, "--output", str(output))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == "" and output.read_text().startswith(start)
