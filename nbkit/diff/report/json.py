"""The JSON report: a summary and every change, keys in a fixed order."""

from __future__ import annotations

import json
from collections.abc import Sequence

from nbkit.diff.change import Change, Level
from nbkit.diff.report.summary import summarize

__all__ = ["render"]


def render(changes: Sequence[Change], *, fail_on: Level = Level.BREAKING) -> str:
    """`{"summary": {...}, "changes": [...]}`, indented, UTF-8."""
    summary = summarize(changes, fail_on=fail_on)
    document = {
        "summary": {
            "breaking": summary.breaking,
            "warning": summary.warning,
            "info": summary.info,
            "fail_on": str(summary.fail_on),
            "failed": summary.failed,
        },
        "changes": [
            {
                "rule_id": change.rule_id,
                "level": str(change.level),
                "direction": str(change.direction),
                "method": change.method,
                "path": change.path,
                "pointer": change.pointer,
                "before": change.before,
                "after": change.after,
            }
            for change in changes
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
