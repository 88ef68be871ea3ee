"""Gitignore-style patterns (pathspec) that can travel to worker processes.

pathspec compiles patterns with Hyperscan when it is installed, as it is with
nbkit, and a Hyperscan database does not pickle. `IgnoreRules` pickles as its
lines and compiles them again on arrival.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["IgnoreRules"]


class IgnoreRules:
    """Patterns in .gitignore syntax, matched against paths relative to where they apply."""

    __slots__ = ("_spec", "lines")

    def __init__(self, lines: Iterable[str]) -> None:
        import pathspec  # only trees with ignore files or skip patterns pay for the import

        self.lines = tuple(lines)
        self._spec = pathspec.GitIgnoreSpec.from_lines(self.lines)

    def __reduce__(self) -> tuple[type[IgnoreRules], tuple[tuple[str, ...]]]:
        return IgnoreRules, (self.lines,)

    def __bool__(self) -> bool:
        """Whether any line is a pattern (not only blanks and comments)."""
        return bool(self._spec.patterns)

    def verdict(self, path: str) -> bool | None:
        """True: ignored, False: re-included by a `!` pattern, None: no pattern matches.

        A directory's path ends with `/`.
        """
        include = self._spec.check_file(path).include
        return None if include is None else bool(include)

    def match_file(self, path: str) -> bool:
        """Whether the patterns ignore path."""
        return bool(self._spec.match_file(path))
