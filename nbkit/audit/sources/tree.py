"""Walk a working tree: .gitignore honoured, dot-files kept, .git and outside symlinks left out."""

from __future__ import annotations

import collections
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from nbkit.audit.finding import ScanProblem, display_path
from nbkit.audit.ignore import IgnoreRules

__all__ = ["NOT_REGULAR", "Entry", "Subtree", "split", "walk_subtree"]

_IGNORE_FILE: Final = ".gitignore"
_GIT_DIR: Final = ".git"
NOT_REGULAR: Final = "not a regular file (FIFO, socket or device); skipped"


@dataclass(slots=True)
class Entry:
    """A regular file to scan: where to open it and how to report it."""

    path: str
    display: str
    # Whether to open through a symlink: only roots and links checked on the walk.
    follow: bool = False


@dataclass(frozen=True, slots=True)
class _Rules:
    """The ignore rules of one directory; patterns are relative to `base`."""

    base: str
    spec: IgnoreRules


def _read_rules(path: str, base: str) -> _Rules | None:
    try:
        with open(path, "rb") as handle:
            lines = handle.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    spec = IgnoreRules(lines)
    return _Rules(base, spec) if spec else None


def _is_ignored(rel: str, is_dir: bool, rules: tuple[_Rules, ...]) -> bool:
    # The deepest .gitignore that has an opinion wins, as in git.
    for rule in reversed(rules):
        if rel.startswith(rule.base):
            verdict = rule.spec.verdict(rel[len(rule.base) :] + ("/" if is_dir else ""))
            if verdict is not None:
                return verdict
    return False


def _join(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


def _symlink_entry(path: str, display: str, real_root: str) -> Entry | ScanProblem | None:
    target = os.path.realpath(path)
    if os.path.commonpath([real_root, target]) != real_root:
        return ScanProblem(display, "symlink points outside the root; not followed")
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return ScanProblem(display, "broken symlink or symlink loop; skipped")
    if stat.S_ISREG(mode):
        return Entry(path, display, follow=True)
    if stat.S_ISDIR(mode):
        return None  # its target is inside the root and walked there; following it could loop
    return ScanProblem(display, "symlink to a special file; skipped")


def _root_display(root: str) -> str:
    cleaned = os.path.normpath(root)
    return "" if cleaned == "." else cleaned


@dataclass(frozen=True, slots=True)
class _Walk:
    """What every directory under one root shares."""

    prefix: str  # how the root is shown in front of relative paths
    real_root: str
    use_ignore: bool
    skip: IgnoreRules | None


@dataclass(frozen=True, slots=True)
class Subtree:
    """A directory still to walk, with the ignore rules it inherits.

    Picklable: worker processes walk subtrees themselves, so only these few
    objects cross a process boundary, not one object per file.
    """

    walk: _Walk
    path: str
    rel: str
    rules: tuple[_Rules, ...]


def _start(root: str, use_ignore: bool, skip: IgnoreRules | None) -> Entry | ScanProblem | Subtree:
    prefix = _root_display(root)
    try:
        mode = os.stat(root).st_mode
    except OSError as err:
        return ScanProblem(display_path(root), f"cannot read ({err.strerror})", error=True)
    if stat.S_ISREG(mode):
        return Entry(root, display_path(prefix or root), follow=True)
    if not stat.S_ISDIR(mode):
        return ScanProblem(display_path(root), NOT_REGULAR)
    rules: tuple[_Rules, ...] = ()
    exclude = os.path.join(root, _GIT_DIR, "info", "exclude")
    if use_ignore and os.path.isfile(exclude):
        found = _read_rules(exclude, "")
        rules = (found,) if found else ()
    return Subtree(_Walk(prefix, os.path.realpath(root), use_ignore, skip), root, "", rules)


def _level(tree: Subtree) -> tuple[list[Entry | ScanProblem], list[Subtree]]:
    """One directory: its files and the problems met, and its subdirectories to walk."""
    walk = tree.walk
    rules = tree.rules
    base = _join(tree.rel, "")
    shown_base = _join(walk.prefix, base) if walk.prefix else base
    found: list[Entry | ScanProblem] = []
    subdirs: list[Subtree] = []
    try:
        with os.scandir(tree.path) as scan:
            entries = list(scan)
    except OSError as err:
        shown = _join(walk.prefix, tree.rel) if walk.prefix else tree.rel
        found.append(ScanProblem(display_path(shown), f"cannot list ({err.strerror})", True))
        return found, subdirs
    # The listing tells whether there is an ignore file: no failed open() per directory.
    if walk.use_ignore and any(entry.name == _IGNORE_FILE for entry in entries):
        ignore = _read_rules(os.path.join(tree.path, _IGNORE_FILE), base)
        rules = (*rules, ignore) if ignore else rules
    ignoring = walk.use_ignore and bool(rules)
    for entry in entries:
        name = entry.name
        if name == _GIT_DIR:
            continue
        try:
            # d_type answers these without a system call on most file systems.
            is_file = entry.is_file(follow_symlinks=False)
            is_dir = not is_file and entry.is_dir(follow_symlinks=False)
            is_link = not is_file and not is_dir and entry.is_symlink()
        except OSError as err:
            shown = display_path(shown_base + name)
            found.append(ScanProblem(shown, f"cannot stat ({err.strerror})", True))
            continue
        rel = base + name
        if (ignoring and _is_ignored(rel, is_dir, rules)) or (
            walk.skip is not None and walk.skip.match_file(rel + ("/" if is_dir else ""))
        ):
            continue
        if is_file:
            found.append(Entry(entry.path, display_path(shown_base + name)))
        elif is_dir:
            subdirs.append(Subtree(walk, entry.path, rel, rules))
        elif is_link:
            linked = _symlink_entry(entry.path, display_path(shown_base + name), walk.real_root)
            if linked is not None:
                found.append(linked)
        else:
            found.append(ScanProblem(display_path(shown_base + name), NOT_REGULAR))
    return found, subdirs


def walk_subtree(tree: Subtree) -> Iterator[Entry | ScanProblem]:
    """Every file under the subtree to scan, and a ScanProblem for everything left out."""
    stack = [tree]
    while stack:
        found, subdirs = _level(stack.pop())
        yield from found
        stack.extend(reversed(subdirs))


def split(
    roots: Iterable[str],
    *,
    use_ignore: bool = True,
    skip: IgnoreRules | None = None,
    parts: int,
) -> tuple[list[Entry | ScanProblem], list[Subtree]]:
    """The roots cut into at least `parts` subtrees if they have that many directories.

    Directories are listed breadth-first until enough subtrees wait; the files and
    problems met on the way are returned beside them. Ignore files and `skip`
    patterns are matched against paths relative to each root.
    """
    met: list[Entry | ScanProblem] = []
    pending: collections.deque[Subtree] = collections.deque()
    for root in roots:
        start = _start(root, use_ignore, skip)
        if isinstance(start, Subtree):
            pending.append(start)
        else:
            met.append(start)
    while pending and len(pending) < parts:
        found, subdirs = _level(pending.popleft())
        met.extend(found)
        pending.extend(subdirs)
    return met, list(pending)
