"""Without an extra's packages, nbkit says what to install instead of failing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run_without(module: str, call: str) -> subprocess.CompletedProcess[str]:
    # A fresh interpreter in which importing `module` fails, as if it were not installed.
    code = f"import sys; sys.modules[{module!r}] = None; sys.path.insert(0, {str(ROOT)!r}); {call}"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_a_command_without_its_extra_names_the_extra(tmp_path: Path) -> None:
    result = _run_without(
        "hyperscan", f"from nbkit.cli import main; sys.exit(main(['audit', {str(tmp_path)!r}]))"
    )
    assert result.returncode == 2
    assert "hyperscan is not installed: pip install 'nbkit[audit]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_other_commands_and_help_still_work_without_an_extra() -> None:
    result = _run_without("httpx", "from nbkit.cli import main; sys.exit(main(['--help']))")
    assert result.returncode == 0 and "mock" in result.stdout and "audit" in result.stdout
    result = _run_without(
        "httpx", "from nbkit.cli import main; sys.exit(main(['mock', '--port', '1']))"
    )
    assert result.returncode == 2
    assert "httpx is not installed: pip install 'nbkit[suite]'" in result.stderr


def test_audit_py_without_hyperscan_names_the_extra(tmp_path: Path) -> None:
    result = _run_without(
        "hyperscan", f"from nbkit.cli.audit import main; sys.exit(main([{str(tmp_path)!r}]))"
    )
    assert result.returncode == 2
    assert "pip install 'nbkit[audit]'" in result.stderr
