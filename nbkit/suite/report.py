"""The end-of-run report: auth matrix, open behaviours seen, failures; as text or Markdown."""

from __future__ import annotations

import re
import shutil
import textwrap
from dataclasses import dataclass

from tabulate import tabulate

from nbkit.report import cell
from nbkit.suite.oracle import CaseVerdict
from nbkit.suite.record import Recorder, Row

__all__ = ["RunInfo", "render_markdown", "render_text"]

_HEADERS = ("method", "case", "label", "expected", "observed", "verdict")
# The width when the output is no terminal (a file, a pipe, CI's log).
_DEFAULT_WIDTH = 120
# The narrowest the expected and observed columns get, however narrow the terminal.
_MIN_TEXT_COLUMN = 12
# tabulate's "simple" format: two spaces between columns.
_GAP = 2
_ORDER = {CaseVerdict.FAIL: 0, CaseVerdict.OPEN: 1, CaseVerdict.SKIP: 2, CaseVerdict.PASS: 3}
_OPEN_HEADERS = ("open question", "request", "operation", "observed")


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What the run was: the target (no key), the profile, requests sent, seconds, the outcome."""

    target: str
    profile: str
    requests: int
    max_requests: int
    max_rate: float | None
    seconds: float
    passed: int
    failed: int
    skipped: int
    # Failed tests of the user's own, outside nbkit's suite: never a verdict on the target.
    own_failed: int = 0


def _matrix(recorder: Recorder) -> list[tuple[str, ...]]:
    return [
        (r.method, r.case, r.label, r.expected, r.observed, str(r.verdict)) for r in recorder.rows()
    ]


def _summary_line(info: RunInfo, recorder: Recorder) -> str:
    verdict = "DEVIATES from the contract" if recorder.deviates else "conforms"
    own = f" ({info.own_failed} of them your own tests)" if info.own_failed else ""
    return (
        f"target {info.target} {verdict}: {info.passed} passed, {info.failed} failed{own}, "
        f"{info.skipped} skipped; {info.requests} requests (budget {info.max_requests}"
        f"{f', at most {info.max_rate:g}/s' if info.max_rate else ''}) "
        f"in {info.seconds:.1f} s, profile {info.profile}"
    )


def _column_widths(rows: list[Row], width: int) -> list[int | None]:
    """tabulate's maxcolwidths: expected and observed share what the other columns leave."""
    fixed = [
        max(len(header), *(len(str(getattr(r, name))) for r in rows))
        for header, name in zip(
            _HEADERS, ("method", "case", "label", "", "", "verdict"), strict=True
        )
        if name
    ]
    free = width - sum(fixed) - _GAP * (len(_HEADERS) - 1)
    text = max(_MIN_TEXT_COLUMN, free // 2)
    return [None, None, None, text, text, None]


def _passing(rows: list[Row], width: int) -> list[str]:
    """Passing rows condensed: one wrapped line per method naming its passing cases."""
    by_method: dict[str, list[str]] = {}
    for r in rows:
        by_method.setdefault(r.method, []).append(r.case)
    return [
        textwrap.fill(
            f"{method} pass ({len(cases)}): {', '.join(cases)}",
            width=width,
            subsequent_indent="    ",
            break_on_hyphens=False,
        )
        for method, cases in by_method.items()
    ]


def _fill_summary(summary: str, width: int) -> str:
    """The summary line broken only after its clauses (target and verdict, counts, requests)."""
    lines, line = [], ""
    for clause in re.split(r"(?<=: )|(?<=; )", summary, maxsplit=2):
        if line and len(line) + len(clause) > width:
            lines.append(line.rstrip())
            line = "  "
        line += clause
    return "\n".join([*lines, line])


def render_text(recorder: Recorder, info: RunInfo, *, width: int | None = None) -> str:
    """The report for a terminal of `width` columns (default: this terminal's).

    Failing, open and skipped rows come first, in full; passing rows are condensed
    to one line per method.
    """
    if width is None:
        width = shutil.get_terminal_size((_DEFAULT_WIDTH, 24)).columns
    parts = ["nbkit contract suite: auth methods x cases"]
    rows = recorder.rows()
    judged = sorted(
        (r for r in rows if r.verdict != CaseVerdict.PASS),
        key=lambda r: (_ORDER[r.verdict], r.method, r.case),
    )
    if judged:
        table = [
            (r.method, r.case, r.label, r.expected, r.observed, str(r.verdict)) for r in judged
        ]
        widths = _column_widths(judged, width)
        parts.append(tabulate(table, headers=_HEADERS, tablefmt="simple", maxcolwidths=widths))
    passing = [r for r in rows if r.verdict == CaseVerdict.PASS]
    if passing:
        parts.append("\n".join(_passing(passing, width)))
    if recorder.open_behaviours():
        parts.append("undocumented behaviour observed (reported, not asserted):")
        opened = recorder.open_behaviours()
        fixed = sum(
            max(len(h), *(len(row[i]) for row in opened)) for i, h in enumerate(_OPEN_HEADERS[:3])
        )
        last = max(_MIN_TEXT_COLUMN, width - fixed - _GAP * 3)
        parts.append(tabulate(opened, headers=_OPEN_HEADERS, maxcolwidths=[None, None, None, last]))
    if recorder.failures:
        parts.append("failures:")
        parts.extend(
            textwrap.fill(
                f"{f.test}: {f.reason}", width, initial_indent="  ", subsequent_indent="    "
            )
            for f in recorder.failures
        )
    parts.append(_fill_summary(_summary_line(info, recorder), width))
    return "\n\n".join(parts) + "\n"


def render_markdown(recorder: Recorder, info: RunInfo) -> str:
    """The report as GitHub-flavoured Markdown, for $GITHUB_STEP_SUMMARY."""
    parts = ["## nbkit contract suite", _summary_line(info, recorder)]
    if recorder.failures:
        parts.append("### Failures")
        parts.append("\n".join(f"- `{f.test}`: {cell(f.reason)}" for f in recorder.failures))
    if recorder.observations:
        parts.append("### Auth methods x cases")
        rows = [tuple(cell(c) for c in row) for row in _matrix(recorder)]
        parts.append(tabulate(rows, headers=_HEADERS, tablefmt="github"))
    if recorder.open_behaviours():
        parts.append("### Undocumented behaviour observed (reported, not asserted)")
        rows = [tuple(cell(c) for c in row) for row in recorder.open_behaviours()]
        parts.append(tabulate(rows, headers=_OPEN_HEADERS, tablefmt="github"))
    return "\n\n".join(parts) + "\n"
