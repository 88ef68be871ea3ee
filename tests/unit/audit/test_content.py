"""Tests for nbkit.audit.content: bytes to findings, archives opened in memory."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

from nbkit.audit.classify import Context
from nbkit.audit.content import Settings, scan_content
from nbkit.audit.detect import compile_pattern
from nbkit.audit.finding import Verdict
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
        ("nb-api-key", Verdict.KEY, 1),
        ("identifier-words", Verdict.IDENTIFIER, 2),
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
