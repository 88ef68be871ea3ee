"""The Markdown report, ready to post as a pull-request comment."""

from __future__ import annotations

from collections.abc import Sequence

from nbkit.diff.change import Change, Level
from nbkit.diff.report.cells import place, value
from nbkit.diff.report.summary import summarize
from nbkit.report import cell

__all__ = ["render"]


def render(changes: Sequence[Change], *, fail_on: Level = Level.BREAKING) -> str:
    """A heading with the counts, then one table row per change."""
    summary = summarize(changes, fail_on=fail_on)
    lines = [f"### nbkit diff: {summary.line()}", ""]
    if not changes:
        lines.append("No changes to the contract.")
        return "\n".join(lines) + "\n"
    lines.append("| Level | Rule | Operation | Where | Before | After |")
    lines.append("| --- | --- | --- | --- | --- | --- |")
    for change in changes:
        level = f"**{change.level}**" if change.level is Level.BREAKING else str(change.level)
        cells = (
            level,
            cell(change.rule_id, code=True),
            cell(change.operation, code=True),
            cell(place(change), code=True),
            cell(value(change.before), code=True),
            cell(value(change.after), code=True),
        )
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Rules and levels: docs/diff-rules.md")
    return "\n".join(lines) + "\n"
