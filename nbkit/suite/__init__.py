"""The contract suite run against a target: pytest modules, the oracle, the report.

`nbkit test` runs the `test_*.py` modules of this package with pytest and the
`nbkit.pytest_plugin`; any project that installs nbkit can do the same with
`pytest --pyargs nbkit.suite` (the plugin loads through its `pytest11` entry point).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

__all__ = ["SUITE_DIR"]

SUITE_DIR: Final = Path(__file__).resolve().parent
