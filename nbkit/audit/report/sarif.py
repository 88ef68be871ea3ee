"""The SARIF 2.1.0 report that GitHub code scanning accepts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Final
from urllib.parse import quote

from nbkit.audit.classify import CLASSIFIERS
from nbkit.audit.finding import Finding, KeyVerdict, Suppression
from nbkit.types import JSON

__all__ = ["render"]

_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS: Final = {KeyVerdict.KEY: "error", KeyVerdict.OTHER_VENDOR: "warning"}
_INFO_URI: Final = "https://nanobananavideo.com/docs/authentication.php"


def _rule(index: int) -> dict[str, JSON]:
    row = CLASSIFIERS[index]
    return {
        "id": row.id,
        "name": "".join(part.title() for part in row.id.split("-")),
        "shortDescription": {"text": row.description},
        "defaultConfiguration": {"level": _LEVELS.get(row.verdict, "note")},
        "properties": {"verdict": str(row.verdict)},
    }


def _result(finding: Finding, index: dict[str, int]) -> dict[str, JSON]:
    loc = finding.location
    message = f"Nano Banana Video key {finding.redacted} (sha256 {finding.fingerprint[:16]}…)"
    result: dict[str, JSON] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": _LEVELS.get(finding.verdict, "note"),
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    # `!` is kept so archive members still read `outer.zip!inner/path`.
                    "artifactLocation": {
                        "uri": quote(loc.path, safe="/!"),
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": {"startLine": loc.line, "startColumn": loc.column},
                }
            }
        ],
        "partialFingerprints": {"nbkitKeySha256/v1": finding.fingerprint},
        "properties": {
            "redacted": finding.redacted,
            "fingerprint": finding.fingerprint,
            "encoding": finding.encoding,
            "commit": loc.commit,
            "author": loc.author,
            "date": loc.date,
            "status": finding.status,
        },
    }
    if finding.suppressed_by is not None:
        kind = "inSource" if finding.suppressed_by is Suppression.INLINE else "external"
        result["suppressions"] = [{"kind": kind, "justification": str(finding.suppressed_by)}]
    return result


def render(findings: Sequence[Finding]) -> str:
    """The findings as one SARIF 2.1.0 log with a single run."""
    index = {row.id: i for i, row in enumerate(CLASSIFIERS)}
    log = {
        "$schema": _SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "nbkit audit",
                        "informationUri": _INFO_URI,
                        "rules": [_rule(i) for i in range(len(CLASSIFIERS))],
                    }
                },
                "results": [_result(f, index) for f in findings],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
