"""Hostile input to the key audit: dense candidates, bombs, binaries, huge files, FIFOs.

One test per class of issue 11's "Linear time, bounded memory" and "Nothing
skipped in silence". Keys are made at test time; nothing key-shaped is stored.
"""

from __future__ import annotations

import base64
import bz2
import gzip
import lzma
import os
import py_compile
import sqlite3
import subprocess
import sys
import threading
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import SupportsIndex

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbkit.audit.detect import compile_pattern, find_candidates
from nbkit.audit.scan import Options, run_scan
from nbkit.audit.sources.tree import Entry, split, walk_subtree
from nbkit.cli.audit import main as audit_main
from nbkit.keys import new_key

__all__: list[str] = []

PATTERN = compile_pattern()
# The documented budget (README, "Memory"): the peak RSS of one audit process that reads
# files under 16 MiB, whatever their archives inflate to.
RSS_BUDGET_MB = 150


class _Examined(bytes):
    """Bytes that add up how many of themselves the searches and slices look at."""

    examined = 0

    @staticmethod
    def _span(length: int, start: SupportsIndex | None, end: SupportsIndex | None) -> range:
        return range(length)[slice(start, end)]

    def count(
        self, sub: object, start: SupportsIndex | None = None, end: SupportsIndex | None = None
    ) -> int:
        _Examined.examined += len(self._span(len(self), start, end))
        return super().count(sub, start, end)  # type: ignore[arg-type]

    def find(
        self, sub: object, start: SupportsIndex | None = None, end: SupportsIndex | None = None
    ) -> int:
        found = super().find(sub, start, end)  # type: ignore[arg-type]
        span = self._span(len(self), start, end)
        _Examined.examined += (found - span.start + 1) if found >= 0 else len(span)
        return found

    def rfind(
        self, sub: object, start: SupportsIndex | None = None, end: SupportsIndex | None = None
    ) -> int:
        found = super().rfind(sub, start, end)  # type: ignore[arg-type]
        span = self._span(len(self), start, end)
        _Examined.examined += (span.stop - found) if found >= 0 else len(span)
        return found

    def __getitem__(self, key: SupportsIndex | slice) -> int | bytes:  # type: ignore[override]
        result = super().__getitem__(key)
        _Examined.examined += len(result) if isinstance(result, bytes) else 1
        return result


def _work(data: bytes) -> tuple[int, int]:
    """(candidates found, bytes the search examined beyond its one marker pass)."""
    _Examined.examined = 0
    found = find_candidates(_Examined(data), PATTERN)
    return len(found), _Examined.examined


@pytest.mark.parametrize("shape", ["one-line bundle", "base64 lines"])
def test_detection_work_is_linear_in_dense_input(shape: str) -> None:
    def make(tokens: int) -> bytes:
        if shape == "one-line bundle":
            return b";".join(b"var k=" + new_key().encode() + b";x=1" * 20 for _ in range(tokens))
        lines = (base64.b64encode(new_key().encode()) + b"\n" for _ in range(tokens))
        return b"".join(lines)

    small, large = make(4_000), make(16_000)
    (found_small, work_small), (found_large, work_large) = _work(small), _work(large)
    assert (found_small, found_large) == (4_000, 16_000)
    # A few passes over the input, at either size. Recounting lines from the start, or
    # slicing the line, per candidate makes this grow with the square of the size:
    # thousands of times the input here.
    assert work_small <= 8 * len(small)
    assert work_large <= 8 * len(large)


# Files dense with one decoder's marker where no key follows, or too short a one: each
# marker's window is read a little way and no further.
_MARKER_DENSE = {
    "utf-16 prefixes": lambda n: ("nb_!" * n).encode("utf-16-le") + b"\x00\x01",
    "utf-16 short bodies": lambda n: ("nb_abcdefg!" * n).encode("utf-16-le") + b"\x00\x01",
    "utf-32 short bodies": lambda n: ("nb_abcdef!" * n).encode("utf-32-le"),
    "hex short bodies": lambda n: b" ".join(b"6e625f" + b"41" * 6 + b"00" for _ in range(n)),
    "escaped short bodies": lambda n: b"&".join(b"k=%6E%62%5F" + b"%41" * 6 for _ in range(n)),
    "base64 of noise": lambda n: b"\n".join(
        base64.b64encode(b" nb_abcdef" + bytes(range(i % 7, i % 7 + 200))) for i in range(n)
    ),
}


@pytest.mark.parametrize("shape", sorted(_MARKER_DENSE))
def test_marker_dense_input_reads_each_window_a_little_way(shape: str) -> None:
    data = _MARKER_DENSE[shape](10_000)
    found, work = _work(data)
    assert found == 0
    # Before, every UTF-16 marker sliced a 2 KB window: 500 times the input.
    assert work <= 10 * len(data)


def _rss_mb_of_audit(path: Path, tmp_path: Path) -> int:
    """Peak RSS of one audit process over path, running the nbkit this test imported."""
    import nbkit

    script = (
        "import resource, sys\n"
        # The nbkit under test, even where an editable install would map another one.
        "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f)]\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from nbkit.cli.audit import main\n"
        "code = main(sys.argv[2:])\n"
        # getrusage's ru_maxrss keeps the peak of the process before exec (the forked test
        # process); the kernel's VmHWM is this program's own.
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "for line in open('/proc/self/status'):\n"
        "    if line.startswith('VmHWM:'):\n"
        "        peak = int(line.split()[1])\n"
        "print(peak // 1024, file=sys.stderr)\n"
    )
    root = str(Path(nbkit.__file__).parents[1])
    report = tmp_path / "report.json"
    args = [root, str(path), "--jobs", "1", "--format", "json", "--output", str(report)]
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=False
    )
    assert done.returncode in (0, 1, 2), done.stderr
    return int(done.stderr.strip().splitlines()[-1])


def test_a_gzip_bomb_stays_within_the_memory_budget(tmp_path: Path) -> None:
    # About 5 MB of gzip that inflates to over 1 GB of zeros, in one member.
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)
    block = bytes(16 << 20)
    bomb = b"".join(packer.compress(block) for _ in range(68)) + packer.flush()
    assert 4_000_000 < len(bomb) < 6_000_000
    folder = tmp_path / "tree"
    folder.mkdir()
    (folder / "bomb.gz").write_bytes(bomb)
    (folder / "ok.txt").write_text("nothing here\n")
    assert _rss_mb_of_audit(folder, tmp_path) < RSS_BUDGET_MB


@pytest.mark.parametrize(
    "compress", [gzip.compress, bz2.compress, lzma.compress], ids=["gzip", "bzip2", "xz"]
)
def test_every_member_of_a_multi_member_stream_is_read(
    compress: Callable[[bytes], bytes], tmp_path: Path
) -> None:
    key = new_key()
    data = compress(b"first member, nothing\n") + compress(f"second = {key}\n".encode())
    (tmp_path / "notes.txt.gz").write_bytes(data)
    outcome = run_scan(Options(paths=(str(tmp_path),)))
    assert [f.location.path.rsplit("/", 1)[-1] for f in outcome.reported] == [
        "notes.txt.gz!notes.txt"
    ]


def test_every_item_not_scanned_is_counted_in_one_summary_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "ok.txt").write_text("x = 1\n")
    os.mkfifo(tree / "pipe")
    (tree / "gone.txt").symlink_to(tree / "nowhere")
    assert audit_main([str(tree)]) == 0
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last == (
        "nbkit: scanned 1 file(s), 6 bytes; "
        "skipped 2: 1 broken symlink or symlink loop, 1 not a regular file"
    )
    # --verbose names them, keys in names redacted; a scan that read nothing says so and
    # fails.
    empty = tmp_path / "empty"
    empty.mkdir()
    key = new_key()
    os.mkfifo(empty / f"{key}.pipe")
    assert audit_main([str(empty), "--verbose"]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert err[0].endswith(": not a regular file (FIFO, socket or device); skipped")
    assert err[-1].startswith("nbkit: error: read nothing: scanned 0 file(s)")
    assert key[3:] not in captured.err + captured.out


def test_keys_in_binary_files_are_found(tmp_path: Path) -> None:
    keys = [new_key() for _ in range(3)]
    for name, encoding, key in (("ascii.db", "UTF-8", keys[0]), ("wide.db", "UTF-16le", keys[1])):
        with sqlite3.connect(tmp_path / name) as db:
            db.execute(f'PRAGMA encoding = "{encoding}"')
            db.execute("CREATE TABLE settings (name TEXT, value TEXT)")
            db.execute("INSERT INTO settings VALUES ('api', ?)", (key,))
        db.close()
    source = tmp_path / "conf.py"
    source.write_text(f"KEY = {keys[2]!r}\n")
    py_compile.compile(str(source), cfile=str(tmp_path / "conf.pyc"), doraise=True)
    source.unlink()
    outcome = run_scan(Options(paths=(str(tmp_path),)))
    found = {f.location.path.rsplit("/", 1)[-1]: f.fingerprint for f in outcome.reported}
    from nbkit.keys import fingerprint

    assert found == {
        "ascii.db": fingerprint(keys[0]),
        "wide.db": fingerprint(keys[1]),
        "conf.pyc": fingerprint(keys[2]),
    }


_LIMIT = 4096


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shift=st.integers(-80, 80), edge=st.sampled_from([1, 2, 3]), text=st.booleans())
def test_files_over_the_size_limit_are_scanned_in_chunks_without_loss(
    tmp_path_factory: pytest.TempPathFactory, shift: int, edge: int, text: bool
) -> None:
    key = new_key().encode()
    at = edge * _LIMIT + shift
    filler = (b"ab cd\n" * _LIMIT)[: 5 * _LIMIT] if text else bytes(5 * _LIMIT)
    data = filler[: at - 1] + b" " + key + b" " + filler[at + len(key) + 1 :]
    folder = tmp_path_factory.mktemp("big")
    (folder / "big.txt").write_bytes(data)
    outcome = run_scan(Options(paths=(str(folder),), max_file_size=_LIMIT))
    assert [f.location.line for f in outcome.reported] == [data.count(b"\n", 0, at) + 1]
    assert outcome.problems == ()


def test_a_path_swapped_for_a_fifo_after_the_walk_never_blocks(tmp_path: Path) -> None:
    from nbkit.audit.classify import Context
    from nbkit.audit.content import Settings, scan_entries
    from nbkit.audit.sources.archive import Limits

    (tmp_path / "a.txt").write_text("x = 1\n")
    met, subtrees = split([str(tmp_path)], parts=1)
    entries = [*met, *(e for tree in subtrees for e in walk_subtree(tree))]
    assert [type(e) for e in entries] == [Entry]
    (tmp_path / "a.txt").unlink()
    os.mkfifo(tmp_path / "a.txt")
    result: list[object] = []
    scan = Settings(PATTERN, Context(), 1 << 20, Limits(), collect_keys=False)
    worker = threading.Thread(target=lambda: result.append(scan_entries(entries, scan)))
    worker.start()
    worker.join(60)
    if worker.is_alive():  # it blocked in open(): give it a writer so that the test ends
        os.close(os.open(tmp_path / "a.txt", os.O_WRONLY))
        worker.join()
    assert result and not worker.is_alive()
    (batch,) = result
    assert [p.reason for p in batch.problems] == [  # type: ignore[attr-defined]
        "not a regular file (FIFO, socket or device); skipped"
    ]


@pytest.mark.parametrize("first", [b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"])
def test_bom_like_first_bytes_do_not_hide_an_ascii_key(first: bytes, tmp_path: Path) -> None:
    key = new_key()
    (tmp_path / "k.txt").write_bytes(first + f"\nNB_API_KEY={key}\n".encode())
    outcome = run_scan(Options(paths=(str(tmp_path),)))
    assert [f.location.line for f in outcome.reported] == [2]
