"""The JSON report: one document, keys in a fixed order on every run."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Final

from nbkit.audit.finding import Finding
from nbkit.types import JSON

__all__ = ["as_dict", "render"]

_VERSION: Final = 1


def as_dict(finding: Finding) -> dict[str, JSON]:
    """One finding as a JSON object; an archive member's path reads `outer.zip!inner/path`."""
    loc = finding.location
    return {
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "commit": loc.commit,
        "author": loc.author,
        "date": loc.date,
        "rule_id": finding.rule_id,
        "verdict": str(finding.verdict),
        "redacted": finding.redacted,
        "fingerprint": finding.fingerprint,
        "encoding": finding.encoding,
        "suppressed_by": None if finding.suppressed_by is None else str(finding.suppressed_by),
        "status": finding.status,
    }


# json's C encoder runs only without `indent`: a report of 100,000 findings took seconds
# in the pure-Python indenting one. Each finding is one line instead.
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False)


def render(findings: Sequence[Finding]) -> str:
    """The findings as a JSON document, one finding per line."""
    rows = ",\n".join("    " + _ENCODER.encode(as_dict(f)) for f in findings)
    body = f"[\n{rows}\n  ]" if rows else "[]"
    return f'{{\n  "version": {_VERSION},\n  "tool": "nbkit audit",\n  "findings": {body}\n}}\n'
