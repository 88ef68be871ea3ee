"""Turn one file's or blob's bytes into findings: archives opened, candidates classified.

Everything here runs inside worker processes too, so `Settings` is picklable
and the raw key leaves this module only in `Batch.keys`, which is filled for
--verify alone.

Memory per process is bounded: a file is read whole up to --max-file-size and
in overlapping chunks beyond; an archive member is inflated chunk by chunk and
held whole only when it is itself an archive of at most IN_MEMORY bytes.
"""

from __future__ import annotations

import codecs
import errno
import functools
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import BinaryIO, Final

from nbkit.audit.classify import Context, classify
from nbkit.audit.decode import MAX_CANDIDATE_BYTES
from nbkit.audit.detect import Candidate, find_candidates
from nbkit.audit.finding import (
    Finding,
    KeyVerdict,
    Location,
    ScanProblem,
    Suppression,
    display_path,
)
from nbkit.audit.sources.archive import (
    STREAMABLE,
    ArchiveLimit,
    Budget,
    Limits,
    Member,
    Prepended,
    Readable,
    archive_kind,
    members,
    read_errors,
)
from nbkit.audit.sources.tree import NOT_REGULAR, Entry, Subtree, walk_subtree
from nbkit.keys import PREFIX_BYTES, fingerprint, redact

__all__ = [
    "CHUNK_SIZE",
    "IN_MEMORY",
    "KEY_VERDICTS",
    "MIN_CHUNK",
    "OVERLAP",
    "Batch",
    "Settings",
    "make_finding",
    "read_up_to",
    "scan_chunks",
    "scan_content",
    "scan_entries",
    "scan_part",
]

KEY_VERDICTS: Final = frozenset({KeyVerdict.KEY, KeyVerdict.OTHER_VENDOR})
_MIB: Final = 1024 * 1024
_OPEN_FLAGS: Final = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
_OPEN_NO_FOLLOW: Final = _OPEN_FLAGS | getattr(os, "O_NOFOLLOW", 0)
# Streams and files over the size limit are read in chunks of this size (a multiple of
# four, so that UTF-16 and UTF-32 text stays aligned), each searched with OVERLAP bytes of
# the next (at least the longest candidate, UTF-32 taking four bytes a character) and
# _LOOK_BEHIND of the previous.
CHUNK_SIZE: Final = 8 * _MIB
OVERLAP: Final = 4 * MAX_CANDIDATE_BYTES
_LOOK_BEHIND: Final = 32
# How far before that the next chunk may start, to begin at a character: multiples of
# four first, then of two.
_CUT_STEPS: Final = (0, 4, 8, 12, 2, 6, 10)
MIN_CHUNK: Final = 2 * _LOOK_BEHIND
_PIECE: Final = 1 << 16
_READ_PIECE: Final = 1 << 20
# A member that is itself an archive is opened in memory up to this size.
IN_MEMORY: Final = 16 * _MIB
_HEAD: Final = 1 << 16
_NESTED_TOO_BIG: Final = (
    f"nested zip over {IN_MEMORY // _MIB} MiB; not opened, its bytes scanned as they are"
)
_TOO_DEEP: Final = "archive nested too deep; not opened"


@dataclass(frozen=True, slots=True)
class Settings:
    """What every worker needs to turn bytes into findings."""

    pattern: re.Pattern[bytes]
    context: Context
    max_file_size: int
    limits: Limits
    collect_keys: bool
    chunk_size: int = CHUNK_SIZE


@dataclass(slots=True)
class Batch:
    """What one worker found in its share of the input; batches add up."""

    findings: list[Finding] = field(default_factory=list)
    problems: list[ScanProblem] = field(default_factory=list)
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


def _owned(
    data: bytes,
    own: tuple[int, int],
    path: str,
    settings: Settings,
    keys: dict[str, bytes],
    at: tuple[int, int],
) -> list[Finding]:
    """Findings that start in data[own[0]:own[1]], placed after `at` = (lines, columns) before
    data[0]: the chunk's own part; the rest belongs to its neighbours."""
    lines, columns = at
    found: list[Finding] = []
    for candidate in find_candidates(data, settings.pattern):
        if own[0] <= candidate.offset < own[1]:
            column = candidate.column + columns if candidate.line == 1 else candidate.column
            moved = replace(candidate, line=candidate.line + lines, column=column)
            found.append(make_finding(moved, path, settings, keys))
    return found


def _advance(data: bytes, cut: int, at: tuple[int, int]) -> tuple[int, int]:
    """(lines, columns) before data[cut], given those before data[0]."""
    newlines = data.count(b"\n", 0, cut)
    # Characters after the last newline, counted in pieces: a chunk with no newline (a
    # minified bundle) is not copied or decoded whole.
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    tail = 0
    for start in range(data.rfind(b"\n", 0, cut) + 1, cut, _PIECE):
        piece = data[start : min(start + _PIECE, cut)]
        tail += len(piece) if piece.isascii() else len(decoder.decode(piece))
    tail += len(decoder.decode(b"", final=True))
    return at[0] + newlines, tail if newlines else at[1] + tail


def _cut(data: bytes, cut: int) -> int:
    """Where the next chunk starts: at or a few bytes before `cut`, not inside a UTF-8
    character (columns would count it twice), and at an offset that keeps UTF-32 (four
    bytes) aligned, or else UTF-16 (two)."""
    for back in _CUT_STEPS:
        if not 0x80 <= data[cut - back] < 0xC0:
            return cut - back
    return cut


def scan_chunks(
    first: bytes,
    read: Callable[[int], bytes],
    path: str,
    settings: Settings,
    keys: dict[str, bytes],
    findings: list[Finding],
) -> int:
    """Scan a stream of any length in chunks of settings.chunk_size that overlap.

    Each chunk is searched with OVERLAP bytes after it (no candidate is longer) and
    _LOOK_BEHIND before it (for the boundary check), and reports only the candidates
    that start in it, so none is lost or reported twice at an edge. Memory stays at
    a chunk and its overlap. Returns the bytes read.
    """
    size = max(settings.chunk_size, MIN_CHUNK) // 4 * 4
    parts = [first]
    held = len(first)
    own_from, at, total, done = 0, (0, 0), 0, False
    while True:
        while held < own_from + size + OVERLAP and not done:
            # In pieces: a decompressor's read(n) holds about twice n while it works.
            part = read(min(own_from + size + OVERLAP - held, _READ_PIECE))
            done = not part
            parts.append(part)
            held += len(part)
        data = b"".join(parts) if len(parts) > 1 else parts[0]
        own_to = len(data) if done and len(data) <= own_from + size else own_from + size
        findings.extend(_owned(data, (own_from, own_to), path, settings, keys, at))
        if own_to >= len(data):
            return total + len(data)
        cut = _cut(data, own_to - _LOOK_BEHIND)
        at = _advance(data, cut, at)
        total += cut
        parts, held, own_from = [data[cut:]], len(data) - cut, own_to - cut
        del data  # before the next chunk is read: one chunk held at a time


def read_up_to(read: Callable[[int], bytes], limit: int) -> bytes:
    """Up to limit bytes from read(n), which may return less than asked before the end."""
    parts: list[bytes] = []
    left = limit
    while left > 0 and (part := read(left)):
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


class _Salvage:
    """A member's stream that ends, instead of raising, at a limit or a corrupt tail, so
    that what came before is still searched; the failure is raised after that."""

    __slots__ = ("failure", "inner")

    def __init__(self, inner: Readable) -> None:
        self.inner = inner
        self.failure: BaseException | None = None

    def read(self, size: int = -1, /) -> bytes:
        if self.failure is not None:
            return b""
        try:
            return self.inner.read(size)
        except (ArchiveLimit, *read_errors()) as err:  # type: ignore[misc]
            self.failure = err
            return b""


def _scan_member(
    member: Member,
    shown: str,
    nested: str,
    settings: Settings,
    keys: dict[str, bytes],
    found: tuple[list[Finding], list[ScanProblem]],
    depth: int,
    budget: Budget,
) -> None:
    assert member.stream is not None
    stream = _Salvage(member.stream)
    try:
        _search_member(stream, shown, nested, settings, keys, found, depth, budget)
    finally:
        failure = stream.failure
    if failure is not None:
        raise failure


def _search_member(
    stream: Readable,
    shown: str,
    nested: str,
    settings: Settings,
    keys: dict[str, bytes],
    found: tuple[list[Finding], list[ScanProblem]],
    depth: int,
    budget: Budget,
) -> None:
    head = read_up_to(stream.read, _HEAD)
    kind = archive_kind(head)
    if kind is not None:
        head += read_up_to(stream.read, IN_MEMORY + 1 - len(head))
        as_bytes = False  # a big zip cannot be opened from a stream: its bytes are searched
        if len(head) <= IN_MEMORY:
            more, trouble = scan_content(
                head, nested, settings, keys, depth=depth + 1, budget=budget
            )
        elif kind not in STREAMABLE:
            more, trouble = [], [ScanProblem(shown, _NESTED_TOO_BIG)]
            as_bytes = True
        elif depth + 1 >= settings.limits.max_depth:
            more, trouble = [], [ScanProblem(nested, _TOO_DEEP)]
        else:
            # A big compressed stream or tar inside an archive is opened as it streams.
            more, trouble = _scan_members(
                Prepended(head, stream), None, kind, nested, settings, keys, depth + 1, budget
            )
        found[0].extend(more)
        found[1].extend(trouble)
        if not as_bytes:
            return
    scan_chunks(head, stream.read, shown, settings, keys, found[0])


def scan_content(
    data: bytes,
    path: str,
    settings: Settings,
    keys: dict[str, bytes],
    *,
    depth: int = 0,
    budget: Budget | None = None,
) -> tuple[list[Finding], list[ScanProblem]]:
    """Findings and problems in one file's or blob's bytes, archives opened as streams."""
    kind = archive_kind(data)
    if kind is None:
        candidates = find_candidates(data, settings.pattern)
        return [make_finding(c, path, settings, keys) for c in candidates], []
    if depth >= settings.limits.max_depth:
        return [], [ScanProblem(path, _TOO_DEEP)]
    budget = Budget(settings.limits) if budget is None else budget
    return _scan_members(data, len(data), kind, path, settings, keys, depth, budget)


def _scan_members(
    source: bytes | BinaryIO | Readable,
    size: int | None,
    kind: str,
    path: str,
    settings: Settings,
    keys: dict[str, bytes],
    depth: int,
    budget: Budget,
) -> tuple[list[Finding], list[ScanProblem]]:
    """Findings and problems in the members of one archive, in memory or in a file."""
    findings: list[Finding] = []
    problems: list[ScanProblem] = []
    for member in members(source, kind, path, limits=settings.limits, budget=budget, size=size):
        name = display_path(member.name)
        shown = f"{path}!{name}" if name else path
        if member.stream is None:
            problems.append(ScanProblem(shown, member.problem or "skipped"))
            continue
        # A stream holding an archive reads as `x.zip.gz!inner`, not `x.zip.gz!x.zip!inner`.
        nested = path if member.whole else shown
        try:
            _scan_member(member, shown, nested, settings, keys, (findings, problems), depth, budget)
        except ArchiveLimit as err:
            problems.append(ScanProblem(shown, str(err)))
            if budget.bytes_left <= 0:
                break
        except read_errors() as err:
            problems.append(ScanProblem(shown, f"unreadable member ({type(err).__name__})"))
    return findings, problems


def _problem(entry: Entry, err: OSError) -> ScanProblem:
    if err.errno == errno.ELOOP and not entry.follow:
        return ScanProblem(entry.display, "turned into a symlink since the walk; skipped")
    return ScanProblem(entry.display, f"cannot read ({err.strerror or type(err).__name__})", True)


def _scan_file(entry: Entry, settings: Settings, batch: Batch) -> None:
    """Read, and scan, one file: whole up to --max-file-size, in chunks beyond.

    The path may have become a FIFO, a device or a symlink since the walk: O_NONBLOCK
    keeps the open from waiting for a writer, O_NOFOLLOW refuses a symlink the walk
    did not check, and fstat judges what was opened, not the name.
    """
    try:
        handle = os.open(entry.path, _OPEN_FLAGS if entry.follow else _OPEN_NO_FOLLOW)
    except OSError as err:
        batch.problems.append(_problem(entry, err))
        return
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            batch.problems.append(ScanProblem(entry.display, NOT_REGULAR))
            return
        size = info.st_size
        if size > settings.max_file_size:
            _scan_large(handle, entry.display, size, settings, batch)
            return
        data = os.read(handle, size) if size else b""
        if len(data) < size:
            chunks = [data]
            left = size - len(data)
            while left > 0 and (chunk := os.read(handle, left)):
                chunks.append(chunk)
                left -= len(chunk)
            data = b"".join(chunks)
    except OSError as err:
        batch.problems.append(_problem(entry, err))
        return
    finally:
        os.close(handle)
    batch.files += 1
    batch.bytes_read += len(data)
    if archive_kind(data) is None:
        # Most files: one marker pass finds nothing and that is all.
        for candidate in find_candidates(data, settings.pattern):
            batch.findings.append(make_finding(candidate, entry.display, settings, batch.keys))
        return
    found, trouble = scan_content(data, entry.display, settings, batch.keys)
    batch.findings.extend(found)
    batch.problems.extend(trouble)


def _scan_large(handle: int, path: str, size: int, settings: Settings, batch: Batch) -> None:
    """A file over --max-file-size: an archive opened as a stream from the file, anything
    else read in overlapping chunks. Either way no more than a chunk is held."""
    head = os.read(handle, _HEAD)
    kind = archive_kind(head)
    batch.files += 1
    if kind is None:
        read = functools.partial(os.read, handle)
        found = batch.findings
        batch.bytes_read += scan_chunks(head, read, path, settings, batch.keys, found)
        return
    os.lseek(handle, 0, os.SEEK_SET)
    with os.fdopen(handle, "rb", closefd=False) as source:
        findings, problems = _scan_members(
            source, size, kind, path, settings, batch.keys, 0, Budget(settings.limits)
        )
    batch.bytes_read += size
    batch.findings.extend(findings)
    batch.problems.extend(problems)


def scan_entries(items: Iterable[Entry | ScanProblem], settings: Settings) -> Batch:
    """Read and scan files; problems met on the walk are kept, and unreadable files become
    problems while the rest go on."""
    batch = Batch()
    problems = batch.problems
    for item in items:
        if isinstance(item, ScanProblem):
            problems.append(item)
        else:
            _scan_file(item, settings, batch)
    return batch


def scan_part(part: Subtree | list[Entry | ScanProblem], settings: Settings) -> Batch:
    """Scan a share of a tree: a subtree, walked here, or files already found."""
    return scan_entries(walk_subtree(part) if isinstance(part, Subtree) else part, settings)
