"""The contract suite against the target of the NB_* variables (none set: the embedded mock).

`tox -e contract` runs it against the mock, `tox -e live` against a live API:
`nbkit test` must exit 0, its JUnit XML and Markdown summary must be written,
and its report must judge every auth method x documented case.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from nbkit.contract import load_auth_table

pytestmark = pytest.mark.slow

_TIMEOUT_SECONDS = 600


def test_target_conforms_to_the_contract(tmp_path: Path) -> None:
    junit, summary = tmp_path / "junit.xml", tmp_path / "summary.md"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbkit",
            "test",
            "--junit-xml",
            str(junit),
            "--summary",
            str(summary),
        ],
        capture_output=True,
        text=True,
        timeout=_TIMEOUT_SECONDS,
        env=dict(os.environ),
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    suites = ElementTree.parse(junit).getroot()
    assert len(list(suites.iter("testcase"))) > 100
    text = summary.read_text(encoding="utf-8")
    assert " conforms: " in text and "FAIL" not in text
    for method in load_auth_table().methods:
        assert f"\n{method.id} " in result.stdout
    assert "requests (budget" in result.stdout
