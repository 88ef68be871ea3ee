"""The Markdown report, ready to post as a pull-request comment."""

from __future__ import annotations

from collections.abc import Sequence

from nbkit.diff.change import Change, Level
from nbkit.diff.report.cells import place, value
from nbkit.diff.report.summary import summarize

__all__ = ["render"]


def _cell(text: str, *, code: bool = False) -> str:
    if not text:
        return ""
    # A pipe ends a cell even inside a code span; a newline ends the row.
    text = text.replace("|", "\\|").replace("\n", " ")
    if code and "`" not in text:
        return f"`{text}`"
    return text


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
            _cell(change.rule_id, code=True),
            _cell(change.operation, code=True),
            _cell(place(change), code=True),
            _cell(value(change.before), code=True),
            _cell(value(change.after), code=True),
        )
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Rules and levels: docs/diff-rules.md")
    return "\n".join(lines) + "\n"
