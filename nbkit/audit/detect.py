"""Find candidates (nb_ matches not yet classified) in bytes, plain or encoded.

Content stays bytes. One Hyperscan pass finds every place a candidate can
start, plain `nb_`, its base64 forms and `nb_` in UTF-16, several times faster
than one `bytes.find` pass per marker; the key-body rule (a Python regex,
configurable) then runs only at those places. The left token boundary is
checked in code.

Every cost is linear in the input, however dense the candidates: positions are
visited in order and line, column and the line's inline marker are carried
from one candidate to the next (`_Lines`), and each decoding looks at a
bounded window. Binary content is searched too, as `strings` would: printable
ASCII runs in place, and UTF-16 runs around each UTF-16 `nb_`.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass, field, replace
from typing import Final

from nbkit.audit.markers import PLAIN, UTF16, hits
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
_BASE64_GROUP: Final = re.compile(rb"[A-Za-z0-9+/_-]{4}")
# The encoded key: bounded, since a key body is at most a few hundred characters.
_BASE64_TAIL: Final = re.compile(rb"[A-Za-z0-9+/_-]{8,400}")
# The longest candidate looked for in a window (UTF-16 runs in binary content), and the
# overlap between the chunks of a file read in parts: at least the longest candidate.
MAX_CANDIDATE_BYTES: Final = 1024
SNIFF_BYTES: Final = 8000
_BINARY: Final = "binary"
# `nb_` and the shortest body a classifier still judges.
_MIN_DECLARED: Final = len(PREFIX_BYTES) + 8
# A word-inner match in binary content counts when a control byte is this close before it.
_PACKED_WINDOW: Final = 32
_TEXT_BYTES: Final = bytes(range(0x20, 0x7F)) + b"\t\n\r"
# marshal's type codes of short strings (ASCII, interned), without the reference flag.
_STRING_TYPES: Final = frozenset(b"zZaA")
_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")
_SNIFF: Final = SNIFF_BYTES


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


def _looks_like_utf16(sample: bytes) -> str | None:
    """The UTF-16 codec that fits a BOM-less sample: ASCII text has NUL in every other byte."""
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    even_nul = sample[0 : pairs * 2 : 2].count(0)
    odd_nul = sample[1 : pairs * 2 : 2].count(0)
    if odd_nul * 10 >= pairs * 4 and even_nul * 20 < pairs:
        return "utf-16-le"
    if even_nul * 10 >= pairs * 4 and odd_nul * 20 < pairs:
        return "utf-16-be"
    return None


def is_binary(head: bytes) -> bool:
    """Whether content that starts with head is binary: a NUL byte, and not UTF-16 text.

    Binary content is still searched, for ASCII and UTF-16 runs, as `strings` does.
    """
    # find() with bounds: slicing would copy the block for every file.
    if head.find(b"\x00", 0, _SNIFF) < 0 or head.startswith(_BOMS):
        return False
    return _looks_like_utf16(head[:_SNIFF]) is None


def text_view(data: bytes) -> tuple[bytes, str] | None:
    """The bytes to search as text and their encoding label, or None for binary content."""
    if data.find(b"\x00", 0, _SNIFF) < 0 and not data.startswith(_BOMS):
        return data, "raw"
    if data.startswith(_BOMS):
        codec = "utf-16"
    else:
        found = _looks_like_utf16(data[:_SNIFF])
        if found is None:
            return None
        codec = found
    return data.decode(codec, "replace").encode("utf-8", "replace"), "utf-16"


class _Lines:
    """Line, column and inline marker at positions visited in increasing order.

    Each call looks only at the bytes since the previous one, and each line's bytes
    are searched for the marker once: the cost over a whole scan is linear, where
    recounting from the start of the data or of the line for every candidate is
    quadratic in a dense file. With `chars`, it also counts the characters before
    each position (for the offsets of decoded UTF-16 text).
    """

    __slots__ = ("allowed", "begin", "chars", "chars_at", "col", "col_at", "data", "end", "line")

    def __init__(self, data: bytes, *, chars: bool = False) -> None:
        self.data = data
        self.line = 1
        self.begin = 0
        end = data.find(b"\n")
        self.end = len(data) if end < 0 else end
        self.allowed: bool | None = None  # searched for at the line's first candidate
        self.col = 1
        self.col_at = 0
        self.chars = 0 if chars else -1
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
        if self.chars >= 0:
            self.chars += self._count(self.chars_at, pos)
            self.chars_at = pos
        self.col += self._count(self.col_at, pos)
        self.col_at = pos
        if self.allowed is None:
            self.allowed = data.find(_ALLOW_MARKER, self.begin, self.end) >= 0
        return self.line, self.col, self.allowed


def _scan(
    data: bytes, starts: list[int], pattern: re.Pattern[bytes], encoding: str
) -> list[Candidate]:
    found: list[Candidate] = []
    end = 0
    lines: _Lines | None = None  # made at the first match: most decoded windows have none
    binary = encoding == _BINARY
    for start in sorted(starts):
        # A start inside the previous candidate is part of it.
        if start < end:
            continue
        if not is_at_boundary(data, start) and not (binary and _is_packed(data, start)):
            continue
        match = pattern.match(data, start)
        if match is None:
            continue
        value = match.group()
        if binary:
            value = _declared_length(data, start, value)
        if lines is None:
            lines = _Lines(data, chars=encoding == "utf-16")
        line, column, allowed = lines.at(start)
        offset = 2 * lines.chars if lines.chars >= 0 else start
        found.append(Candidate(value, line, column, encoding, allowed, offset))
        end = start + len(value)
    return found


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


def _decode_base64(run: bytes) -> bytes | None:
    text = run.rstrip(b"=")
    text = text[: len(text) - len(text) % 4] if len(text) % 4 == 1 else text
    padded = text + b"=" * (-len(text) % 4)
    urlsafe = b"-" in text or b"_" in text
    try:
        return binascii.a2b_base64(
            padded.translate(bytes.maketrans(b"-_", b"+/")) if urlsafe else padded
        )
    except binascii.Error:
        return None


def holds_no_candidate(data: bytes, pattern: re.Pattern[bytes] | None = None) -> bool:
    """True for content without a marker, the common case, answered in one quick pass.

    False means the full search has to decide: a marker, or UTF-16 text (whose
    base64 forms the markers do not cover). `pattern` is the candidate regex the
    search will use (None: the default one).
    """
    filtered = pattern is None or _is_default(pattern)
    if data.find(b"\x00", 0, _SNIFF) < 0 and not data.startswith(_BOMS):
        return not hits(data, binary=False, filtered=filtered)
    if data.startswith(_BOMS) or _looks_like_utf16(data[:_SNIFF]) is not None:
        return False
    return not hits(data, binary=True, filtered=filtered)


def _is_default(pattern: re.Pattern[bytes]) -> bool:
    """Whether the pattern has the default body rule, which the base64 markers assume."""
    return pattern.pattern == _DEFAULT_PATTERN


def _markers(
    data: bytes, *, binary: bool = False, filtered: bool = False
) -> tuple[list[int], list[int], list[int]]:
    """Offsets where `nb_` starts, of the base64 groups where an encoded `nb_` starts, and
    (in binary content) of UTF-16 `n\\0b\\0_` markers."""
    plain: list[int] = []
    groups: list[int] = []
    wide: list[int] = []
    for role, start in hits(data, binary=binary, filtered=filtered):
        if role == PLAIN:
            plain.append(start)
        elif role == UTF16:
            wide.append(start)
        elif start >= role:
            groups.append(start - role)
    return plain, groups, wide


def _plain_starts(data: bytes) -> list[int]:
    """Every `nb_` in a short decoded window: plain find() costs less than a Hyperscan call."""
    starts: list[int] = []
    at = data.find(PREFIX_BYTES)
    while at >= 0:
        starts.append(at)
        at = data.find(PREFIX_BYTES, at + 1)
    return starts


def _scan_base64(data: bytes, pattern: re.Pattern[bytes], groups: list[int]) -> list[Candidate]:
    found: dict[tuple[bytes, int], Candidate] = {}
    lines = _Lines(data)
    for group in sorted(groups):
        # One group earlier as well, when it is base64 too: it holds the byte before `nb_`,
        # which the boundary check needs.
        start = (
            group - 4 if group >= 4 and _BASE64_GROUP.fullmatch(data, group - 4, group) else group
        )
        run = _BASE64_TAIL.match(data, start)
        decoded = None if run is None else _decode_base64(run.group())
        if decoded is None or PREFIX_BYTES not in decoded:
            continue
        inner_found = _scan(decoded, _plain_starts(decoded), pattern, "base64")
        if not inner_found:
            continue
        line, column, allowed = lines.at(group)
        # The run starts (group - start) base64 characters, all ASCII, before the group.
        column -= group - start
        for inner in inner_found:
            found.setdefault(
                (inner.value, line),
                Candidate(inner.value, line, column, "base64", allowed, group),
            )
    return list(found.values())


def _scan_utf16_runs(data: bytes, pattern: re.Pattern[bytes], wide: list[int]) -> list[Candidate]:
    """Candidates in UTF-16 runs of binary content, each read from a bounded window."""
    found: dict[tuple[bytes, int], Candidate] = {}
    lines = _Lines(data)
    for start in sorted(wide):
        # Little-endian: `n` at start; big-endian: the NUL before it.
        for codec, first in (("utf-16-le", start), ("utf-16-be", start - 1)):
            if first < 0:
                continue
            window = data[first : first + 2 * MAX_CANDIDATE_BYTES]
            text = window[: len(window) // 2 * 2].decode(codec, "replace").encode("utf-8")
            # Like ASCII runs in binary, with no left boundary asked for.
            match = pattern.match(text) if text.startswith(PREFIX_BYTES) else None
            if match is None:
                continue
            line, column, allowed = lines.at(start)
            found.setdefault(
                (match.group(), line),
                Candidate(match.group(), line, column, "utf-16", allowed, first),
            )
    return list(found.values())


def _search(data: bytes, pattern: re.Pattern[bytes], encoding: str) -> list[Candidate]:
    """Candidates in one reading of the data: plain, base64, and UTF-16 runs in binary."""
    starts, groups, wide = _markers(data, binary=encoding == _BINARY, filtered=_is_default(pattern))
    found = _scan(data, starts, pattern, encoding) if starts else []
    if groups:
        found.extend(_scan_base64(data, pattern, groups))
    if wide and encoding == _BINARY:
        found.extend(_scan_utf16_runs(data, pattern, wide))
    return found


def find_candidates(data: bytes, pattern: re.Pattern[bytes]) -> list[Candidate]:
    """Every candidate: plain, UTF-16, percent- or JSON-escaped, base64, and in binary data.

    Text that reads as UTF-16 (a BOM, or NUL in every other byte) is searched as UTF-16
    first; when that finds nothing, the bytes are searched as they are, so that BOM-like
    first bytes cannot hide an ASCII key.
    """
    view = text_view(data)
    if view is not None:
        text, encoding = view
        found = _search(text, pattern, encoding)
        if found and encoding != "raw" and data.startswith(_BOMS):
            # Offsets count from the first character, after the two bytes of the BOM.
            return [replace(c, offset=c.offset + 2) for c in found]
        if found or encoding == "raw":
            return found
    return _search(data, pattern, _BINARY)
