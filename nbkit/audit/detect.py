"""Find candidates (nb_ matches not yet classified) in bytes, plain or encoded.

Content stays bytes. One Hyperscan pass finds every place a candidate can
start, plain `nb_` and its base64 forms alike, several times faster than one
`bytes.find` pass per marker; the key-body rule (a Python regex, configurable)
then runs only at those places. The left token boundary is checked in code.
"""

from __future__ import annotations

import binascii
import functools
import re
import threading
from dataclasses import dataclass, field
from typing import Final, cast

import hyperscan

from nbkit.errors import InputError
from nbkit.keys import PREFIX_BYTES

__all__ = [
    "DEFAULT_BODY",
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
# Where a candidate can start: the plain prefix, and `nb_` base64-encoded at each of the
# three byte alignments, keeping only the characters that do not depend on the
# neighbouring bytes. (marker, where it sits in its 4-character base64 group; None: plain)
_MARKERS: Final = ((PREFIX_BYTES, None), (b"bmJf", 0), (b"5iX", 2), (b"uYl", 3))
_BASE64_GROUP: Final = re.compile(rb"[A-Za-z0-9+/_-]{4}")
# The encoded key: bounded, since a key body is at most a few hundred characters.
_BASE64_TAIL: Final = re.compile(rb"[A-Za-z0-9+/_-]{8,400}")
SNIFF_BYTES: Final = 8000
_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")
_SNIFF: Final = SNIFF_BYTES


@dataclass(frozen=True, slots=True)
class Candidate:
    """An nb_ match at a token boundary; `value` is the raw key and never leaves the scan."""

    value: bytes = field(repr=False)
    line: int
    column: int
    encoding: str
    allowed_inline: bool


def compile_pattern(body: str = DEFAULT_BODY) -> re.Pattern[bytes]:
    """The candidate regex: the literal prefix, then the body rule or a template stand-in."""
    try:
        # Compiled alone first, so that a stray bracket cannot swallow the template part.
        re.compile(body)
        return re.compile(PREFIX_BYTES + b"(?:(?:" + body.encode() + b")|" + _TEMPLATE + b")")
    except re.error as err:
        raise InputError(f"key-body rule {body!r}: not a valid regex ({err})") from err


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
    """Whether content that starts with head is binary: a NUL byte, and not UTF-16 text."""
    # find() with bounds: slicing would copy the block for every file.
    if head.find(b"\x00", 0, _SNIFF) < 0 or head.startswith(_BOMS):
        return False
    return _looks_like_utf16(head[:_SNIFF]) is None


def text_view(data: bytes) -> tuple[bytes, str] | None:
    """The bytes to search and their encoding label, or None for binary content."""
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


def _line_bounds(data: bytes, start: int) -> tuple[int, int]:
    begin = data.rfind(b"\n", 0, start) + 1
    end = data.find(b"\n", start)
    return begin, len(data) if end < 0 else end


def _scan(
    data: bytes, starts: list[int], pattern: re.Pattern[bytes], encoding: str
) -> list[Candidate]:
    found: list[Candidate] = []
    end = counted_to = 0
    line = 1
    for start in sorted(starts):
        # A start inside the previous candidate is part of it.
        if start < end or not is_at_boundary(data, start):
            continue
        match = pattern.match(data, start)
        if match is None:
            continue
        line += data.count(b"\n", counted_to, start)
        counted_to = start
        begin, line_end = _line_bounds(data, start)
        column = len(data[begin:start].decode("utf-8", "replace")) + 1
        allowed = _ALLOW_MARKER in data[begin:line_end]
        found.append(Candidate(match.group(), line, column, encoding, allowed))
        end = match.end()
    return found


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


@functools.cache
def _marker_database() -> hyperscan.Database:
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    # Hyperscan takes regexes: escape every byte, so the markers stay literals.
    expressions = [b"".join(b"\\x%02x" % byte for byte in marker) for marker, _ in _MARKERS]
    database.compile(
        expressions=expressions,
        ids=list(range(len(_MARKERS))),
        elements=len(_MARKERS),
        flags=[0] * len(_MARKERS),
    )
    return database


class _Engine(threading.local):
    """The compiled markers and a scratch space: a scratch serves one scan at a time."""

    def __init__(self) -> None:
        self.database = _marker_database()
        self.scratch = hyperscan.Scratch(self.database)


_engine = _Engine()


def _collect(marker: int, _start: int, end: int, _flags: int, found: object) -> None:
    cast("list[tuple[int, int]]", found).append((marker, end))


def _hits(data: bytes) -> list[tuple[int, int]]:
    """(marker index, end offset) of every marker in data."""
    hits: list[tuple[int, int]] = []
    engine = _engine
    # scan(data, match_event_handler, flags, context, scratch): positional arguments are
    # parsed markedly faster than keywords, and this runs once per file.
    engine.database.scan(data, _collect, 0, hits, engine.scratch)
    return hits


def holds_no_candidate(data: bytes) -> bool:
    """True for plain text without a marker, the common case, answered in one quick pass.

    False means the full search has to decide: a marker, or binary or UTF-16 content.
    """
    if data.find(b"\x00", 0, _SNIFF) >= 0 or data.startswith(_BOMS):
        return False
    return not _hits(data)


def _markers(data: bytes) -> tuple[list[int], list[int]]:
    """Offsets where `nb_` starts, and of the base64 groups where an encoded `nb_` starts."""
    plain: list[int] = []
    groups: list[int] = []
    for index, end in _hits(data):
        marker, group = _MARKERS[index]
        start = end - len(marker)
        if group is None:
            plain.append(start)
        elif start >= group:
            groups.append(start - group)
    return plain, groups


def _scan_base64(data: bytes, pattern: re.Pattern[bytes], groups: list[int]) -> list[Candidate]:
    found: dict[tuple[bytes, int], Candidate] = {}
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
        begin, end = _line_bounds(data, group)
        line = data.count(b"\n", 0, group) + 1
        column = len(data[begin:start].decode("utf-8", "replace")) + 1
        allowed = _ALLOW_MARKER in data[begin:end]
        for inner in _scan(decoded, _markers(decoded)[0], pattern, "base64"):
            found.setdefault(
                (inner.value, line), Candidate(inner.value, line, column, "base64", allowed)
            )
    return list(found.values())


def find_candidates(data: bytes, pattern: re.Pattern[bytes]) -> list[Candidate]:
    """Every candidate in text content: plain, UTF-16, percent- or JSON-escaped, base64."""
    view = text_view(data)
    if view is None:
        return []
    text, encoding = view
    starts, groups = _markers(text)
    found = _scan(text, starts, pattern, encoding) if starts else []
    if groups:
        found.extend(_scan_base64(text, pattern, groups))
    return found
