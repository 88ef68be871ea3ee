"""`nbkit --version` prints the installed distribution's version."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest

from nbkit.cli import main


def test_version_is_the_distributions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"nbkit {importlib.metadata.version('nbkit')}\n"


def test_version_from_the_console_script_needs_no_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nbkit", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["nbkit", importlib.metadata.version("nbkit")]
