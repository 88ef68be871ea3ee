"""Turn one file's or blob's bytes into findings: archives opened, candidates classified.

Everything here runs inside worker processes too, so `Settings` is picklable
and the raw key leaves this module only in `Batch.keys`, which is filled for
--verify alone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from nbkit.audit.classify import Context, classify
from nbkit.audit.detect import (
    SNIFF_BYTES,
    Candidate,
    find_candidates,
    holds_no_candidate,
    is_binary,
)
from nbkit.audit.finding import Finding, Location, Problem, Suppression, Verdict, display_path
from nbkit.audit.sources.archive import Budget, Limits, archive_kind, members
from nbkit.audit.sources.tree import Entry, Subtree, walk_subtree
from nbkit.keys import PREFIX_BYTES, fingerprint, redact

__all__ = [
    "KEY_VERDICTS",
    "Batch",
    "Settings",
    "make_finding",
    "scan_content",
    "scan_entries",
    "scan_part",
]

KEY_VERDICTS: Final = frozenset({Verdict.KEY, Verdict.OTHER_VENDOR})
_STREAM_KINDS: Final = frozenset({"gzip", "bzip2", "xz"})
# Most files are smaller than this: one read() call, no fstat.
_FIRST_READ: Final = 1 << 16
_OPEN_FLAGS: Final = os.O_RDONLY | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True, slots=True)
class Settings:
    """What every worker needs to turn bytes into findings."""

    pattern: re.Pattern[bytes]
    context: Context
    max_file_size: int
    limits: Limits
    collect_keys: bool


@dataclass(slots=True)
class Batch:
    """What one worker found in its share of the input; batches add up."""

    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    bytes_read: int = 0
    # Fingerprint -> raw key, for --verify only; never printed, hence repr=False.
    keys: dict[str, bytes] = field(default_factory=dict, repr=False)

    def add(self, other: Batch) -> None:
        """Fold another batch into this one."""
        self.findings.extend(other.findings)
        self.problems.extend(other.problems)
        self.files += other.files
        self.bytes_read += other.bytes_read
        self.keys.update(other.keys)


def make_finding(
    found: Candidate, path: str, settings: Settings, keys: dict[str, bytes]
) -> Finding:
    """Classify one candidate; the raw key goes no further than fingerprint and redact."""
    body = found.value[len(PREFIX_BYTES) :].decode("ascii", "replace")
    row = classify(body, settings.context)
    digest = fingerprint(found.value)
    if settings.collect_keys and row.verdict in KEY_VERDICTS:
        keys[digest] = found.value
    location = Location(path, found.line, found.column)
    inline = Suppression.INLINE if found.allowed_inline and row.verdict in KEY_VERDICTS else None
    return Finding(
        row.id, row.verdict, location, redact(found.value), digest, found.encoding, inline
    )


def scan_content(
    data: bytes,
    path: str,
    settings: Settings,
    keys: dict[str, bytes],
    *,
    depth: int = 0,
    budget: Budget | None = None,
) -> tuple[list[Finding], list[Problem]]:
    """Findings and problems in one file's or blob's bytes, archives opened in memory."""
    kind = archive_kind(data)
    if kind is None:
        candidates = find_candidates(data, settings.pattern)
        return [make_finding(c, path, settings, keys) for c in candidates], []
    if depth >= settings.limits.max_depth:
        return [], [Problem(path, "archive nested too deep; not opened")]
    budget = Budget(settings.limits) if budget is None else budget
    findings: list[Finding] = []
    problems: list[Problem] = []
    for member in members(data, kind, path, limits=settings.limits, budget=budget):
        name = display_path(member.name)
        if member.data is None:
            problems.append(
                Problem(f"{path}!{name}" if name else path, member.problem or "skipped")
            )
            continue
        # A compressed tarball reads as `x.tar.gz!inner`, not `x.tar.gz!x.tar!inner`.
        inner = path if kind in _STREAM_KINDS and archive_kind(member.data) else f"{path}!{name}"
        found, trouble = scan_content(
            member.data, inner, settings, keys, depth=depth + 1, budget=budget
        )
        findings.extend(found)
        problems.extend(trouble)
    return findings, problems


def _read(entry: Entry, settings: Settings) -> bytes | Problem | None:
    """The file's bytes; None for binary content, which is skipped after its first block."""
    try:
        handle = os.open(entry.path, _OPEN_FLAGS)
    except OSError as err:
        return Problem(entry.display, f"cannot read ({err.strerror or type(err).__name__})", True)
    try:
        data = os.read(handle, _FIRST_READ)
        size = len(data) if len(data) < _FIRST_READ else os.fstat(handle).st_size
        if size > settings.max_file_size:
            return Problem(entry.display, f"larger than --max-file-size ({size} bytes); skipped")
        # The NUL test first: text has none, and most files are text.
        if data.find(b"\x00", 0, SNIFF_BYTES) >= 0 and is_binary(data) and not archive_kind(data):
            return None
        left = size - len(data)
        if left <= 0:
            return data
        chunks = [data]
        while left > 0 and (chunk := os.read(handle, left)):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError as err:
        return Problem(entry.display, f"cannot read ({err.strerror or type(err).__name__})", True)
    finally:
        os.close(handle)


def scan_entries(items: Iterable[Entry | Problem], settings: Settings) -> Batch:
    """Read and scan files; problems met on the walk are kept, and unreadable files become
    problems while the rest go on."""
    batch = Batch()
    problems = batch.problems
    files = bytes_read = 0
    for item in items:
        if isinstance(item, Problem):
            problems.append(item)
            continue
        data = _read(item, settings)
        if data is None:  # binary
            files += 1
            continue
        if isinstance(data, Problem):
            problems.append(data)
            continue
        files += 1
        bytes_read += len(data)
        if holds_no_candidate(data) and archive_kind(data) is None:
            continue  # most files: plain text without a marker
        found, trouble = scan_content(data, item.display, settings, batch.keys)
        batch.findings.extend(found)
        problems.extend(trouble)
    batch.files = files
    batch.bytes_read = bytes_read
    return batch


def scan_part(part: Subtree | list[Entry | Problem], settings: Settings) -> Batch:
    """Scan a share of a tree: a subtree, walked here, or files already found."""
    return scan_entries(walk_subtree(part) if isinstance(part, Subtree) else part, settings)
