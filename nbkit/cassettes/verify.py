"""Check recorded interactions against the contract and audit them for keys.

Each interaction goes through the contract's one table of conformance checks
(`nbkit.contract.CHECKS`); this module only reads cassettes and reports drift.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nbkit.cassettes.cassette import Interaction, cassette_files, load_cassette
from nbkit.contract import Exchange, Request, Response, deviations, locate
from nbkit.types import JSON

__all__ = [
    "Drift",
    "KeyFound",
    "Report",
    "audit_tree",
    "check_interaction",
    "check_paths",
    "check_tree",
    "exchange",
]


@dataclass(frozen=True, slots=True)
class Drift:
    """One way an interaction departs from the contract."""

    cassette: str
    interaction: str
    check: str
    expected: str
    recorded: str


def exchange(interaction: Interaction) -> Exchange:
    """An interaction as the conformance checks read it."""
    operation, method_documented = locate(interaction.method, interaction.path)
    try:
        body: JSON = (
            None if interaction.request_body is None else json.loads(interaction.request_body)
        )
    except ValueError:
        body = interaction.request_body
    request = Request(interaction.method, interaction.path, (), interaction.query, body)
    response = Response.from_text(interaction.status, interaction.headers, interaction.body)
    role = interaction.role
    return Exchange(
        operation, request, response, None if role is None else role.condition, method_documented
    )


def check_interaction(interaction: Interaction) -> tuple[Drift, ...]:
    """Every drift of one interaction, by the contract's conformance checks (CHECKS)."""
    return tuple(
        Drift(interaction.cassette, interaction.label, d.check, d.expected, d.seen)
        for d in deviations(exchange(interaction))
    )


@dataclass(frozen=True, slots=True)
class KeyFound:
    """A key the audit found in a cassette: where, its fingerprint and redacted form."""

    path: str
    line: int
    fingerprint: str
    redacted: str


@dataclass(frozen=True, slots=True)
class Report:
    """What `check` saw."""

    cassettes: int
    interactions: int
    drifts: tuple[Drift, ...]
    keys: tuple[KeyFound, ...]

    @property
    def clean(self) -> bool:
        return not self.drifts and not self.keys


def audit_tree(*roots: Path) -> tuple[KeyFound, ...]:
    """The keys the key audit finds under `roots` (files or folders), in one scan."""
    from nbkit.audit import Options, run_scan

    outcome = run_scan(Options(paths=tuple(str(root) for root in roots), use_ignore=False))
    return tuple(
        KeyFound(f.location.path, f.location.line, f.fingerprint, f.redacted)
        for f in outcome.reported
    )


def check_paths(roots: Sequence[Path]) -> Report:
    """Check every cassette under `roots` (folders or cassette files, as a pre-commit hook
    passes them) against the contract, then audit them all for keys."""
    drifts: list[Drift] = []
    cassettes = interactions = 0
    for root in roots:
        files = cassette_files(root)
        cassettes += len(files)
        for path in files:
            name = path.relative_to(root).as_posix() if path != root else path.as_posix()
            for interaction in load_cassette(path, name=name):
                interactions += 1
                drifts.extend(check_interaction(interaction))
    return Report(cassettes, interactions, tuple(drifts), audit_tree(*roots))


def check_tree(root: Path) -> Report:
    """Check every cassette under `root` against the contract, then audit them for keys."""
    return check_paths((root,))
