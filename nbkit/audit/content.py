"""Turn one file's or blob's bytes into findings: archives opened, candidates classified.

Everything here runs inside worker processes too, so `Settings` is picklable
and the raw key leaves this module only in `Batch.keys`, which is filled for
--verify alone.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final, TypeVar

from nbkit.audit.classify import Context, classify
from nbkit.audit.detect import SNIFF_BYTES, Candidate, find_candidates, is_binary
from nbkit.audit.finding import Finding, Location, Problem, Suppression, Verdict, display_path
from nbkit.audit.sources.archive import Budget, Limits, archive_kind, members
from nbkit.audit.sources.tree import Entry
from nbkit.keys import PREFIX_BYTES, fingerprint, redact

__all__ = [
    "KEY_VERDICTS",
    "Batch",
    "Settings",
    "make_finding",
    "parallel_map",
    "scan_content",
    "scan_entries",
]

KEY_VERDICTS: Final = frozenset({Verdict.KEY, Verdict.OTHER_VENDOR})
_STREAM_KINDS: Final = frozenset({"gzip", "bzip2", "xz"})
# Most files are smaller than this: one read() call, no fstat.
_FIRST_READ: Final = 1 << 16
_OPEN_FLAGS: Final = os.O_RDONLY | getattr(os, "O_BINARY", 0)
_Task = TypeVar("_Task")
_Result = TypeVar("_Result")


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
        if is_binary(data[:SNIFF_BYTES]) and archive_kind(data) is None:
            return None
        if len(data) < _FIRST_READ:
            return data
        with os.fdopen(os.dup(handle), "rb") as rest:
            return data + rest.read()
    except OSError as err:
        return Problem(entry.display, f"cannot read ({err.strerror or type(err).__name__})", True)
    finally:
        os.close(handle)


def scan_entries(entries: Iterable[Entry], settings: Settings) -> Batch:
    """Read and scan files; unreadable ones become problems and the rest go on."""
    batch = Batch()
    for entry in entries:
        data = _read(entry, settings)
        if isinstance(data, Problem):
            batch.problems.append(data)
            continue
        batch.files += 1
        if data is None:
            continue
        batch.bytes_read += len(data)
        found, trouble = scan_content(data, entry.display, settings, batch.keys)
        batch.findings.extend(found)
        batch.problems.extend(trouble)
    return batch


_worker_settings: Settings | None = None


def _init_worker(settings: Settings) -> None:
    global _worker_settings  # one value per worker process, set once when it starts
    _worker_settings = settings


def _call(function: Callable[[_Task, Settings], _Result], task: _Task) -> _Result:
    assert _worker_settings is not None
    return function(task, _worker_settings)


def parallel_map(
    function: Callable[[_Task, Settings], _Result],
    tasks: Iterable[_Task],
    settings: Settings,
    jobs: int,
) -> Iterator[_Result]:
    """function(task, settings) for every task, over `jobs` worker processes, in any order."""
    import multiprocessing  # small scans never start workers, so never pay for the import
    import threading

    # fork hands the settings to the workers for free, but forking a process that runs
    # threads (a test server, say) can deadlock; then forkserver, which pickles them.
    method = None
    if sys.platform.startswith("linux"):
        method = "fork" if threading.active_count() == 1 else "forkserver"
    context = multiprocessing.get_context(method)
    with context.Pool(jobs, _init_worker, (settings,)) as pool:
        yield from pool.imap_unordered(functools.partial(_call, function), tasks)
