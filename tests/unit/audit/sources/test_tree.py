"""Tests for nbkit.audit.sources.tree: what a walk yields and what it leaves out."""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from nbkit.audit.finding import ScanProblem
from nbkit.audit.ignore import IgnoreRules
from nbkit.audit.sources.tree import Entry, split, walk_subtree


def _make(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


_NESTED = {
    ".gitignore": "*.log\nbuild/\n",
    "a.py": "",
    "x.log": "",
    "build/out.py": "",
    "sub/.gitignore": "!keep.log\nlocal.txt\n",
    "sub/keep.log": "",
    "sub/local.txt": "",
    "sub/other.log": "",
    "sub/deeper/more/keep.log": "",
    "sub/deeper/more/local.txt": "",
    "sub/deeper/z.py": "",
    "other/one/two/three.py": "",
}


def walk(root: str, **options: object) -> Iterator[Entry | ScanProblem]:
    """The whole tree in one pass: the root is not cut (one part)."""
    met, subtrees = split([root], parts=1, **options)  # type: ignore[arg-type]
    yield from met
    for subtree in subtrees:
        yield from walk_subtree(subtree)


def _shown(root: Path, **options: object) -> list[str]:
    return sorted(e.display for e in walk(str(root), **options) if isinstance(e, Entry))


def _problems(root: Path) -> dict[str, str]:
    return {p.path: p.reason for p in walk(str(root)) if isinstance(p, ScanProblem)}


def test_gitignore_is_honoured_at_every_level(tmp_path: Path) -> None:
    _make(tmp_path, _NESTED)
    root = str(tmp_path)
    kept = [".gitignore", "a.py", "sub/.gitignore", "sub/keep.log", "sub/deeper/more/keep.log"]
    kept += ["sub/deeper/z.py", "other/one/two/three.py"]
    assert _shown(tmp_path) == sorted(f"{root}/{p}" for p in kept)


def test_no_ignore_scans_everything_but_git(tmp_path: Path) -> None:
    _make(tmp_path, {".gitignore": "*.log\n", "x.log": "", ".git/config": "", ".env": ""})
    shown = _shown(tmp_path, use_ignore=False)
    assert shown == sorted(f"{tmp_path}/{p}" for p in [".env", ".gitignore", "x.log"])


def test_dot_files_and_dot_folders_are_included(tmp_path: Path) -> None:
    _make(tmp_path, {".env": "", ".config/app.yaml": ""})
    assert _shown(tmp_path) == [f"{tmp_path}/.config/app.yaml", f"{tmp_path}/.env"]


def test_relative_root_gives_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make(tmp_path, {"pkg/a.py": ""})
    monkeypatch.chdir(tmp_path)
    assert [e.display for e in walk(".") if isinstance(e, Entry)] == ["pkg/a.py"]
    assert [e.display for e in walk("pkg") if isinstance(e, Entry)] == ["pkg/a.py"]


def test_skip_patterns_are_relative_to_the_root(tmp_path: Path) -> None:
    _make(tmp_path, {"fixtures/k.json": "", "src/a.py": ""})
    skip = IgnoreRules(["fixtures/"])
    assert _shown(tmp_path, skip=skip) == [f"{tmp_path}/src/a.py"]


def test_symlinks_are_not_followed_out_of_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    root = tmp_path / "root"
    _make(outside, {"secret.txt": ""})
    _make(root, {"inner.txt": ""})
    (root / "out-file").symlink_to(outside / "secret.txt")
    (root / "out-dir").symlink_to(outside)
    (root / "in-file").symlink_to(root / "inner.txt")
    (root / "loop").symlink_to(root / "loop")
    (root / "dir-link").symlink_to(root)
    assert _shown(root) == [f"{root}/in-file", f"{root}/inner.txt"]
    problems = _problems(root)
    assert "outside the root" in problems[f"{root}/out-file"]
    assert "outside the root" in problems[f"{root}/out-dir"]
    assert "loop" in problems[f"{root}/loop"]
    assert f"{root}/dir-link" not in problems  # walked as itself; following it would loop


def test_fifos_are_skipped_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    _make(tmp_path, {"a.txt": ""})
    assert _shown(tmp_path) == [f"{tmp_path}/a.txt"]
    assert "not a regular file" in _problems(tmp_path)[f"{tmp_path}/pipe"]
    (only,) = list(walk(str(tmp_path / "pipe")))
    assert isinstance(only, ScanProblem) and "not a regular file" in only.reason


def test_devices_are_skipped() -> None:
    (only,) = list(walk("/dev/null"))
    assert isinstance(only, ScanProblem) and not only.error


def test_names_with_newlines_are_escaped(tmp_path: Path) -> None:
    _make(tmp_path, {"odd\nname.txt": ""})
    (entry,) = [e for e in walk(str(tmp_path)) if isinstance(e, Entry)]
    assert entry.display.endswith("odd\\nname.txt")
    assert os.path.exists(entry.path)


def test_missing_root_is_an_error(tmp_path: Path) -> None:
    (only,) = list(walk(str(tmp_path / "absent")))
    assert isinstance(only, ScanProblem) and only.error


@pytest.mark.parametrize("parts", [1, 2, 3, 5, 100])
def test_split_covers_what_the_walk_covers(tmp_path: Path, parts: int) -> None:
    _make(tmp_path, _NESTED)
    met, subtrees = split([str(tmp_path)], parts=parts)
    # The subtrees cross a process boundary: walked after a pickle round trip, with the
    # ignore rules they inherit.
    copies = [pickle.loads(pickle.dumps(subtree)) for subtree in subtrees]
    got = met + [item for subtree in copies for item in walk_subtree(subtree)]
    assert sorted(map(repr, got)) == sorted(map(repr, walk(str(tmp_path))))
    assert len(subtrees) >= min(parts, 2) or not subtrees


def test_split_of_several_roots_and_files(tmp_path: Path) -> None:
    _make(tmp_path, {"one/a.py": "", "two/b/c.py": "", "single.txt": ""})
    roots = [str(tmp_path / "one"), str(tmp_path / "two"), str(tmp_path / "single.txt")]
    met, subtrees = split(roots, parts=1)
    walked = [e.display for s in subtrees for e in walk_subtree(s) if isinstance(e, Entry)]
    shown = sorted([e.display for e in met if isinstance(e, Entry)] + walked)
    assert shown == sorted(
        [f"{tmp_path}/one/a.py", f"{tmp_path}/two/b/c.py", f"{tmp_path}/single.txt"]
    )
