"""Run a scan: read each source once, find and classify candidates, apply suppressions."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Final, TypeVar

from nbkit.audit.allowlist import Config, apply_suppressions
from nbkit.audit.baseline import Baseline
from nbkit.audit.classify import Context
from nbkit.audit.content import (
    CHUNK_SIZE,
    KEY_VERDICTS,
    MIN_CHUNK,
    Batch,
    Settings,
    make_finding,
    read_up_to,
    scan_chunks,
    scan_content,
    scan_part,
)
from nbkit.audit.detect import compile_pattern, find_candidates
from nbkit.audit.finding import Finding, KeyVerdict, ScanProblem, display_path
from nbkit.audit.sources.archive import Limits
from nbkit.audit.sources.tree import Entry, Subtree, split
from nbkit.audit.workers import parallel_map

if TYPE_CHECKING:
    from nbkit.audit.sources.history import Introduction

__all__ = ["STDIN", "Options", "Outcome", "run_scan"]

_MIB: Final = 1024 * 1024
# A tree is cut into this many subtrees (when it has the directories), which the processes
# walk and scan themselves: only these few objects cross a process boundary, and each
# share is small enough that the processes finish together.
_TREE_PARTS: Final = 512
# Below these sizes, starting worker processes costs more than it saves.
_PARALLEL_MIN_FILES: Final = 2000
_PARALLEL_MIN_OBJECTS: Final = 2000
_BATCH: Final = 64
# More history chunks than workers evens out their run times; each chunk costs one git process.
_CHUNKS_PER_JOB: Final = 2
STDIN: Final = "-"
_Hits = dict[str, tuple[list[Finding], list[ScanProblem]]]


@dataclass(frozen=True, slots=True)
class Options:
    """One scan, as the command line asked for it."""

    paths: tuple[str, ...] = (".",)
    git: bool = False
    # --since: `BASE`, `BASE..TIP`; None scans every ref's whole history.
    since: str | None = None
    staged: bool = False
    use_ignore: bool = True
    config: Config = field(default_factory=Config)
    baseline: Baseline = frozenset()
    include_other_vendor: bool = False
    jobs: int = 0
    max_file_size: int = 256 * _MIB
    limits: Limits = field(default_factory=Limits)
    collect_keys: bool = False
    progress: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """Everything a scan saw: findings (suppressed ones too), problems, and what it read."""

    findings: tuple[Finding, ...]
    problems: tuple[ScanProblem, ...]
    files: int
    bytes_read: int
    include_other_vendor: bool
    # Fingerprint -> raw key, filled only for --verify; never printed, hence repr=False.
    keys: Mapping[str, bytes] = field(default_factory=dict, repr=False)

    @property
    def reported(self) -> tuple[Finding, ...]:
        """The findings that fail the run: unsuppressed keys (and other-vendor keys if asked)."""
        wanted = KEY_VERDICTS if self.include_other_vendor else frozenset({KeyVerdict.KEY})
        return tuple(f for f in self.findings if f.verdict in wanted and f.suppressed_by is None)


_Part = TypeVar("_Part")


def _jobs(options: Options) -> int:
    if options.jobs:
        return options.jobs
    # Every core this process may run on, as ripgrep does. The load average was tried and
    # misleads: a scan's own previous run, or any job that just ended, still weighs on it.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _progress(
    parts: Iterator[_Part],
    *,
    enabled: bool,
    size: Callable[[_Part], int],
    unit: str,
    total: int | None = None,
) -> Iterator[_Part]:
    if not enabled:
        yield from parts
        return
    from tqdm import tqdm  # only a terminal gets a progress bar

    # delay: a scan that ends within a second never draws one.
    with tqdm(total=total, unit=unit, file=sys.stderr, leave=False, delay=1.0) as bar:
        for part in parts:
            bar.update(size(part))
            yield part


def _scan_tree(options: Options, settings: Settings) -> Batch:
    met, subtrees = split(
        options.paths,
        use_ignore=options.use_ignore,
        skip=options.config.skip_spec(),
        parts=_TREE_PARTS,
    )
    # The subtrees go first, the biggest (least cut) at the head; the files met while
    # cutting follow in small batches, which even out the processes' ends.
    parts: list[Subtree | list[Entry | ScanProblem]] = list(subtrees)
    parts.extend(met[start : start + _BATCH] for start in range(0, len(met), _BATCH))
    jobs = _jobs(options)
    # Workers pay off on a tree with that many directories or, below that, with enough
    # files (then split has listed the whole tree and `met` holds every file).
    big = len(subtrees) >= _TREE_PARTS or len(met) >= _PARALLEL_MIN_FILES
    if big and jobs >= 2:
        scanned: Iterator[Batch] = parallel_map(scan_part, parts, settings, jobs)
    else:
        scanned = (scan_part(part, settings) for part in parts)
    result = Batch()
    for batch in _progress(
        scanned, enabled=options.progress, size=lambda batch: batch.files, unit="file"
    ):
        result.add(batch)
    return result


@dataclass(slots=True)
class _HistoryPart:
    batch: Batch
    hits: _Hits


def _scan_objects(task: tuple[str, list[str]], settings: Settings) -> _HistoryPart:
    from nbkit.audit.sources import history

    repo, oids = task
    part = _HistoryPart(Batch(), {})
    for obj in history.read_objects(repo, oids):
        part.batch.files += 1
        part.batch.bytes_read += len(obj.data)
        if obj.kind == "blob":
            found, trouble = scan_content(obj.data, "", settings, part.batch.keys)
            if found or trouble:
                part.hits[obj.oid] = (found, trouble)
            continue
        # Most messages hold no candidate: parse the author and date only for those that do.
        candidates = find_candidates(history.message(obj.data), settings.pattern)
        if not candidates:
            continue
        author, date, _ = history.commit_message(obj.data)
        for candidate in candidates:
            finding = make_finding(candidate, f"<{obj.kind} message>", settings, part.batch.keys)
            where = replace(finding.location, commit=obj.oid, author=author, date=date)
            part.batch.findings.append(replace(finding, location=where))
    return part


def _scan_big_object(
    repo: str, oid: str, kind: str, settings: Settings, result: Batch, hits: _Hits
) -> None:
    """An object over --max-file-size, read from git in overlapping chunks."""
    from nbkit.audit.sources import history

    if kind != "blob":  # a commit or tag message of that size is no source file
        reason = f"{kind} larger than --max-file-size; skipped"
        result.problems.append(ScanProblem(f"<{kind} {oid[:12]}>", reason))
        return
    found: list[Finding] = []
    with history.blob_stream(repo, oid) as stream:
        result.bytes_read += scan_chunks(b"", stream.read, "", settings, result.keys, found)
    result.files += 1
    if found:
        hits[oid] = (found, [])


def _scan_listed(
    repo: str, objects: list[tuple[str, str, int]], options: Options, settings: Settings
) -> tuple[Batch, _Hits]:
    """Scan the objects listed, (id, type, size) each: blobs with a hit land in the hits."""
    from nbkit.audit.sources import history

    jobs = _jobs(options)
    result = Batch()
    hits: _Hits = {}
    # Sizes come with the listing: a blob of several GB is never read into memory,
    # but streamed from git in chunks.
    for oid, kind, size in objects:
        if size > options.max_file_size:
            _scan_big_object(repo, oid, kind, settings, result, hits)
    objects = [row for row in objects if row[2] <= options.max_file_size]
    oids = [oid for oid, _, _ in objects]
    if len(objects) < _PARALLEL_MIN_OBJECTS or jobs < 2:
        parts: Iterator[_HistoryPart] = iter([_scan_objects((repo, oids), settings)])
    else:
        chunks = history.split_objects(objects, jobs * _CHUNKS_PER_JOB)
        parts = parallel_map(_scan_objects, [(repo, c) for c in chunks], settings, jobs)
    for part in _progress(
        parts,
        enabled=options.progress,
        size=lambda part: part.batch.files,
        unit="object",
        total=len(oids),
    ):
        result.add(part.batch)
        hits.update(part.hits)
    return result, hits


def _known_before(
    repo: str, places: Mapping[str, list[Introduction]], options: Options, settings: Settings
) -> dict[str, set[str]]:
    """Fingerprints of the keys in the parents' versions of each file a range changes with
    a hit: a key the file held before is none of the range's doing."""
    from nbkit.audit.sources import history

    wanted = {oid for intros in places.values() for intro in intros for oid in intro.parents}
    objects = history.object_sizes(repo, sorted(wanted))
    quiet = replace(settings, collect_keys=False)
    _, hits = _scan_listed(repo, objects, replace(options, jobs=1, progress=False), quiet)
    return {oid: {item.fingerprint for item in found} for oid, (found, _) in hits.items()}


def _scan_history(repo: str, options: Options, settings: Settings) -> Batch:
    from nbkit.audit.sources import history  # git's modules load only for git scans

    commits = None if options.since is None else history.resolve_range(repo, options.since)
    # The log starts first: it runs on a free core while the objects are listed. A range
    # lists only the objects its log names: the blobs its commits add, and the commits.
    with history.CommitLog(repo, commits) as log:
        if commits is None:
            objects = history.list_objects(repo)
        else:
            added, blobs = log.added()
            objects = history.object_sizes(repo, blobs + added)
        result, hits = _scan_listed(repo, objects, options, settings)
        places = log.introductions(set(hits))
    held = {} if commits is None else _known_before(repo, places, options, settings)
    skip = options.config.skip_spec()
    # A key stays in every later revision of its file; report it once per path, at the
    # commit that introduced it.
    first: dict[tuple[str, str], tuple[int, str, list[Finding]]] = {}
    for oid, (found, trouble) in sorted(hits.items()):
        # A blob no ref reaches (dangling, or only in a dropped stash) still counts.
        unreachable = [history.Introduction("", f"<unreachable blob {oid[:12]}>", "", "")]
        for intro in places.get(oid, unreachable):
            path = display_path(intro.path)
            if skip is not None and skip.match_file(path):
                continue
            before = set[str]().union(*(held.get(oid, set()) for oid in intro.parents))
            for item in found:
                if item.fingerprint in before:
                    continue
                where = replace(
                    item.location,
                    path=path + item.location.path,
                    commit=intro.commit or None,
                    author=intro.author or None,
                    date=intro.date or None,
                )
                identity = (item.fingerprint, where.path)
                known = first.get(identity)
                if known is None or known[0] < intro.age:
                    first[identity] = (intro.age, intro.commit, [replace(item, location=where)])
                elif known[:2] == (intro.age, intro.commit):
                    known[2].append(replace(item, location=where))
            result.problems.extend(replace(p, path=path + p.path) for p in trouble)
    result.findings.extend(finding for _, _, group in first.values() for finding in group)
    return result


def _scan_staged(repo: str, options: Options, settings: Settings) -> Batch:
    from nbkit.audit.sources import history

    history.require_repository(repo)
    skip = options.config.skip_spec()
    result = Batch()
    for path, data in history.staged_files(repo):
        shown = display_path(path)
        if skip is not None and skip.match_file(shown):
            continue
        result.files += 1
        result.bytes_read += len(data)
        found, trouble = scan_content(data, shown, settings, result.keys)
        result.findings.extend(found)
        result.problems.extend(trouble)
    return result


def _scan_stdin(settings: Settings, read: Callable[[int], bytes]) -> Batch:
    """Standard input: whole up to --max-file-size, like a file, and in chunks beyond."""
    data = read_up_to(read, settings.max_file_size + 1)
    result = Batch(files=1, bytes_read=len(data))
    if len(data) <= settings.max_file_size:
        result.findings, result.problems = scan_content(data, "<stdin>", settings, result.keys)
    else:
        found = result.findings
        result.bytes_read = scan_chunks(data, read, "<stdin>", settings, result.keys, found)
    return result


def run_scan(options: Options, *, read_stdin: Callable[[int], bytes] | None = None) -> Outcome:
    """Scan what the options name and return every finding, sorted, with its suppression."""
    settings = Settings(
        pattern=compile_pattern(options.config.body),
        context=Context(min_length=options.config.min_length),
        max_file_size=options.max_file_size,
        limits=options.limits,
        collect_keys=options.collect_keys,
        # Chunks no larger than the size limit: it bounds what a process holds of a file.
        chunk_size=max(MIN_CHUNK, min(CHUNK_SIZE, options.max_file_size) // 4 * 4),
    )
    result = Batch()
    if options.git or options.staged:
        scan_repo = _scan_history if options.git else _scan_staged
        for repo in options.paths:
            result.add(scan_repo(repo, options, settings))
    elif options.paths == (STDIN,):
        result.add(_scan_stdin(settings, read_stdin or sys.stdin.buffer.read))
    else:
        result.add(_scan_tree(options, settings))
    findings = sorted(
        (apply_suppressions(f, options.config, options.baseline) for f in result.findings),
        key=lambda f: f.sort_key,
    )
    problems = sorted(set(result.problems), key=lambda p: (p.path, p.reason))
    return Outcome(
        tuple(findings),
        tuple(problems),
        result.files,
        result.bytes_read,
        options.include_other_vendor or options.config.include_other_vendor,
        result.keys,
    )
