"""What the suite saw: one observation per probe, folded into the auth matrix of the report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from nbkit.suite.oracle import CaseVerdict

__all__ = ["Failure", "Observation", "Recorder", "Row"]

_SHOWN: int = 3


@dataclass(frozen=True, slots=True)
class Observation:
    """One auth probe: which method and case, under which label, what came back, the verdict."""

    method: str
    case: str
    label: str
    operation: str
    expected: str
    observed: str
    verdict: CaseVerdict
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Failure:
    """A failed check of the suite: its test id and the first line of why."""

    test: str
    reason: str


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the auth matrix: a method and a case, over every operation."""

    method: str
    case: str
    label: str
    expected: str
    observed: str
    verdict: CaseVerdict


_RANK = {CaseVerdict.FAIL: 0, CaseVerdict.OPEN: 1, CaseVerdict.PASS: 2, CaseVerdict.SKIP: 3}


@dataclass(slots=True)
class Recorder:
    """Collects observations, skipped cells and failures during one run."""

    observations: list[Observation] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def add(self, observation: Observation) -> None:
        self.observations.append(observation)

    def settle(self, observation: Observation, *, where: str) -> None:
        """Add an observation; a failed one fails the calling check, saying where."""
        self.add(observation)
        if observation.verdict == CaseVerdict.FAIL:
            raise AssertionError(f"{where}: {observation.reason}; observed {observation.observed}")

    def skip(self, *, method: str, case: str, label: str, operation: str, reason: str) -> None:
        """A cell that could not run, with the reason (a missing variable, no spending)."""
        self.add(Observation(method, case, label, operation, "", reason, CaseVerdict.SKIP, reason))

    def rows(self) -> list[Row]:
        """The auth matrix: one row per (method, case), worst verdict first within the row."""
        cells: dict[tuple[str, str], list[Observation]] = {}
        for o in self.observations:
            cells.setdefault((o.method, o.case), []).append(o)
        rows = []
        for (method, case), seen in cells.items():
            verdict = min((o.verdict for o in seen), key=_RANK.__getitem__)
            expected = " / ".join(dict.fromkeys(o.expected for o in seen if o.expected)) or "-"
            shown = (
                [o for o in seen if o.verdict == verdict] if verdict == CaseVerdict.FAIL else seen
            )
            counts = Counter(
                f"{o.observed} ({o.operation})" if verdict == CaseVerdict.FAIL else o.observed
                for o in shown
            )
            parts = [f"{text} x{n}" if n > 1 else text for text, n in counts.most_common(_SHOWN)]
            if len(counts) > _SHOWN:
                parts.append(f"+{len(counts) - _SHOWN} more")
            rows.append(Row(method, case, seen[0].label, expected, "; ".join(parts), verdict))
        return sorted(rows, key=lambda r: (r.method, r.case))

    def open_behaviours(self) -> list[tuple[str, str, str, str]]:
        """(open question, method and case, operation, observed) for every distinct open answer."""
        found = {
            (o.label, f"{o.method} {o.case}", o.operation, o.observed)
            for o in self.observations
            if o.verdict == CaseVerdict.OPEN
        }
        return sorted(found)

    @property
    def deviates(self) -> bool:
        """Whether anything failed."""
        return bool(self.failures) or any(o.verdict == CaseVerdict.FAIL for o in self.observations)
