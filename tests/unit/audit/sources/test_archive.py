"""Tests for nbkit.audit.sources.archive: in-memory members and bomb limits."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile

import pytest

from nbkit.audit.sources.archive import (
    ArchiveLimit,
    Budget,
    Limits,
    archive_kind,
    members,
    read_errors,
)


def _zip(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _tar(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _all(
    data: bytes, limits: Limits | None = None, outer: str = "a"
) -> list[tuple[str, bytes | None, str | None]]:
    limits = limits or Limits()
    kind = archive_kind(data)
    assert kind is not None
    found: list[tuple[str, bytes | None, str | None]] = []
    for member in members(data, kind, outer, limits=limits, budget=Budget(limits)):
        if member.stream is None:
            found.append((member.name, None, member.problem))
            continue
        try:
            found.append((member.name, member.stream.read(), None))
        except ArchiveLimit as err:
            found.append((member.name, None, str(err)))
        except read_errors() as err:
            found.append((member.name, None, f"unreadable member ({err})"))
    return found


@pytest.mark.parametrize(
    "make,kind",
    [
        (lambda: _zip({"a": b"x"}), "zip"),
        (lambda: _tar({"a": b"x"}), "tar"),
        (lambda: gzip.compress(b"x"), "gzip"),
        (lambda: bz2.compress(b"x"), "bzip2"),
        (lambda: lzma.compress(b"x"), "xz"),
        (lambda: b"plain text", None),
    ],
    ids=["zip", "tar", "gzip", "bzip2", "xz", "text"],
)
def test_kind_is_judged_by_content(make: object, kind: str | None) -> None:
    assert archive_kind(make()) == kind  # type: ignore[operator]


def test_zip_members_are_read_in_memory() -> None:
    assert _all(_zip({"inner/a.txt": b"hello", "b.txt": b"world"})) == [
        ("inner/a.txt", b"hello", None),
        ("b.txt", b"world", None),
    ]


def test_tar_members_are_read_in_memory() -> None:
    assert _all(_tar({"x/y.txt": b"data"})) == [("x/y.txt", b"data", None)]


def test_gzip_stream_is_named_after_the_outer_file() -> None:
    assert _all(gzip.compress(b"data"), outer="dir/notes.txt.gz") == [("notes.txt", b"data", None)]


def test_high_ratio_member_is_refused() -> None:
    bomb = _zip({"bomb.txt": b"\0" * (8 * 1024 * 1024)})
    ((name, data, problem),) = _all(bomb)
    assert name == "bomb.txt" and data is None and problem is not None and "ratio" in problem


def test_total_budget_is_enforced() -> None:
    data = _zip({"a": b"1" * 600, "b": b"2" * 600}, zipfile.ZIP_STORED)
    result = _all(data, Limits(max_total=1000))
    assert result[0] == ("a", b"1" * 600, None)
    assert result[1][1] is None and "budget" in (result[1][2] or "")


def test_gzip_bomb_is_capped_without_inflating_it_all() -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))
    ((_, data, problem),) = _all(bomb, Limits(max_total=1024 * 1024))
    assert data is None and "budget" in (problem or "")


def test_member_count_limit() -> None:
    data = _zip({f"f{i}": b"x" for i in range(5)})
    result = _all(data, Limits(max_members=2))
    assert [r[1] for r in result[:2]] == [b"x", b"x"]
    assert "member limit" in (result[2][2] or "")


def test_corrupt_archive_is_a_problem_not_a_crash() -> None:
    broken = _zip({"a.txt": b"hello" * 100})[:60]
    result = _all(broken)
    assert result and all(data is None for _, data, _ in result)


def test_encrypted_member_is_reported() -> None:
    data = bytearray(_zip({"a.txt": b"hello"}, zipfile.ZIP_STORED))
    data[6] |= 1  # the local header's "encrypted" flag
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 1
    ((name, content, problem),) = _all(bytes(data))
    assert name == "a.txt" and content is None and "unreadable" in (problem or "")
