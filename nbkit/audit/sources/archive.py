"""Open zip, jar, wheel, tar and compressed archives as streams, with limits against bombs.

Nothing is extracted to disk, and no member is inflated whole: each member is
handed out as a stream that its reader consumes in chunks. gzip, bzip2 and xz
streams are read to the end, every member of a multi-member stream included,
and a compressed tarball is walked as it inflates. Every archive tree shares
one byte budget, each stream's ratio of output to input is capped, and
nesting is bounded, so a 42.zip-style bomb costs at most the budget in time
and a chunk in memory, and reports a problem.

The archive modules are imported at the first archive: most scans meet none,
and start-up time counts in pre-commit hooks.
"""

from __future__ import annotations

import functools
import io
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Final, Protocol, cast

__all__ = [
    "STREAMABLE",
    "ArchiveLimit",
    "Budget",
    "Limits",
    "Member",
    "Prepended",
    "Readable",
    "archive_kind",
    "members",
    "read_errors",
]

_MIB: Final = 1024 * 1024
# A text member rarely compresses beyond 100:1; bombs reach 1000:1 and more.
_RATIO_FLOOR_BYTES: Final = _MIB
# First bytes of the zip, gzip, bzip2 and xz magics: one set lookup rejects most files.
_MAGIC_FIRST_BYTES: Final = frozenset(b"P\x1fB\xfd")
_TAR_HEAD: Final = 512
BUDGET_EXHAUSTED: Final = "archive size budget exhausted"
# What can be opened from a stream that cannot seek: everything but zip.
STREAMABLE: Final = frozenset({"gzip", "bzip2", "xz", "tar"})


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds for one archive tree (the outermost archive and everything nested in it)."""

    max_total: int = 512 * _MIB
    max_ratio: int = 200
    max_depth: int = 4
    max_members: int = 100_000


class Budget:
    """The bytes and members an archive tree may still inflate; shared by its nested archives."""

    __slots__ = ("bytes_left", "members_left")

    def __init__(self, limits: Limits) -> None:
        self.bytes_left = limits.max_total
        self.members_left = limits.max_members


class Readable(Protocol):
    """What a member's content is read through."""

    def read(self, size: int = -1, /) -> bytes:
        """At most size bytes; b"" at the end."""


class ArchiveLimit(Exception):
    """A member's stream went over a limit while it was read; the message is the reason."""


@dataclass(frozen=True, slots=True)
class Member:
    """One file inside an archive, or the reason it was not read (`stream` is then None)."""

    name: str
    stream: Readable | None
    problem: str | None = None
    # The whole inflated content of a gzip, bzip2 or xz stream (not a member of a tar).
    whole: bool = False


@functools.cache
def read_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean an archive or a member cannot be read (bad data, encryption)."""
    import lzma
    import tarfile
    import zipfile

    return (
        zipfile.BadZipFile,
        tarfile.TarError,
        zlib.error,
        lzma.LZMAError,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
    )


class _Charged:
    """A stream whose output is charged to the budget, with its ratio to `compressed` capped."""

    __slots__ = ("budget", "compressed", "inner", "max_ratio", "produced")

    def __init__(self, inner: Readable, budget: Budget, max_ratio: int, compressed: int) -> None:
        # read1(), where there is one: read(n) drops what it inflated if the stream turns
        # out corrupt before n bytes, and a corrupt tail must not hide what came before.
        self.inner: Callable[[int], bytes] = getattr(inner, "read1", inner.read)
        self.budget = budget
        self.max_ratio = max_ratio
        self.compressed = compressed  # 0: not compressed, no ratio to check
        self.produced = 0

    def read(self, size: int = -1, /) -> bytes:
        if size < 0:  # to the end, charged piece by piece
            return b"".join(iter(functools.partial(self.read, _MIB), b""))
        data = self.inner(size)
        self.produced += len(data)
        if len(data) > self.budget.bytes_left:
            self.budget.bytes_left = 0
            raise ArchiveLimit(BUDGET_EXHAUSTED)
        self.budget.bytes_left -= len(data)
        if (
            self.compressed
            and self.produced > _RATIO_FLOOR_BYTES
            and self.produced > self.max_ratio * self.compressed
        ):
            raise ArchiveLimit("compression ratio over the limit (archive bomb?)")
        return data


class Prepended:
    """A stream with bytes already read put back in front."""

    __slots__ = ("head", "inner")

    def __init__(self, head: bytes, inner: Readable) -> None:
        self.head = head
        self.inner = inner

    def read(self, size: int = -1, /) -> bytes:
        if not self.head:
            return self.inner.read(size)
        if size < 0:
            data, self.head = self.head + self.inner.read(), b""
            return data
        data, self.head = self.head[:size], self.head[size:]
        return data


def archive_kind(data: bytes) -> str | None:
    """The archive format of the content, judged by magic bytes, not by name."""
    if data and data[0] in _MAGIC_FIRST_BYTES:
        if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            return "zip"
        if data.startswith(b"\x1f\x8b"):
            return "gzip"
        if data.startswith(b"BZh"):
            return "bzip2"
        if data.startswith(b"\xfd7zXZ\x00"):
            return "xz"
    return "tar" if data[257:262] == b"ustar" else None


def _decompressing(kind: str, source: BinaryIO | Readable) -> Readable:
    """The whole stream, every member of it, inflated as it is read."""
    import bz2
    import gzip
    import lzma

    # Reading forward needs nothing but read(): a stream that cannot seek does.
    fileobj = cast("BinaryIO", source)
    if kind == "gzip":
        return gzip.GzipFile(fileobj=fileobj, mode="rb")
    if kind == "bzip2":
        return bz2.BZ2File(fileobj)
    return lzma.LZMAFile(fileobj)


def _stream_name(outer: str) -> str:
    base = outer.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
    for suffix in (".gz", ".tgz", ".bz2", ".xz"):
        if base.endswith(suffix):
            return base[: -len(suffix)] + (".tar" if suffix == ".tgz" else "")
    return base or "content"


def _zip_members(source: BinaryIO | Readable, limits: Limits, budget: Budget) -> Iterator[Member]:
    import zipfile

    with zipfile.ZipFile(source) as archive:  # type: ignore[arg-type]
        for info in archive.infolist():
            if info.is_dir():
                continue
            if budget.members_left <= 0:
                yield Member(info.filename, None, "archive member limit reached")
                return
            budget.members_left -= 1
            size = info.file_size
            if size > _RATIO_FLOOR_BYTES and size > limits.max_ratio * max(info.compress_size, 1):
                yield Member(
                    info.filename, None, "compression ratio over the limit (archive bomb?)"
                )
                continue
            if size > budget.bytes_left:
                yield Member(info.filename, None, BUDGET_EXHAUSTED)
                return
            try:
                stream = archive.open(info)
            except read_errors() as err:
                yield Member(info.filename, None, f"unreadable member ({err})")
                continue
            # Headers can lie: the budget and the ratio are checked on what inflates.
            with stream:
                charged = _Charged(stream, budget, limits.max_ratio, max(info.compress_size, 1))
                yield Member(info.filename, charged)


def _tar_members(source: Readable | BinaryIO, budget: Budget, *, charge: bool) -> Iterator[Member]:
    """A tar walked as a stream (`r|`): a compressed tarball is never inflated whole."""
    import tarfile

    with tarfile.open(fileobj=source, mode="r|") as archive:  # type: ignore[call-overload]
        for info in archive:
            if not info.isfile():
                continue
            if budget.members_left <= 0:
                yield Member(info.name, None, "archive member limit reached")
                return
            budget.members_left -= 1
            if info.size > budget.bytes_left:
                yield Member(info.name, None, BUDGET_EXHAUSTED)
                return
            stream = archive.extractfile(info)
            if stream is not None:
                # Inside a compressed stream the bytes are charged as they inflate.
                yield Member(info.name, _Charged(stream, budget, 0, 0) if charge else stream)


def members(
    data: bytes | BinaryIO | Readable,
    kind: str,
    outer: str,
    *,
    limits: Limits,
    budget: Budget,
    size: int | None = None,
) -> Iterator[Member]:
    """The files inside one archive, as streams; problems come out as members without one.

    The archive is bytes, a seekable file, or (not for zip) any stream; `size` is its
    size when it is not bytes, None if unknown (no ratio is checked then; the budget
    still holds). A member's reader may raise ArchiveLimit or one of read_errors().
    """
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    compressed = len(data) if isinstance(data, bytes) else size or 0
    try:
        if kind == "zip":
            yield from _zip_members(source, limits, budget)
        elif kind == "tar":
            yield from _tar_members(source, budget, charge=True)
        else:
            stream = _Charged(_decompressing(kind, source), budget, limits.max_ratio, compressed)
            head = stream.read(_TAR_HEAD)
            whole = Prepended(head, stream)
            if archive_kind(head) == "tar":
                yield from _tar_members(whole, budget, charge=False)
            else:
                yield Member(_stream_name(outer), whole, whole=True)
    except ArchiveLimit as err:
        yield Member(_stream_name(outer) if kind not in ("zip", "tar") else "", None, str(err))
    except read_errors() as err:
        yield Member("", None, f"unreadable archive ({type(err).__name__})")
