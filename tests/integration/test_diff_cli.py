"""`nbkit diff` end to end: formats, thresholds, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Final
from xml.etree import ElementTree

import pytest

from nbkit.cli import main
from nbkit.contract.load import CONTRACT_FILE

FIXTURES: Final = Path(__file__).resolve().parents[1] / "data" / "diff"


def _pair(rule_id: str) -> list[str]:
    return [str(FIXTURES / rule_id / "base.yaml"), str(FIXTURES / rule_id / "revision.yaml")]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_same_contract_has_no_changes_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, str(CONTRACT_FILE), str(CONTRACT_FILE))
    assert (code, err) == (0, "")
    assert out.startswith("no changes\n")


@pytest.mark.parametrize(
    ("rule_id", "fail_on", "expected"),
    [
        ("request-max-length-tightened", "breaking", 1),
        ("request-max-length-tightened", "warning", 1),
        ("request-default-changed", "breaking", 0),
        ("request-default-changed", "warning", 1),
        ("request-max-length-loosened", "breaking", 0),
        ("request-max-length-loosened", "warning", 0),
        # Classes issue 12 added: each gates a pull request from the command line.
        ("request-properties-closed", "breaking", 1),
        ("security-requirement-tightened", "breaking", 1),
        ("auth-schema-message-removed", "breaking", 1),
        ("request-pattern-narrowed", "breaking", 1),
        ("response-header-became-optional", "breaking", 1),
        ("server-removed", "breaking", 1),
        ("request-pattern-widened", "warning", 0),
    ],
)
def test_exit_code_follows_fail_on(
    capsys: pytest.CaptureFixture[str], rule_id: str, fail_on: str, expected: int
) -> None:
    code, out, _ = _run(capsys, "--fail-on", fail_on, *_pair(rule_id))
    assert code == expected
    assert rule_id in out


def test_json_report_carries_every_change_field(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--format", "json", *_pair("response-type-changed"))
    document = json.loads(out)
    assert code == 1
    assert document["summary"] == {
        "breaking": 1,
        "warning": 0,
        "info": 0,
        "fail_on": "breaking",
        "failed": True,
    }
    assert document["changes"] == [
        {
            "rule_id": "response-type-changed",
            "level": "breaking",
            "direction": "response",
            "method": "POST",
            "path": "/items",
            "pointer": "/paths/~1items/post/responses/200/content/application~1json"
            "/schema/properties/id/type",
            "before": "string",
            "after": "integer",
        }
    ]


def test_junit_report_fails_only_cases_at_the_threshold(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(
        capsys, "--format", "junit", "--fail-on", "warning", *_pair("request-default-changed")
    )
    root = ElementTree.fromstring(out.encode())
    assert root.get("failures") == "1"
    (case,) = root.iter("testcase")
    assert case.get("classname") == "request-default-changed"
    assert case.find("failure") is not None


def test_output_option_writes_the_report_to_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "diff.md"
    code, out, _ = _run(
        capsys, "--format", "markdown", "--output", str(target), *_pair("operation-removed")
    )
    assert (code, out) == (1, "")
    assert "`operation-removed`" in target.read_text(encoding="utf-8")


def _one_line_error(code: int, out: str, err: str) -> str:
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("nbkit: error: ")
    return err


def test_non_openapi_file_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("name: not a contract\nitems: [1, 2]\n", encoding="utf-8")
    err = _one_line_error(*_run(capsys, str(other), str(CONTRACT_FILE)))
    assert "not an OpenAPI 3 document" in err


def test_broken_yaml_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.0\npaths: {\n", encoding="utf-8")
    err = _one_line_error(*_run(capsys, str(broken), str(CONTRACT_FILE)))
    assert "broken.yaml" in err


def test_broken_ref_is_a_one_line_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    contract = tmp_path / "contract.yaml"
    contract.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n"
        "      responses:\n        '200':\n          description: ok\n          content:\n"
        "            application/json:\n              schema: {$ref: 'missing.json'}\n",
        encoding="utf-8",
    )
    err = _one_line_error(*_run(capsys, str(contract), str(CONTRACT_FILE)))
    assert "missing.json" in err


def test_missing_file_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    err = _one_line_error(*_run(capsys, str(tmp_path / "nowhere.yaml"), str(CONTRACT_FILE)))
    assert "nowhere.yaml" in err


def test_module_entry_point_runs_diff_in_a_new_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nbkit", "diff", "--format", "json", *_pair("operation-added")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["changes"][0]["rule_id"] == "operation-added"
