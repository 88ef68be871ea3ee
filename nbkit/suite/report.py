"""The end-of-run report: auth matrix, open behaviours seen, failures; as text or Markdown."""

from __future__ import annotations

from dataclasses import dataclass

from tabulate import tabulate

from nbkit.report import cell
from nbkit.suite.record import Recorder

__all__ = ["RunInfo", "render_markdown", "render_text"]

_HEADERS = ("method", "case", "label", "expected", "observed", "verdict")
_WIDTHS = [None, None, None, 44, 44, None]
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


def render_text(recorder: Recorder, info: RunInfo) -> str:
    """The report for a terminal."""
    parts = ["nbkit contract suite: auth methods x cases"]
    if recorder.observations:
        parts.append(
            tabulate(_matrix(recorder), headers=_HEADERS, tablefmt="simple", maxcolwidths=_WIDTHS)
        )
    if recorder.open_behaviours():
        parts.append("undocumented behaviour observed (reported, not asserted):")
        parts.append(tabulate(recorder.open_behaviours(), headers=_OPEN_HEADERS))
    if recorder.failures:
        parts.append("failures:")
        parts.extend(f"  {f.test}: {f.reason}" for f in recorder.failures)
    parts.append(_summary_line(info, recorder))
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
