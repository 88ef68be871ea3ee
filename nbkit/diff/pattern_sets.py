"""Whether one JSON Schema `pattern` accepts every string another accepts.

A `pattern` matches anywhere in the string (ECMA-262 search, not a full
match), so each pattern is first turned into the full-match regex of the same
set: `^`/`$` at its ends are dropped, otherwise `[\\s\\S]*` pads that end.
interegular builds the finite automata and decides containment. The answer
is None where it cannot be decided: back-references, look-arounds, anchors
inside the pattern, or a pattern interegular does not parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Final

import interegular

__all__ = ["contains"]

# Any string, line breaks included: what an unanchored end of a pattern allows.
_ANY: Final = r"[\s\S]*"
# Look-arounds (`(?=`, `(?!`, `(?<=`, `(?<!`): interegular handles only some of them.
_LOOKAROUND: Final = re.compile(r"\(\?<?[=!]")
# A counted repetition `{m,n}`; huge counts build huge automata.
_COUNT: Final = re.compile(r"\{(\d+)(?:,(\d*))?\}")
_MAX_COUNT: Final = 4000


def _unescaped(pattern: str, index: int) -> bool:
    """Whether the character at `index` is not escaped by an odd run of backslashes."""
    run = 0
    while index - run - 1 >= 0 and pattern[index - run - 1] == "\\":
        run += 1
    return run % 2 == 0


def _syntax(body: str) -> Iterator[tuple[str, int, bool]]:
    """Each unescaped character with its group depth and whether it sits in a `[...]` class."""
    depth, in_class = 0, False
    for i, char in enumerate(body):
        if not _unescaped(body, i):
            continue
        yield char, depth, in_class
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1


def _full_match(pattern: str) -> str | None:
    """The full-match regex of the strings `pattern` finds a match in; None if not regular here."""
    if _LOOKAROUND.search(pattern):
        return None
    body = pattern
    start = body.startswith("^")
    if start:
        body = body[1:]
    end = body.endswith("$") and _unescaped(body, len(body) - 1)
    if end:
        body = body[:-1]
    syntax = [(char, depth) for char, depth, in_class in _syntax(body) if not in_class]
    # An anchor left inside, or anchors that bind only one side of a `|`, is not handled.
    inner_anchor = any(char in "^$" for char, _ in syntax)
    if inner_anchor or ((start or end) and ("|", 0) in syntax):
        return None
    for match in _COUNT.finditer(body):
        if any(int(group) > _MAX_COUNT for group in match.groups() if group):
            return None
    return f"{'' if start else _ANY}(?:{body}){'' if end else _ANY}"


@lru_cache(maxsize=512)
def _automaton(pattern: str) -> interegular.FSM | None:
    full = _full_match(pattern)
    if full is None:
        return None
    try:
        return interegular.parse_pattern(full).to_fsm()
    except (interegular.Unsupported, interegular.InvalidSyntax, ValueError, IndexError):
        return None


def contains(outer: str, inner: str) -> bool | None:
    """Whether every string `inner` accepts is accepted by `outer`; None if undecidable."""
    if outer == inner:
        return True
    big, small = _automaton(outer), _automaton(inner)
    if big is None or small is None:
        return None
    return bool(small.issubset(big))  # type: ignore[no-untyped-call]
