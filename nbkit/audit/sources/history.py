"""Git history and the index: every object once, then only the hits mapped to commits.

Per-commit diffs would rescan the same content thousands of times, so the
scan reads each object once from `git cat-file --batch-all-objects --batch`;
only the blobs that hold a candidate are then looked up in one
`git log --raw` pass to find the commit, path, author and date that
introduced them.

A range scan (`--since BASE` or `BASE..TIP`, as a pull-request job asks for) turns
this around: the log of the range comes first, and only the blobs its commits add,
with those commits' messages, are read.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import IO, Final

from nbkit.errors import InputError, UsageError

__all__ = [
    "CommitLog",
    "GitObject",
    "Introduction",
    "Range",
    "blob_stream",
    "commit_message",
    "list_objects",
    "message",
    "object_sizes",
    "parse_range",
    "read_objects",
    "require_repository",
    "resolve_range",
    "split_objects",
    "staged_files",
]

_RECORD: Final = b"\x01"
_NO_BLOB: Final = b"0" * 40
_BATCH_CHECK: Final = "--batch-check=%(objectname) %(objecttype) %(objectsize)"


@dataclass(frozen=True, slots=True)
class GitObject:
    """One object of the object database."""

    oid: str
    kind: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Range:
    """The commits reachable from tip but not from base, as `git log base..tip` lists them.

    Both are full commit ids once resolved: only those reach git's command line.
    """

    base: str
    tip: str


@dataclass(frozen=True, slots=True)
class Introduction:
    """The commit that first put a blob at a path."""

    commit: str
    path: str
    author: str
    date: str
    # Position in `git log` (newest first): a larger age is an older commit.
    age: int = -1
    # The blobs the commit's parents held at the path (none for a file it adds).
    parents: tuple[str, ...] = ()


def _git(repo: str, *args: str) -> list[str]:
    return ["git", "-C", repo, "-c", "core.quotePath=false", *args]


def _cannot_run(err: OSError) -> InputError:
    return InputError(f"git: cannot run ({err.strerror}); install git")


def _run(cmd: list[str], stdin: IO[bytes] | None = None) -> subprocess.CompletedProcess[bytes]:
    """One git command run to its end, its output captured; InputError if git cannot run."""
    try:
        return subprocess.run(cmd, stdin=stdin, capture_output=True, check=False)
    except OSError as err:
        raise _cannot_run(err) from err


def require_repository(repo: str) -> None:
    """Raise InputError unless repo is inside a git work tree or repository."""
    result = _run(_git(repo, "rev-parse", "--git-dir"))
    if result.returncode != 0:
        raise InputError(f"{repo}: not a git repository; drop --git/--staged or point at one")


def parse_range(spec: str) -> tuple[str, str]:
    """(base, tip) revisions of `BASE..TIP`, `BASE..` or `..TIP` (git's HEAD where one is
    left out), or of a lone `BASE`, which means `BASE..HEAD`.

    Raises UsageError for a symmetric `A...B` range and for anything that git could
    read as an option: a revision comes from the CI's variables, which a fork can steer.
    """
    if "..." in spec:
        raise UsageError(f"--since {spec!r}: a symmetric range; give BASE or BASE..TIP")
    base, dots, tip = spec.partition("..")
    revs = (base or "HEAD", (tip or "HEAD") if dots else "HEAD")
    for rev in revs:
        if rev.startswith("-") or not rev.isprintable() or rev != rev.strip():
            raise UsageError(f"--since {spec!r}: {rev!r} is not a revision")
    return revs


def _commit_id(repo: str, rev: str, spec: str) -> str:
    # --end-of-options: even a revision that passed parse_range is never an option to git.
    cmd = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}")
    result = _run(cmd)
    if result.returncode != 0:
        require_repository(repo)
        # In CI the usual cause is a shallow clone that stops before the base.
        raise InputError(
            f"--since {spec!r}: {rev!r} is not a commit in {repo} (in a shallow clone, fetch more)"
        )
    return result.stdout.decode().strip()


def resolve_range(repo: str, spec: str) -> Range:
    """The range spec names in repo, as commit ids (see parse_range for the forms).

    Raises UsageError or InputError, naming the revision, for one that is no commit here.
    """
    base, tip = parse_range(spec)
    return Range(_commit_id(repo, base, spec), _commit_id(repo, tip, spec))


def object_sizes(repo: str, oids: list[str]) -> list[tuple[str, str, int]]:
    """(id, type, size) of the objects named, from one `git cat-file --batch-check`."""
    with tempfile.TemporaryFile() as names:
        names.write("".join(oid + "\n" for oid in oids).encode())
        names.seek(0)
        result = _run(_git(repo, "cat-file", _BATCH_CHECK), stdin=names)
    objects: list[tuple[str, str, int]] = []
    for line in result.stdout.decode().splitlines():
        fields = line.split()
        if len(fields) == 3:  # "<id> missing": a submodule's commit, not in this repository
            objects.append((fields[0], fields[1], int(fields[2])))
    return objects


def _read_batch(stream: IO[bytes]) -> Iterator[GitObject]:
    while header := stream.readline():
        fields = header.split()
        if len(fields) != 3:
            continue  # "<name> missing" lines carry no content
        size = int(fields[2])
        data = stream.read(size)
        stream.read(1)  # the newline after each object's content
        yield GitObject(fields[0].decode(), fields[1].decode(), data)


def list_objects(repo: str) -> list[tuple[str, str, int]]:
    """(id, type, size) of every blob, commit and tag, in reverse pack order; no trees.

    A delta's base sits before it in a pack, and git caches a base only when it
    unpacks it for a delta, not when it is read on its own: read back to front,
    every base is inflated once, which makes `cat-file --batch` about a third faster.
    Raises InputError when git cannot run or repo is not a repository.
    """
    result = _run(_git(repo, "cat-file", "--batch-all-objects", "--unordered", _BATCH_CHECK))
    if result.returncode != 0:
        # Checked only on failure: a `git rev-parse` up front would delay every scan.
        require_repository(repo)
        raise InputError(f"{repo}: git cat-file failed (exit {result.returncode})")
    objects: list[tuple[str, str, int]] = []
    for line in result.stdout.decode().splitlines():
        oid, kind, size = line.split()
        if kind != "tree":
            objects.append((oid, kind, int(size)))
    objects.reverse()
    return objects


def split_objects(objects: list[tuple[str, str, int]], count: int) -> list[list[str]]:
    """Contiguous runs of about equal bytes: listing order keeps git's delta chains warm."""
    share = sum(size for _, _, size in objects) / count + 1
    chunks: list[list[str]] = [[]]
    filled = 0
    for oid, _, size in objects:
        if filled >= share:
            chunks.append([])
            filled = 0
        chunks[-1].append(oid)
        filled += size
    return chunks


def read_objects(repo: str, oids: list[str]) -> Iterator[GitObject]:
    """The objects named, in that order, from one `git cat-file --batch`."""
    with tempfile.TemporaryFile() as names:
        # A file, not a pipe, on stdin: git can block on a full stdout while we write.
        names.write("".join(oid + "\n" for oid in oids).encode())
        names.seek(0)
        cmd = _git(repo, "cat-file", "--batch")
        with subprocess.Popen(cmd, stdin=names, stdout=subprocess.PIPE) as proc:
            assert proc.stdout is not None
            yield from _read_batch(proc.stdout)


@contextlib.contextmanager
def blob_stream(repo: str, oid: str) -> Iterator[IO[bytes]]:
    """One blob's content as a stream (`git cat-file blob`), never held whole."""
    with subprocess.Popen(
        _git(repo, "cat-file", "blob", oid), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    ) as proc:
        assert proc.stdout is not None
        yield proc.stdout


def _iso_date(timestamp: bytes, offset: bytes) -> str:
    sign = -1 if offset.startswith(b"-") else 1
    minutes = int(offset[1:3] or 0) * 60 + int(offset[3:5] or 0)
    zone = timezone(sign * timedelta(minutes=minutes))
    return datetime.fromtimestamp(int(timestamp), zone).isoformat()


def message(data: bytes) -> bytes:
    """A commit's or tag's message: what follows its header's blank line."""
    head_end = data.find(b"\n\n")
    return b"" if head_end < 0 else data[head_end + 2 :]


def commit_message(data: bytes) -> tuple[str, str, int]:
    """A commit's (author, ISO date, offset of the message) from its raw object."""
    author, date = "", ""
    head_end = data.find(b"\n\n")
    head_end = len(data) if head_end < 0 else head_end
    for line in data[:head_end].split(b"\n"):
        if line.startswith((b"author ", b"tagger ")):
            name, _, rest = line.partition(b" ")[2].rpartition(b" <")
            stamp = rest.rpartition(b"> ")[2].split()
            author = name.decode("utf-8", "replace")
            if len(stamp) == 2 and stamp[0].isdigit():
                date = _iso_date(stamp[0], stamp[1])
    return author, date, min(head_end + 2, len(data))


def _changes(parts: list[bytes]) -> Iterator[tuple[list[bytes], bytes]]:
    """(fields of the raw line, path) of each file one `git log --raw -z` record changes.

    The three header fields come first; a combined (-c) merge's lines follow an empty field.
    """
    rest = parts[3:]
    if rest and not rest[0]:
        rest = rest[1:]
    for index in range(0, len(rest) - 1, 2):
        yield rest[index].split(), rest[index + 1]


class CommitLog:
    """`git log --raw` of every ref, or of one range, started at once so that it runs while
    blobs are scanned.

    Its output goes to a temporary file rather than a pipe: nothing has to drain it
    meanwhile, so no thread is running when worker processes are forked.
    """

    def __init__(self, repo: str, commits: Range | None = None) -> None:
        if commits is None:
            # -m: a merge against each parent; the oldest commit that added a blob wins.
            revs = ["-m", "--all", "--reflog"]
        else:
            # -c: a merge adds only what it holds from none of its parents (an evil merge's
            # own lines), not what it brings in from the branch it merges.
            revs = ["-c", "--end-of-options", commits.tip, "^" + commits.base]
        cmd = _git(
            repo, "log", "--no-renames", "--raw", "--no-abbrev", "-z",
            "--format=%x01%H%x00%an%x00%aI", *revs,
        )  # fmt: skip
        self._output = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        try:
            self._proc = subprocess.Popen(cmd, stdout=self._output, stderr=subprocess.DEVNULL)
        except OSError as err:
            self._output.close()
            raise _cannot_run(err) from err

    def __enter__(self) -> CommitLog:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        self._output.close()

    def _records(self) -> list[bytes]:
        self._proc.wait()
        self._output.seek(0)
        return self._output.read().split(_RECORD)[1:]

    def added(self) -> tuple[list[str], list[str]]:
        """The commits logged, newest first, and every blob they add or change."""
        commits: list[str] = []
        blobs: dict[bytes, None] = {}
        for record in self._records():
            parts = record.split(b"\0")
            commits.append(parts[0].decode())
            for meta, _ in _changes(parts):
                if len(meta) >= 5:
                    blobs[meta[-2]] = None
        blobs.pop(_NO_BLOB, None)
        return commits, [oid.decode() for oid in blobs]

    def introductions(self, oids: set[str]) -> dict[str, list[Introduction]]:
        """For each blob id, the oldest commit of every ref that added it at each path."""
        if not oids:
            return {}
        wanted = {oid.encode() for oid in oids} - {_NO_BLOB}
        found: dict[tuple[str, str], Introduction] = {}
        # git log lists newest first, so a later record for the same (blob, path) is older.
        for age, record in enumerate(self._records()):
            parts = record.split(b"\0")
            for meta, name in _changes(parts):
                # The blob a commit leaves is the last id: a merge's combined (-c) line
                # lists one id per parent before it.
                if len(meta) < 5 or meta[-2] not in wanted:
                    continue  # most records touch no blob with a hit: decode nothing
                commit, author, date = (part.decode("utf-8", "replace") for part in parts[:3])
                path = name.decode("utf-8", "surrogateescape")
                # Modes, then ids, one per parent and one for the commit, then the status.
                before = meta[(len(meta) - 1) // 2 : -2]
                parents = tuple(oid.decode() for oid in before if oid != _NO_BLOB)
                intro = Introduction(commit, path, author, date, age, parents)
                found[(meta[-2].decode(), path)] = intro
        result: dict[str, list[Introduction]] = {}
        for (oid, _), intro in sorted(found.items()):
            result.setdefault(oid, []).append(intro)
        return result


def staged_files(repo: str) -> Iterator[tuple[str, bytes]]:
    """(path, staged content) of every file added, copied, modified or renamed in the index."""
    names = subprocess.run(
        _git(repo, "diff", "--cached", "--name-only", "-z", "--diff-filter=ACMRT"),
        capture_output=True,
        check=False,
    )
    if names.returncode != 0:
        raise InputError(f"{repo}: git diff --cached failed; is it a repository?")
    wanted = {name for name in names.stdout.split(b"\0") if name}
    if not wanted:
        return
    listing = subprocess.run(_git(repo, "ls-files", "-s", "-z"), capture_output=True, check=False)
    staged: list[tuple[str, str]] = []
    for row in listing.stdout.split(b"\0"):
        meta, _, name = row.partition(b"\t")
        fields = meta.split()
        if name in wanted and len(fields) == 3 and fields[2] == b"0":
            staged.append((fields[1].decode(), name.decode("utf-8", "surrogateescape")))
    objects = read_objects(repo, [oid for oid, _ in staged])
    for (_, path), obj in zip(staged, objects, strict=False):
        yield path, obj.data
