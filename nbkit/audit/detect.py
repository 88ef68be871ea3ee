"""Find candidates (nb_ matches not yet classified) in bytes, plain or encoded.

Content stays bytes. One Hyperscan pass finds every place a candidate can
start, plain or encoded (`markers.py`); the key-body rule (a Python regex,
configurable) then runs only at those places, and each encoded marker is
decoded (`decode.py`) and its window searched the same way, to a bounded
depth, so that a key base64-encoded after percent-encoding is found too. The
left token boundary is checked in code.

Every cost is linear in the input, however dense the candidates: positions are
visited in order and line, column and the line's inline marker are carried
from one candidate to the next (`_Lines`), and each decoding looks at a
bounded window. Binary content is searched too, as `strings` would: printable
ASCII runs in place, and UTF-16 and UTF-32 runs around each wide `nb_`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Final

from nbkit.audit.decode import (
    Window,
    base64_window,
    escaped_window,
    hex_window,
    wide_window,
)
from nbkit.audit.markers import BASE64, ESCAPED, HEX, PLAIN, WIDE16, WIDE32, hits
from nbkit.audit.views import declared_length, is_packed, text_view
from nbkit.errors import InputError
from nbkit.keys import PREFIX_BYTES

__all__ = [
    "DEFAULT_BODY",
    "Candidate",
    "compile_pattern",
    "find_candidates",
    "is_at_boundary",
]

# Hex, base62 and base64url bodies (the last has `-` and `_`), 8 characters or more so that
# short placeholders and identifiers become candidates the classifiers can explain.
DEFAULT_BODY: Final = r"[A-Za-z0-9_-]{8,}"
# Template stand-ins: ${VAR}, {{ var }}, <var>, %(var)s and $VAR; bounded so a stray
# brace cannot make a match run across a whole file.
_TEMPLATE: Final = (
    rb"\$\{[^}\s]{1,80}\}"  # ${NB_API_KEY}
    rb"|\{\{[^}\n]{1,80}\}\}"  # {{ api_key }}
    rb"|<[^>\s]{1,80}>"  # <your-key>
    rb"|%\([^)\s]{1,80}\)s?"  # %(key)s
    rb"|\$[A-Za-z_][A-Za-z0-9_]{0,80}"  # $NB_KEY
)
_ALLOW_MARKER: Final = b"nbkit: allow"
_WORD_BYTES: Final = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_HEX_BYTES: Final = frozenset(b"0123456789abcdefABCDEF")
_BINARY: Final = "binary"
_WIDTHS: Final = {"utf-16": 2, "utf-32": 4}
# The shortest decoded window searched: `nb_` and four characters.
_MIN_DECODED: Final = len(PREFIX_BYTES) + 4
# Decodings nest up to this depth: base64 of a percent-encoded key is depth 2.
_MAX_DEPTH: Final = 4
# Another marker of a kind inside a window of that kind searched already, at this step
# from its start, was decoded with it: base64 by groups, hex by pairs.
_STEP: Final = {BASE64: 4, HEX: 2, ESCAPED: 1, WIDE16: 2, WIDE32: 4}


@dataclass(frozen=True, slots=True)
class Candidate:
    """An nb_ match at a token boundary; `value` is the raw key and never leaves the scan.

    `offset` is where it starts in the searched bytes (for UTF-16 text, twice the
    characters before it), so that a file read in overlapping chunks reports each once.
    """

    value: bytes = field(repr=False)
    line: int
    column: int
    encoding: str
    allowed_inline: bool
    offset: int = 0


def compile_pattern(body: str = DEFAULT_BODY) -> re.Pattern[bytes]:
    """The candidate regex: the literal prefix, then the body rule or a template stand-in."""
    try:
        # Compiled alone first, so that a stray bracket cannot swallow the template part.
        re.compile(body)
        return re.compile(PREFIX_BYTES + b"(?:(?:" + body.encode() + b")|" + _TEMPLATE + b")")
    except re.error as err:
        raise InputError(f"key-body rule {body!r}: not a valid regex ({err})") from err


_DEFAULT_PATTERN: Final = compile_pattern().pattern


def is_at_boundary(data: bytes, start: int) -> bool:
    """Whether the match at `start` begins a token, escapes and percent-encoding included."""
    if start == 0 or data[start - 1] not in _WORD_BYTES:
        return True
    # Percent-encoded separators: `Bearer%20nb_…`, `api_key%3Dnb_…`.
    if start >= 3 and data[start - 3] == 0x25 and data[start - 2] in _HEX_BYTES:
        return data[start - 1] in _HEX_BYTES
    # Backslash escapes in JSON and source strings: `\nnb_…`, `\u0022nb_…`, `\x3dnb_…`.
    if start >= 2 and data[start - 2] == 0x5C:
        return True
    if start >= 6 and data[start - 6 : start - 4] == b"\\u":
        return all(ch in _HEX_BYTES for ch in data[start - 4 : start])
    return start >= 4 and data[start - 4 : start - 2] == b"\\x"


class _Lines:
    """Line, column and inline marker at positions visited in increasing order.

    Each call looks only at the bytes since the previous one, and each line's bytes
    are searched for the marker once: the cost over a whole scan is linear, where
    recounting from the start of the data or of the line for every candidate is
    quadratic in a dense file. With a `width`, it also counts the characters before
    each position: `offset` is then where it is in the UTF-16 or UTF-32 text decoded.
    """

    __slots__ = (
        "allowed",
        "begin",
        "chars",
        "chars_at",
        "col",
        "col_at",
        "data",
        "end",
        "line",
        "width",
    )

    def __init__(self, data: bytes, *, width: int = 0) -> None:
        self.data = data
        self.line = 1
        self.begin = 0
        end = data.find(b"\n")
        self.end = len(data) if end < 0 else end
        self.allowed: bool | None = None  # searched for at the line's first candidate
        self.col = 1
        self.col_at = 0
        self.width = width
        self.chars = 0
        self.chars_at = 0

    def _count(self, start: int, stop: int) -> int:
        # ASCII-only stretches, the common case, need no decoding.
        part = self.data[start:stop]
        return len(part) if part.isascii() else len(part.decode("utf-8", "replace"))

    def at(self, pos: int) -> tuple[int, int, bool]:
        """(line, column in characters, inline marker on the line) at pos >= the last pos."""
        data = self.data
        if pos > self.end:
            self.line += data.count(b"\n", self.end, pos)
            self.begin = data.rfind(b"\n", self.end, pos) + 1
            end = data.find(b"\n", pos)
            self.end = len(data) if end < 0 else end
            self.allowed = None
            self.col, self.col_at = 1, self.begin
        if self.width:
            self.chars += self._count(self.chars_at, pos)
            self.chars_at = pos
        self.col += self._count(self.col_at, pos)
        self.col_at = pos
        if self.allowed is None:
            self.allowed = data.find(_ALLOW_MARKER, self.begin, self.end) >= 0
        return self.line, self.col, self.allowed

    def offset(self, pos: int) -> int:
        """Where pos, just visited, was before decoding."""
        return self.width * self.chars if self.width else pos


def _window(data: bytes, start: int, kind: str) -> Window | None:
    """The decoded window at an encoded marker (an escaped one only at a token boundary)."""
    if kind == BASE64:
        return base64_window(data, start)
    if kind == HEX:
        return hex_window(data, start)
    if kind == ESCAPED:
        return escaped_window(data, start) if is_at_boundary(data, start) else None
    return wide_window(data, start, kind)


def _is_default(pattern: re.Pattern[bytes]) -> bool:
    """Whether the pattern has the default body rule, which the base64 markers assume."""
    return pattern.pattern == _DEFAULT_PATTERN


def _search(
    data: bytes, pattern: re.Pattern[bytes], encoding: str, depth: int = 0
) -> list[Candidate]:
    """Candidates in one reading of the data: plain ones, and those in each decoded window.

    A decoded candidate is placed at its marker and labelled with the encodings it
    was found under, outermost first (`base64>percent`). Markers inside a candidate
    already found are part of it, and a window decoded makes the markers of its kind
    within it, at its alignment, need no decoding of their own.
    """
    markers = hits(data, filtered=_is_default(pattern))
    if not markers:
        return []  # most files: the one Hyperscan pass and nothing else
    binary = encoding == _BINARY
    found: list[Candidate] = []
    decoded: dict[tuple[bytes, int], Candidate] = {}
    lines = _Lines(data, width=_WIDTHS.get(encoding, 0))
    taken = 0
    searched: dict[str, tuple[int, int]] = {}
    for start, kind in markers:
        if start < taken:
            continue
        if kind == PLAIN:  # inline: a dense file holds one per key
            if not is_at_boundary(data, start) and not (binary and is_packed(data, start)):
                continue
            match = pattern.match(data, start)
            if match is None:
                continue
            value = declared_length(data, start, match.group()) if binary else match.group()
            line, column, allowed = lines.at(start)
            found.append(Candidate(value, line, column, encoding, allowed, lines.offset(start)))
            taken = start + len(value)
            continue
        span = searched.get(kind)
        if depth >= _MAX_DEPTH or (
            span is not None and start < span[1] and (start - span[0]) % _STEP[kind] == 0
        ):
            continue
        window = _window(data, start, kind)
        if window is None:
            continue
        searched[kind] = (window.start, window.end)
        if len(window.decoded) < _MIN_DECODED:
            continue  # `nb_` and what no body rule would take: a dense file of these
        # Decoded bytes are read as text: the binary-record rules (a length byte before
        # a string) would cut a key that a NUL and a space happen to precede.
        inner = _search(window.decoded, pattern, "raw", depth + 1)
        if not inner:
            continue
        line, column, allowed = lines.at(start)
        # The encoded run may start a few ASCII characters before the marker, on its line.
        back = start - window.start
        offset = lines.offset(start) - back * (lines.width or 1)
        for c in inner:
            # A UTF-16 or UTF-32 file's view is the outermost encoding.
            label = f"{encoding}>{window.label}" if encoding in _WIDTHS else window.label
            if c.encoding != "raw":
                label += ">" + c.encoding
            placed = Candidate(c.value, line, column - back, label, allowed, offset)
            decoded.setdefault((c.value, line), placed)
        taken = max(taken, window.end)
    return found + list(decoded.values())


def find_candidates(data: bytes, pattern: re.Pattern[bytes]) -> list[Candidate]:
    """Every candidate: plain, UTF-16 and UTF-32, escaped, hex, base64 (nested), in text
    and in binary data.

    Text that reads as UTF-16 or UTF-32 (a BOM, or NUL in the pattern of either) is
    searched decoded, and its bytes as they are too, as binary content is: BOM-like
    first bytes cannot hide an ASCII key, nor an ASCII header the text after it. What
    both readings find at one offset is reported once.
    """
    view = text_view(data)
    if view is None:
        return _search(data, pattern, _BINARY)
    text, encoding, bom = view
    found = _search(text, pattern, encoding)
    if encoding == "raw":
        return found
    if bom:
        # Offsets count from the first character, after the BOM.
        found = [replace(c, offset=c.offset + bom) for c in found]
    # A wide run reads the same in either byte order from a byte apart: "one offset" is
    # one character's width.
    seen = {(c.value, c.offset + shift) for c in found for shift in range(-3, 4)}
    more = _search(data, pattern, _BINARY)
    return found + [c for c in more if (c.value, c.offset) not in seen]
