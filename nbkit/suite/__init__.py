"""The contract suite run against a target: pytest modules, the oracle, the report.

`nbkit test` runs the `test_*.py` modules of this package with pytest and the
`nbkit.pytest_plugin`; any project that installs nbkit can do the same with
`pytest --pyargs nbkit.suite` (the plugin loads through its `pytest11` entry point).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

__all__ = ["RUN_ORDER", "SUITE_DIR"]

SUITE_DIR: Final = Path(__file__).resolve().parent
# The modules in the order they run. A live key has one rate-limit window for the whole
# run: the targeted generation checks come first (a few videos), the live rate-limit
# check next (the rest of the window), the generated bodies last (schemathesis, to which
# a 429 is a documented answer). Run the other way round, the generated bodies used the
# window up and every targeted check was skipped.
RUN_ORDER: Final = (
    "test_auth",
    "test_transport",
    "test_generation",
    "test_lifecycle",
    "test_conformance",
)
