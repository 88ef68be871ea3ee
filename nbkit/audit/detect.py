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
    MAX_CANDIDATE_BYTES,
    Window,
    base64_window,
    escaped_window,
    hex_window,
    wide_windows,
)
from nbkit.audit.markers import BASE64, ESCAPED, HEX, PLAIN, WIDE16, WIDE32, hits
from nbkit.errors import InputError
from nbkit.keys import PREFIX_BYTES

__all__ = [
    "DEFAULT_BODY",
    "MAX_CANDIDATE_BYTES",
    "SNIFF_BYTES",
    "Candidate",
    "compile_pattern",
    "find_candidates",
    "holds_no_candidate",
    "is_at_boundary",
    "is_binary",
    "text_view",
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
SNIFF_BYTES: Final = 8000
_BINARY: Final = "binary"
# `nb_` and the shortest body a classifier still judges.
_MIN_DECLARED: Final = len(PREFIX_BYTES) + 8
# A word-inner match in binary content counts when a control byte is this close before it.
_PACKED_WINDOW: Final = 32
_TEXT_BYTES: Final = bytes(range(0x20, 0x7F)) + b"\t\n\r"
# marshal's type codes of short strings (ASCII, interned), without the reference flag.
_STRING_TYPES: Final = frozenset(b"zZaA")
# UTF-32 first: its little-endian BOM starts with UTF-16's.
_BOMS: Final = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_BOM_STARTS: Final = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_WIDTHS: Final = {"utf-16": 2, "utf-32": 4}
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


def _wide_codec(sample: bytes) -> str | None:
    """The UTF-32 or UTF-16 codec that fits a BOM-less sample: ASCII text in UTF-32 has NUL
    in three bytes of four, in UTF-16 in every other byte."""
    quads = len(sample) // 4
    if quads < 2:
        return None
    columns = [sample[i : quads * 4 : 4].count(0) for i in range(4)]
    if min(columns[1:]) * 10 >= quads * 4 and columns[0] * 20 < quads:
        return "utf-32-le"
    if min(columns[:3]) * 10 >= quads * 4 and columns[3] * 20 < quads:
        return "utf-32-be"
    even, odd = columns[0] + columns[2], columns[1] + columns[3]
    if odd * 10 >= quads * 8 and even * 20 < quads * 2:
        return "utf-16-le"
    if even * 10 >= quads * 8 and odd * 20 < quads * 2:
        return "utf-16-be"
    return None


def is_binary(head: bytes) -> bool:
    """Whether content that starts with head is binary: a NUL byte, and not UTF-16 or
    UTF-32 text.

    Binary content is still searched, for ASCII, UTF-16 and UTF-32 runs, as `strings` does.
    """
    # find() with bounds: slicing would copy the block for every file.
    if head.find(b"\x00", 0, SNIFF_BYTES) < 0 or head.startswith(_BOM_STARTS):
        return False
    return _wide_codec(head[:SNIFF_BYTES]) is None


def text_view(data: bytes) -> tuple[bytes, str, int] | None:
    """The bytes to search as text, their encoding label and the length of the BOM, or None
    for binary content."""
    if data.find(b"\x00", 0, SNIFF_BYTES) < 0 and not data.startswith(_BOM_STARTS):
        return data, "raw", 0
    for bom, family in _BOMS:
        if data.startswith(bom):
            codec, skip = family, len(bom)
            break
    else:
        found = _wide_codec(data[:SNIFF_BYTES])
        if found is None:
            return None
        codec, skip = found, 0
    text = data.decode(codec, "replace").encode("utf-8", "replace")
    return text, codec[:6], skip


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


def _plain(data: bytes, start: int, pattern: re.Pattern[bytes], binary: bool) -> bytes | None:
    """The candidate a plain `nb_` at `start` begins, if any."""
    if not is_at_boundary(data, start) and not (binary and _is_packed(data, start)):
        return None
    match = pattern.match(data, start)
    if match is None:
        return None
    return _declared_length(data, start, match.group()) if binary else match.group()


def _windows(data: bytes, start: int, kind: str) -> list[Window]:
    if kind == BASE64:
        window = base64_window(data, start)
    elif kind == HEX:
        window = hex_window(data, start)
    elif kind == ESCAPED:
        window = escaped_window(data, start) if is_at_boundary(data, start) else None
    else:
        return wide_windows(data, start, kind)
    return [] if window is None else [window]


def _is_packed(data: bytes, start: int) -> bool:
    """Whether a match inside a word sits in a binary record: formats pack strings side by
    side (a SQLite record: its header bytes, `api`, then the key). Text that merely holds
    a stray NUL byte keeps the boundary rule: no control byte just before."""
    return bool(data[max(0, start - _PACKED_WINDOW) : start].translate(None, _TEXT_BYTES))


def _declared_length(data: bytes, start: int, value: bytes) -> bytes:
    """A length-prefixed string (marshal in .pyc files, protobuf) ends where its length byte
    says, not at the next byte that happens to be a letter.

    Only behind a framing byte (a type code or tag: not printable, or marshal's short
    string codes), so that `= nb_…` in text is not read as a string of 32 bytes.
    """
    if start < 2 or not (data[start - 2] in _STRING_TYPES or not 0x20 <= data[start - 2] < 0x7F):
        return value
    declared = data[start - 1]
    return value[:declared] if _MIN_DECLARED <= declared < len(value) else value


def holds_no_candidate(data: bytes, pattern: re.Pattern[bytes] | None = None) -> bool:
    """True for content without a marker, the common case, answered in one quick pass.

    False means the full search has to decide: a marker, or UTF-16 or UTF-32 text
    (whose encoded forms the markers do not cover). `pattern` is the candidate regex
    the search will use (None: the default one).
    """
    filtered = pattern is None or _is_default(pattern)
    if data.startswith(_BOM_STARTS):
        return False
    if data.find(b"\x00", 0, SNIFF_BYTES) >= 0 and _wide_codec(data[:SNIFF_BYTES]) is not None:
        return False
    return not hits(data, filtered=filtered)


def _is_default(pattern: re.Pattern[bytes]) -> bool:
    """Whether the pattern has the default body rule, which the base64 markers assume."""
    return pattern.pattern == _DEFAULT_PATTERN


def _search(
    data: bytes, pattern: re.Pattern[bytes], encoding: str, depth: int = 0
) -> list[Candidate]:
    """Candidates in one reading of the data: plain ones, and those in each decoded window.

    A decoded candidate is placed at its marker and labelled with the encodings it
    was found under, outermost first (`base64>percent`). Markers inside a candidate
    already found are part of it; a window that found nothing makes the markers of its
    kind it decoded with it (same alignment, within it) need no second decoding.
    """
    binary = encoding == _BINARY
    found: list[Candidate] = []
    decoded: dict[tuple[bytes, int], Candidate] = {}
    lines = _Lines(data, width=_WIDTHS.get(encoding, 0))
    taken = 0
    searched: dict[str, tuple[int, int]] = {}
    for start, kind in hits(data, filtered=_is_default(pattern)):
        if start < taken:
            continue
        if kind == PLAIN:
            value = _plain(data, start, pattern, binary)
            if value is not None:
                line, column, allowed = lines.at(start)
                found.append(Candidate(value, line, column, encoding, allowed, lines.offset(start)))
                taken = start + len(value)
            continue
        span = searched.get(kind)
        if depth >= _MAX_DEPTH or (
            span is not None and start < span[1] and (start - span[0]) % _STEP[kind] == 0
        ):
            continue
        for window in _windows(data, start, kind):
            searched[kind] = (window.start, window.end)
            inner_mode = _BINARY if b"\x00" in window.decoded else "raw"
            inner = _search(window.decoded, pattern, inner_mode, depth + 1)
            if not inner:
                continue
            line, column, allowed = lines.at(start)
            # The encoded run may start a few ASCII characters before the marker, on its line.
            back = start - window.start
            offset = lines.offset(start) - back * (lines.width or 1)
            for c in inner:
                label = window.label
                if c.encoding not in ("raw", _BINARY):
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
