"""Tests for nbkit.audit.scan: trees, stdin, workers and suppression together."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from nbkit.audit import scan
from nbkit.audit.allowlist import Config
from nbkit.audit.finding import Suppression
from nbkit.audit.scan import Options, run_scan
from nbkit.keys import fingerprint, new_key


def test_run_scan_tree_applies_inline_config_and_baseline(tmp_path: Path) -> None:
    inline, allowed, known, fresh = (new_key() for _ in range(4))
    (tmp_path / "a.py").write_text(
        f"a = '{inline}'  # nbkit: allow\nb = '{allowed}'\nc = '{known}'\nd = '{fresh}'\n"
    )
    config = Config(allow=frozenset({fingerprint(allowed)}))
    path = f"{tmp_path}/a.py"
    options = Options(
        paths=(str(tmp_path),), config=config, baseline=frozenset({(fingerprint(known), path)})
    )
    outcome = run_scan(options)
    assert [f.suppressed_by for f in outcome.findings] == [
        Suppression.INLINE,
        Suppression.CONFIG,
        Suppression.BASELINE,
        None,
    ]
    assert [f.fingerprint for f in outcome.reported] == [fingerprint(fresh)]
    assert outcome.keys == {}


def test_other_vendor_keys_are_reported_only_when_asked(tmp_path: Path) -> None:
    (tmp_path / "a.env").write_text("X=nb_sk_" + new_key()[3:] + "\n")
    assert run_scan(Options(paths=(str(tmp_path),))).reported == ()
    (only,) = run_scan(Options(paths=(str(tmp_path),), include_other_vendor=True)).reported
    assert only.rule_id == "other-vendor-key"


def test_stdin_is_read_once() -> None:
    key = new_key()
    outcome = run_scan(Options(paths=("-",)), read_stdin=io.BytesIO(key.encode()).read)
    assert [f.location.path for f in outcome.reported] == ["<stdin>"]


def test_stdin_over_the_size_limit_is_scanned_in_chunks() -> None:
    keys = [new_key() for _ in range(3)]
    data = "".join(f"{'x = 1;' * 500}\n{key}\n" for key in keys).encode()
    outcome = run_scan(Options(paths=("-",), max_file_size=1000), read_stdin=io.BytesIO(data).read)
    assert [f.location.line for f in outcome.reported] == [2, 4, 6]
    assert outcome.bytes_read == len(data)


def test_large_tree_uses_workers_and_finds_the_same(tmp_path: Path) -> None:
    keys = [new_key() for _ in range(3)]
    for i in range(2100):
        (tmp_path / f"f{i:04}.txt").write_text(keys[i % 3] if i % 700 == 0 else "plain text\n")
    serial = run_scan(Options(paths=(str(tmp_path),), jobs=1))
    parallel = run_scan(Options(paths=(str(tmp_path),), jobs=2))
    assert serial.findings == parallel.findings
    assert [f.location.path for f in parallel.reported] == [
        f"{tmp_path}/f{i:04}.txt" for i in (0, 700, 1400)
    ]
    assert parallel.files == 2100


def test_huge_files_are_scanned_and_unreadable_ones_are_problems(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"x" * 2048 + b" " + new_key().encode())
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere")
    key = new_key()
    (tmp_path / "ok.txt").write_text(key)
    outcome = run_scan(Options(paths=(str(tmp_path),), max_file_size=1024))
    reasons = {p.path.rsplit("/", 1)[-1]: p.reason for p in outcome.problems}
    assert list(reasons) == ["gone.txt"]
    assert "broken symlink" in reasons["gone.txt"]
    assert sorted(f.location.path.rsplit("/", 1)[-1] for f in outcome.reported) == [
        "big.txt",
        "ok.txt",
    ]
    assert outcome.files == 2


def test_workers_start_safely_while_threads_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    key, ignored, skipped = new_key(), new_key(), new_key()
    (tmp_path / ".gitignore").write_text("*.log\n")  # inherited by every subtree
    for folder in range(8):
        (tmp_path / f"d{folder}").mkdir()
        for i in range(301):
            (tmp_path / f"d{folder}" / f"f{i:03}.txt").write_text("plain\n")
    (tmp_path / "d3" / "f123.txt").write_text(key)
    (tmp_path / "d4" / "x.log").write_text(ignored)
    (tmp_path / "d5" / "fixture.txt").write_text(skipped)
    # Cut even this small tree into subtrees: they carry their ignore rules to the workers.
    monkeypatch.setattr(scan, "_TREE_PARTS", 4)
    options = Options(paths=(str(tmp_path),), config=Config(skip=("fixture.txt",)), jobs=2)
    release = threading.Event()
    waiter = threading.Thread(target=release.wait)
    waiter.start()
    try:
        # A running thread makes the workers start from a fork server: the subtrees,
        # settings and rules are pickled on the way.
        outcome = run_scan(options)
    finally:
        release.set()
        waiter.join()
    assert [f.location.path for f in outcome.reported] == [f"{tmp_path}/d3/f123.txt"]
    assert outcome.files == 8 * 301 + 1
    assert outcome.findings == run_scan(replace(options, jobs=1)).findings
