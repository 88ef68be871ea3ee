"""Tests for nbkit.audit.content: bytes to findings, archives opened in memory."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import random
import tarfile
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbkit.audit.classify import Context
from nbkit.audit.content import Settings, scan_chunks, scan_content
from nbkit.audit.detect import compile_pattern, find_candidates
from nbkit.audit.finding import Finding, KeyVerdict
from nbkit.audit.sources.archive import Limits
from nbkit.keys import fingerprint, new_key


def _settings(**limits: int) -> Settings:
    return Settings(compile_pattern(), Context(), 1 << 20, Limits(**limits), collect_keys=True)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _targz(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_plain_content_gives_classified_findings() -> None:
    key = new_key()
    keys: dict[str, bytes] = {}
    found, problems = scan_content(
        f"k = '{key}'\nnb_samples_per_epoch = 3\n".encode(), "a.py", _settings(), keys
    )
    assert problems == []
    assert [(f.rule_id, f.verdict, f.location.line) for f in found] == [
        ("nb-api-key", KeyVerdict.KEY, 1),
        ("identifier-words", KeyVerdict.IDENTIFIER, 2),
    ]
    assert keys == {fingerprint(key): key.encode()}


def test_nested_archives_name_members_with_bangs() -> None:
    key = new_key()
    jar = _zip({"META-INF/app.properties": f"api.key={key}\n".encode()})
    outer = _zip({"lib/app.jar": jar, "README": b"nothing"})
    found, problems = scan_content(outer, "dist/bundle.zip", _settings(), {})
    assert problems == []
    assert [f.location.path for f in found] == [
        "dist/bundle.zip!lib/app.jar!META-INF/app.properties"
    ]


def test_tar_gz_members_skip_the_inner_tar_name() -> None:
    key = new_key()
    data = _targz({"pkg/settings.py": f"KEY = '{key}'\n".encode()})
    found, _ = scan_content(data, "pkg-1.0.tar.gz", _settings(), {})
    assert [f.location.path for f in found] == ["pkg-1.0.tar.gz!pkg/settings.py"]


def test_gzip_single_file() -> None:
    key = new_key()
    found, _ = scan_content(gzip.compress(key.encode()), "log.txt.gz", _settings(), {})
    assert [f.location.path for f in found] == ["log.txt.gz!log.txt"]


def test_nesting_deeper_than_the_limit_is_reported() -> None:
    data = new_key().encode()
    for level in range(4):
        data = _zip({f"l{level}.zip" if level else "k.txt": data})
    found, problems = scan_content(data, "deep.zip", _settings(max_depth=2), {})
    assert found == []
    assert [p.reason for p in problems] == ["archive nested too deep; not opened"]


def test_bomb_is_reported_and_the_rest_still_scanned() -> None:
    key = new_key()
    data = _zip({"bomb.bin": b"\0" * (4 * 1024 * 1024), "ok.txt": key.encode()})
    found, problems = scan_content(data, "b.zip", _settings(), {})
    assert [f.location.path for f in found] == ["b.zip!ok.txt"]
    assert "ratio" in problems[0].reason and problems[0].path == "b.zip!bomb.bin"


def test_large_files_are_read_whole_and_binaries_searched(tmp_path: Path) -> None:
    from nbkit.audit.content import scan_entries
    from nbkit.audit.sources.tree import Entry

    key = new_key()
    (tmp_path / "big.txt").write_bytes(b"x = 1\n" * 30_000 + key.encode())
    (tmp_path / "big.bin").write_bytes(b"\0\1\2" * 30_000 + key.encode())
    (tmp_path / "small.bin").write_bytes(b"\0\1\2" + key.encode())
    entries = [Entry(str(tmp_path / n), n) for n in ("big.txt", "big.bin", "small.bin")]
    batch = scan_entries(entries, _settings())
    assert sorted((f.location.path, f.location.line) for f in batch.findings) == [
        ("big.bin", 1),
        ("big.txt", 30_001),
        ("small.bin", 1),
    ]
    assert batch.files == 3 and batch.problems == []


def _codec_bombs() -> dict[str, Callable[[bytes], bytes]]:
    def zipped(data: bytes) -> bytes:
        return _zip({"zeros.txt": data})

    def targz(data: bytes) -> bytes:
        return _targz({"zeros.txt": data})

    def two_members(data: bytes) -> bytes:
        half = len(data) // 2
        return gzip.compress(data[:half], 1) + gzip.compress(data[half:], 1)

    return {
        "gzip": lambda data: gzip.compress(data, 1),
        "gzip-two-members": two_members,
        "bzip2": bz2.compress,
        "xz": lambda data: lzma.compress(data, preset=0),
        "zip": zipped,
        "tar.gz": targz,
    }


@pytest.mark.parametrize("codec", list(_codec_bombs()))
def test_inflating_holds_a_chunk_not_the_stream(codec: str) -> None:
    inflated = 40 * 1024 * 1024
    data = _codec_bombs()[codec](bytes(inflated))
    # No ratio limit and a budget above the stream: it inflates in full, as a member that
    # compresses well but is no bomb would.
    settings = replace(_settings(max_ratio=10**9, max_total=2 * inflated), chunk_size=4 << 20)
    tracemalloc.start()
    try:
        found, problems = scan_content(data, f"z.{codec}", settings, {})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (found, problems) == ([], [])
    # A chunk, its copy while it is joined, and a piece being inflated: not the stream.
    assert peak < len(data) + 3 * settings.chunk_size < inflated


_PIECES = st.sampled_from(["a", "é", "\n", "\r\n", " ", "x = 1;", "€", "\t"])


@settings(max_examples=80, deadline=None)
@given(
    before=st.lists(_PIECES, max_size=120).map("".join),
    after=st.lists(_PIECES, max_size=40).map("".join),
    chunk=st.sampled_from([64, 66, 100, 128]),
)
def test_chunks_report_what_the_whole_reports(before: str, after: str, chunk: int) -> None:
    key = new_key()
    data = f"{before}{key} {before}{after}{key}{after}".encode()
    whole = [(c.value, c.line, c.column) for c in find_candidates(data, compile_pattern())]
    settings = replace(_settings(), chunk_size=chunk)
    keys: dict[str, bytes] = {}
    found: list[Finding] = []
    stream = io.BytesIO(data)
    assert scan_chunks(b"", stream.read, "f", settings, keys, found) == len(data)
    assert [(f.fingerprint, f.location.line, f.location.column) for f in found] == [
        (fingerprint(value), line, column) for value, line, column in whole
    ]


def test_a_file_turned_into_a_symlink_after_the_walk_is_not_followed(tmp_path: Path) -> None:
    from nbkit.audit.content import scan_entries
    from nbkit.audit.sources.tree import Entry

    outside = tmp_path / "outside.txt"
    outside.write_text(new_key())
    (tmp_path / "root").mkdir()
    swapped = tmp_path / "root" / "a.txt"
    swapped.symlink_to(outside)
    batch = scan_entries([Entry(str(swapped), "a.txt")], _settings())
    assert batch.findings == [] and batch.files == 0
    assert [(p.path, p.reason, p.error) for p in batch.problems] == [
        ("a.txt", "turned into a symlink since the walk; skipped", False)
    ]
    # Links the walk checked (and roots) are followed.
    assert len(scan_entries([Entry(str(swapped), "a.txt", follow=True)], _settings()).findings) == 1


def test_a_big_compressed_stream_inside_an_archive_is_opened_as_it_streams() -> None:
    key = new_key()
    # Over the in-memory limit once inflated from the outer tar, but a gzip: it streams.
    # Hex noise: the outer gzip stays within the ratio limit.
    noise = random.Random(3).randbytes(9_000_000).hex().encode()
    lines = b"\n".join(noise[at : at + 64] for at in range(0, len(noise), 64))
    inner = gzip.compress(lines + b"\n" + key.encode() + b"\n", 0)  # stored: 18 MB
    outer = _targz({"logs/app.log.gz": inner})
    found, problems = scan_content(outer, "b.tar.gz", _settings(), {})
    assert [(f.location.path, f.location.line) for f in found] == [
        ("b.tar.gz!logs/app.log.gz!app.log", lines.count(b"\n") + 2)
    ]
    assert problems == []


def test_what_inflated_before_a_corrupt_tail_is_still_searched() -> None:
    key = new_key()
    data = gzip.compress(b"x = 1\n" * 100 + key.encode() + b"\n") + b"garbage after the member"
    found, problems = scan_content(data, "a.txt.gz", _settings(), {})
    assert [f.location.line for f in found] == [101]
    assert [p.reason for p in problems] == ["unreadable member (BadGzipFile)"]
