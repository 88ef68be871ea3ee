"""Walk a working tree: .gitignore honoured, dot-files kept, .git and outside symlinks left out."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from nbkit.audit.finding import Problem, display_path

if TYPE_CHECKING:
    import pathspec

__all__ = ["Entry", "walk"]

_IGNORE_FILE: Final = ".gitignore"
_GIT_DIR: Final = ".git"


@dataclass(frozen=True, slots=True)
class Entry:
    """A regular file to scan: where to open it and how to report it."""

    path: str
    display: str


@dataclass(frozen=True, slots=True)
class _Rules:
    """The ignore rules of one directory; patterns are relative to `base`."""

    base: str
    spec: pathspec.GitIgnoreSpec


def _read_rules(path: str, base: str) -> _Rules | None:
    try:
        with open(path, "rb") as handle:
            lines = handle.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    import pathspec  # only trees with ignore files pay for the import

    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    return _Rules(base, spec) if spec.patterns else None


def _is_ignored(rel: str, is_dir: bool, rules: tuple[_Rules, ...]) -> bool:
    # The deepest .gitignore that has an opinion wins, as in git.
    for rule in reversed(rules):
        if rel.startswith(rule.base):
            result = rule.spec.check_file(rel[len(rule.base) :] + ("/" if is_dir else ""))
            if result.include is not None:
                return bool(result.include)
    return False


def _join(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


def _symlink_entry(path: str, display: str, real_root: str) -> Entry | Problem | None:
    target = os.path.realpath(path)
    if os.path.commonpath([real_root, target]) != real_root:
        return Problem(display, "symlink points outside the root; not followed")
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return Problem(display, "broken symlink or symlink loop; skipped")
    if stat.S_ISREG(mode):
        return Entry(path, display)
    if stat.S_ISDIR(mode):
        return None  # its target is inside the root and walked there; following it could loop
    return Problem(display, "symlink to a special file; skipped")


def _root_display(root: str) -> str:
    cleaned = os.path.normpath(root)
    return "" if cleaned == "." else cleaned


def walk(
    root: str, *, use_ignore: bool = True, skip: pathspec.GitIgnoreSpec | None = None
) -> Iterator[Entry | Problem]:
    """Every file under root to scan, and a Problem for everything left out on the way.

    Ignore files and `skip` patterns are matched against paths relative to root.
    """
    prefix = _root_display(root)
    try:
        mode = os.stat(root).st_mode
    except OSError as err:
        yield Problem(display_path(root), f"cannot read ({err.strerror})", error=True)
        return
    if not stat.S_ISDIR(mode):
        if stat.S_ISREG(mode):
            yield Entry(root, display_path(prefix or root))
        else:
            yield Problem(
                display_path(root), "not a regular file (FIFO, socket or device); skipped"
            )
        return
    real_root = os.path.realpath(root)
    rules: tuple[_Rules, ...] = ()
    exclude = os.path.join(root, _GIT_DIR, "info", "exclude")
    if use_ignore and os.path.isfile(exclude):
        found = _read_rules(exclude, "")
        rules = (found,) if found else ()
    stack: list[tuple[str, str, tuple[_Rules, ...]]] = [(root, "", rules)]
    while stack:
        directory, rel_dir, inherited = stack.pop()
        if use_ignore:
            found = _read_rules(os.path.join(directory, _IGNORE_FILE), _join(rel_dir, ""))
            inherited = (*inherited, found) if found else inherited
        try:
            with os.scandir(directory) as scan:
                entries = list(scan)
        except OSError as err:
            yield Problem(
                display_path(_join(prefix, rel_dir)), f"cannot list ({err.strerror})", True
            )
            continue
        subdirs: list[tuple[str, str, tuple[_Rules, ...]]] = []
        base = _join(rel_dir, "")
        shown_base = _join(prefix, base) if prefix else base
        for entry in entries:
            name = entry.name
            if name == _GIT_DIR:
                continue
            rel = base + name
            try:
                # d_type answers these without a system call on most file systems.
                is_file = entry.is_file(follow_symlinks=False)
                is_dir = not is_file and entry.is_dir(follow_symlinks=False)
                is_link = not is_file and not is_dir and entry.is_symlink()
            except OSError as err:
                shown = display_path(shown_base + name)
                yield Problem(shown, f"cannot stat ({err.strerror})", error=True)
                continue
            if (use_ignore and inherited and _is_ignored(rel, is_dir, inherited)) or (
                skip is not None and skip.match_file(rel + ("/" if is_dir else ""))
            ):
                continue
            if is_file:
                yield Entry(entry.path, display_path(shown_base + name))
            elif is_dir:
                subdirs.append((entry.path, rel, inherited))
            elif is_link:
                linked = _symlink_entry(entry.path, display_path(shown_base + name), real_root)
                if linked is not None:
                    yield linked
            else:
                reason = "not a regular file (FIFO, socket or device)"
                yield Problem(display_path(shown_base + name), reason)
        stack.extend(subdirs)
