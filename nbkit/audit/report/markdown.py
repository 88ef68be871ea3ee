"""The Markdown report: a GitHub table for pull-request comments and job summaries."""

from __future__ import annotations

from collections.abc import Sequence

from nbkit.audit.finding import Finding
from nbkit.audit.report.table import rows
from nbkit.report import cell

__all__ = ["render"]


def render(findings: Sequence[Finding]) -> str:
    """A Markdown section with a table of the findings."""
    if not findings:
        return "## nbkit audit\n\nNo keys found.\n"
    headers = ("Location", "Rule", "Key", "Fingerprint", "Commit", "Note")
    cells = [tuple(cell(text, code=True) for text in row) for row in rows(findings)]
    from tabulate import tabulate  # imported late: it costs start-up time on clean runs

    table = tabulate(cells, headers=headers, tablefmt="github", disable_numparse=True)
    return f"## nbkit audit\n\n{len(findings)} finding(s).\n\n{table}\n"
