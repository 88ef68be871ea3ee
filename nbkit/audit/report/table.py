"""The default report: a plain-text table, one finding a row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from nbkit.audit.finding import Finding

__all__ = ["render", "rows"]

_HEADERS: Final = ("location", "rule", "key", "fingerprint", "commit", "note")


def _note(finding: Finding) -> str:
    parts = [finding.status or "", finding.suppressed_by or ""]
    if finding.encoding != "raw":
        parts.append(finding.encoding)
    return ", ".join(part for part in parts if part)


def rows(findings: Sequence[Finding]) -> list[tuple[str, ...]]:
    """The cells of each finding, shared by the table and Markdown reports."""
    return [
        (
            f"{f.location.path}:{f.location.line}:{f.location.column}",
            f.rule_id,
            f.redacted,
            f.fingerprint[:16],
            (f.location.commit or "")[:12],
            _note(f),
        )
        for f in findings
    ]


def render(findings: Sequence[Finding]) -> str:
    """A table of the findings, or a one-line all-clear."""
    if not findings:
        return "nbkit audit: no keys found\n"
    from tabulate import tabulate  # imported late: it costs start-up time on clean runs

    return tabulate(rows(findings), headers=_HEADERS, disable_numparse=True) + "\n"
