"""The default report: a plain-text table (tabulate) and a summary line."""

from __future__ import annotations

from collections.abc import Sequence

from tabulate import tabulate

from nbkit.diff.change import Change, Level
from nbkit.diff.report.cells import place, value
from nbkit.diff.report.summary import summarize

__all__ = ["render"]

_HEADERS = ("level", "rule", "operation", "where", "before", "after")


def render(changes: Sequence[Change], *, fail_on: Level = Level.BREAKING) -> str:
    """One row per change, then the counts."""
    summary = summarize(changes, fail_on=fail_on).line()
    if not changes:
        return f"no changes\n{summary}\n"
    rows = [
        (
            change.level,
            change.rule_id,
            change.operation,
            place(change),
            value(change.before),
            value(change.after),
        )
        for change in changes
    ]
    return f"{tabulate(rows, headers=_HEADERS, disable_numparse=True)}\n\n{summary}\n"
