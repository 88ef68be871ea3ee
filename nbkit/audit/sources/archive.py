"""Open zip, jar, wheel, tar and compressed archives in memory, with limits against bombs.

Nothing is extracted to disk. Every archive tree shares one byte budget, each
compressed stream is inflated with a hard output cap, and nesting is bounded,
so a 42.zip-style bomb costs at most the budget and reports a problem.

The archive modules are imported at the first archive: most scans meet none,
and start-up time counts in pre-commit hooks.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

__all__ = ["Budget", "Limits", "Member", "archive_kind", "members"]

_MIB: Final = 1024 * 1024
# A text member rarely compresses beyond 100:1; bombs reach 1000:1 and more.
_RATIO_FLOOR_BYTES: Final = _MIB
# First bytes of the zip, gzip, bzip2 and xz magics: one set lookup rejects most files.
_MAGIC_FIRST_BYTES: Final = frozenset(b"P\x1fB\xfd")


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


@dataclass(frozen=True, slots=True)
class Member:
    """One file inside an archive, or the reason it was not read (`data` is then None)."""

    name: str
    data: bytes | None
    problem: str | None = None


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


def _inflate(kind: str, data: bytes, cap: int) -> bytes:
    """Decompress at most cap + 1 bytes, so the caller can tell a stream that is too big."""
    import bz2
    import lzma

    if kind == "gzip":
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, cap + 1)
    if kind == "bzip2":
        return bz2.BZ2Decompressor().decompress(data, cap + 1)
    return lzma.LZMADecompressor().decompress(data, cap + 1)


def _stream_name(outer: str) -> str:
    base = outer.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
    for suffix in (".gz", ".tgz", ".bz2", ".xz"):
        if base.endswith(suffix):
            return base[: -len(suffix)] + (".tar" if suffix == ".tgz" else "")
    return base or "content"


def _zip_members(data: bytes, limits: Limits, budget: Budget) -> Iterator[Member]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
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
                yield Member(info.filename, None, "archive size budget exhausted")
                return
            try:
                with archive.open(info) as stream:
                    # Read one byte past the declared size: headers can lie.
                    content = stream.read(budget.bytes_left + 1)
            except (RuntimeError, NotImplementedError, zipfile.BadZipFile, zlib.error) as err:
                yield Member(info.filename, None, f"unreadable member ({err})")
                continue
            if len(content) > budget.bytes_left:
                yield Member(info.filename, None, "archive size budget exhausted")
                return
            budget.bytes_left -= len(content)
            yield Member(info.filename, content)


def _tar_members(data: bytes, budget: Budget) -> Iterator[Member]:
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
        for info in archive:
            if not info.isfile():
                continue
            if budget.members_left <= 0:
                yield Member(info.name, None, "archive member limit reached")
                return
            budget.members_left -= 1
            if info.size > budget.bytes_left:
                yield Member(info.name, None, "archive size budget exhausted")
                return
            stream = archive.extractfile(info)
            if stream is None:
                continue
            content = stream.read()
            budget.bytes_left -= len(content)
            yield Member(info.name, content)


def members(
    data: bytes, kind: str, outer: str, *, limits: Limits, budget: Budget
) -> Iterator[Member]:
    """The files inside one archive; problems come out as members without data."""
    import lzma
    import tarfile
    import zipfile

    try:
        if kind == "zip":
            yield from _zip_members(data, limits, budget)
        elif kind == "tar":
            yield from _tar_members(data, budget)
        else:
            inflated = _inflate(kind, data, budget.bytes_left)
            if len(inflated) > budget.bytes_left:
                yield Member(_stream_name(outer), None, "archive size budget exhausted")
                return
            big = len(inflated) > _RATIO_FLOOR_BYTES
            if big and len(inflated) > limits.max_ratio * len(data):
                yield Member(_stream_name(outer), None, "compression ratio over the limit")
                return
            budget.bytes_left -= len(inflated)
            yield Member(_stream_name(outer), inflated)
    except (
        zipfile.BadZipFile,
        tarfile.TarError,
        zlib.error,
        lzma.LZMAError,
        OSError,
        EOFError,
    ) as err:
        yield Member("", None, f"unreadable archive ({type(err).__name__})")
