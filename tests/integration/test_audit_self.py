"""nbkit audits its own repository and finds nothing: its fixtures build keys at test time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_this_repository_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "audit.py", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
