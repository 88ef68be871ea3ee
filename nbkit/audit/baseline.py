"""Baselines: the known findings, as (fingerprint, path) pairs, so only new ones fail CI.

No line numbers are stored, so an edit above a known key does not re-report
it; no key is stored, only its SHA-256 fingerprint, and the path is stored with
key-shaped runs redacted (a folder named after a key), on both sides of the match.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from nbkit.audit.finding import Finding
from nbkit.errors import InputError
from nbkit.keys import redact_text
from nbkit.report.formats import replace_file

__all__ = ["Baseline", "identity", "load_baseline", "render_baseline", "write_baseline"]

_VERSION: Final = 1
Baseline = frozenset[tuple[str, str]]


def load_baseline(path: Path) -> Baseline:
    """The (fingerprint, path) pairs of a baseline file."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(
            f"{path}: cannot read baseline ({err.strerror}); create it with --update-baseline"
        ) from err
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: not valid JSON ({err}); rerun with --update-baseline") from err
    rows = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(rows, list) or document.get("version") != _VERSION:
        raise InputError(
            f"{path}: not an nbkit baseline (version {_VERSION}); rerun with --update-baseline"
        )
    pairs: set[tuple[str, str]] = set()
    for row in rows:
        if not isinstance(row, dict) or not all(
            isinstance(row.get(k), str) for k in ("fingerprint", "path")
        ):
            raise InputError(f"{path}: each finding needs string fingerprint and path")
        # Redacted here too: a baseline written before paths were redacted still matches.
        pairs.add((row["fingerprint"], redact_text(row["path"])))
    return frozenset(pairs)


def identity(finding: Finding) -> tuple[str, str]:
    """What a baseline knows a finding by: its fingerprint and its redacted path."""
    return finding.fingerprint, redact_text(finding.location.path)


def render_baseline(findings: Iterable[Finding]) -> str:
    """The baseline document for these findings: sorted, so it diffs cleanly."""
    rows = sorted({(identity(f)[1], f.fingerprint, f.rule_id) for f in findings})
    document = {
        "version": _VERSION,
        "tool": "nbkit audit",
        "findings": [{"path": p, "fingerprint": fp, "rule_id": rule} for p, fp, rule in rows],
    }
    return redact_text(json.dumps(document, indent=2)) + "\n"


def write_baseline(path: Path, findings: Iterable[Finding]) -> None:
    """Write the baseline atomically, so an interrupted run leaves the old one intact."""
    try:
        replace_file(path, render_baseline(findings).encode("utf-8"))
    except OSError as err:
        raise InputError(f"{path}: cannot write baseline ({err.strerror})") from err
