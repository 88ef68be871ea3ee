"""`nbkit contract check` end to end, as a user runs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from nbkit.contract import CONTRACTS_DIR, SCHEMAS_DIR


def _nbkit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nbkit", *args], capture_output=True, text=True, check=False
    )


def test_shipped_contract_checks_clean() -> None:
    result = _nbkit("contract", "check")
    assert result.returncode == 0, result.stderr
    assert "auth-table-consistent" in result.stdout
    assert "FAIL" not in result.stdout


def test_broken_copy_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    shutil.copytree(CONTRACTS_DIR, tmp_path / "contracts")
    shutil.copytree(SCHEMAS_DIR, tmp_path / "schemas")
    auth = tmp_path / "contracts" / "auth.yaml"
    auth.write_text(auth.read_text().replace("outcomes:", "outcomes: [", 1))
    result = _nbkit("contract", "check", "--root", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = result.stderr.strip().splitlines()
    assert errors and all(line.startswith("nbkit: error: ") for line in errors)
    assert f"{auth}#: not valid YAML or JSON (line" in errors[0]


def test_missing_root_is_a_one_line_error(tmp_path: Path) -> None:
    result = _nbkit("contract", "check", "--root", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert result.stderr.startswith("nbkit: error: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_subcommand_is_a_usage_error() -> None:
    result = _nbkit("contract", "frobnicate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
