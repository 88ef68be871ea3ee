"""nbkit.pytest_plugin inside pytester: options, skip reasons, the report, quiet when unused."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ("pytester",)

_RECORDING_TEST = """
from nbkit.suite.oracle import CaseVerdict
from nbkit.suite.record import Observation

def test_records(nb_recorder):
    nb_recorder.add(Observation("bearer", "unknown-key", "unknown-key", "getVideoStatus",
                                "401", "401", CaseVerdict.PASS))
    nb_recorder.add(Observation("query", "scheme-case", "scheme-case", "getVideoStatus",
                                "open", "404", CaseVerdict.OPEN))
"""


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # The report fits the terminal; these tests match whole summary lines.
    monkeypatch.setenv("COLUMNS", "200")


def test_options_are_listed_in_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("-p", "nbkit.pytest_plugin", "--help")
    result.stdout.fnmatch_lines(["*--nb-profile*", "*--nb-summary*", "*--nb-max-requests*"])


def test_unused_plugin_prints_no_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain():\n    assert True\n")
    result = pytester.runpytest_inprocess("-p", "nbkit.pytest_plugin")
    result.assert_outcomes(passed=1)
    assert "nbkit report" not in result.stdout.str()


def test_missing_variable_skips_with_its_reason(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        "from nbkit.target import Missing\n"
        "def test_needs_key():\n"
        "    raise Missing('NB_API_KEY_REVOKED is not set')\n"
    )
    result = pytester.runpytest_inprocess("-p", "nbkit.pytest_plugin", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*NB_API_KEY_REVOKED is not set*"])


def test_report_shows_the_matrix_and_open_behaviour(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(_RECORDING_TEST)
    result = pytester.runpytest_inprocess("-p", "nbkit.pytest_plugin")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*nbkit report*",
            "*bearer pass (1): unknown-key*",
            "*undocumented behaviour*",
            "*conforms*",
        ]
    )


def test_summary_file_and_step_summary_get_markdown(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    step = tmp_path / "step.md"
    step.write_text("earlier\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    pytester.makepyfile(_RECORDING_TEST)
    summary = tmp_path / "summary.md"
    pytester.runpytest_inprocess("-p", "nbkit.pytest_plugin", "--nb-summary", str(summary))
    text = summary.read_text()
    assert "## nbkit contract suite" in text and "| bearer" in text
    assert (
        step.read_text().startswith("earlier\n") and "## nbkit contract suite" in step.read_text()
    )


def test_users_own_failing_test_is_never_a_deviation(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        "def test_my_gateway(nb_recorder):\n    raise AssertionError('my own bug')\n"
    )
    result = pytester.runpytest_inprocess("-p", "nbkit.pytest_plugin")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*conforms*1 failed (1 of them your own tests)*"])
    result.stdout.no_fnmatch_line("*DEVIATES*")


def test_unknown_profile_is_refused(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("-p", "nbkit.pytest_plugin", "--nb-profile", "fast")
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_installed_plugin_gives_fixtures_without_dash_p(pytester: pytest.Pytester) -> None:
    # The pytest11 entry point loads the plugin wherever nbkit is installed.
    pytester.makepyfile(_RECORDING_TEST)
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*nbkit report*", "*conforms*"])


def test_entry_point_and_dash_p_load_the_plugin_once(pytester: pytest.Pytester) -> None:
    # `nbkit test` passes -p nbkit.pytest_plugin in an environment that also has the entry point.
    pytester.makepyfile(
        "def test_once(pytestconfig):\n"
        "    import nbkit.pytest_plugin as module\n"
        "    manager = pytestconfig.pluginmanager\n"
        "    names = [name for name, plugin in manager.list_name_plugin() if plugin is module]\n"
        "    assert names == ['nbkit.pytest_plugin']\n"
    )
    result = pytester.runpytest_inprocess("-p", "nbkit.pytest_plugin")
    result.assert_outcomes(passed=1)


def test_plugin_is_turned_off_by_its_entry_point_name(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_uses(nb_recorder):\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "no:nbkit.pytest_plugin", "--nb-profile=ci")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unrecognized arguments: --nb-profile*"])
