"""The counts every report format prints: how many changes of each level, and the verdict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nbkit.diff.change import Change, Level, meets

__all__ = ["Summary", "summarize"]


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts by level and whether the run fails at the `--fail-on` threshold."""

    breaking: int
    warning: int
    info: int
    fail_on: Level
    failed: bool

    def line(self) -> str:
        """`2 breaking, 1 warning, 5 info (fails at --fail-on breaking)`."""
        verdict = "fails" if self.failed else "passes"
        return (
            f"{self.breaking} breaking, {self.warning} warning, {self.info} info"
            f" ({verdict} at --fail-on {self.fail_on})"
        )


def summarize(changes: Sequence[Change], *, fail_on: Level) -> Summary:
    """Count the changes and apply the threshold."""
    counts = {level: 0 for level in Level}
    for change in changes:
        counts[change.level] += 1
    failed = any(meets(change.level, fail_on) for change in changes)
    return Summary(
        counts[Level.BREAKING], counts[Level.WARNING], counts[Level.INFO], fail_on, failed
    )
