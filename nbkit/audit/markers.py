"""Where a candidate can start: the marker table, compiled into Hyperscan databases.

One Hyperscan pass finds every marker of every decoder: plain `nb_`; `nb_`
base64-encoded at each of the three byte alignments, from ASCII and from UTF-16
text; `nb_` in UTF-16 and UTF-32; `nb_` with any of its characters escaped
(`%6E`, `\\x62`, `\\u005f`, `U+006E`, `&#110;`, `&#x5f;`); and `nb_` as hex.
A file in which none occurs is done after that pass.

Under the default key-body rule an encoded `nb_` is followed by key-body bytes:
the base64 and hex markers then carry the characters that can encode the first
six of them, so that a file of base64 lines which each decode to `nb_` and
noise costs one Hyperscan pass, not a decoding per line.
"""

from __future__ import annotations

import functools
import hashlib
import platform
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final, cast

import hyperscan
import platformdirs

from nbkit.audit.decode import ESCAPE
from nbkit.keys import PREFIX_BYTES
from nbkit.report.formats import replace_file

__all__ = ["BASE64", "ESCAPED", "HEX", "PLAIN", "WIDE16", "WIDE32", "hits"]

PLAIN: Final = "plain"
BASE64: Final = "base64"
WIDE16: Final = "utf-16"
WIDE32: Final = "utf-32"
ESCAPED: Final = "escaped"
HEX: Final = "hex"

_ALPHABET: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
# Under the default body rule a key body is 8 or more of these bytes; the filtered
# markers ask for the first six. (An encoded template, `nb_${VAR}`, is a placeholder at
# best and never a finding: it is not looked for encoded.)
_BODY_BYTES_CHECKED: Final = 6
_BODY: Final = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_NUL: Final = frozenset({0})
_IN_BASE64: Final = (b"%6E%62%5F", b"%6e%62%5f", b"6e625f", b"6E625F", b"\\u006e\\u0062\\u005f")
_ANY: Final = frozenset(range(256))


@dataclass(frozen=True, slots=True)
class _Marker:
    """One row: its decoder, its regex (filtered, and loose for a body rule of one's own),
    the length of a match of each (None: it varies), and for base64 how many characters
    of the 4-character group come before a match."""

    kind: str
    filtered: bytes
    loose: bytes
    lengths: tuple[int, int] | None
    back: int = 0


def _literal(data: bytes) -> bytes:
    return b"".join(b"\\x%02x" % byte for byte in data)


def _class(values: Iterable[int]) -> bytes:
    return b"[" + _literal(bytes(sorted(values))) + b"]"


def _base64_set(values: set[int]) -> frozenset[int]:
    """The base64 characters (both alphabets) of the given 6-bit values."""
    chars = {_ALPHABET[v] for v in values if v < 62}
    chars |= set(b"+-") if 62 in values else set()
    chars |= set(b"/_") if 63 in values else set()
    return frozenset(chars)


def _base64_sets(
    prefix: bytes, after: tuple[frozenset[int], ...], alignment: int
) -> tuple[int, int, list[frozenset[int]]]:
    """`prefix` then bytes of the `after` sets, base64-encoded at `alignment` bytes into a
    3-byte group: the index of the first character they alone decide, how many of those
    the prefix alone decides, and the set of characters at each."""

    def allowed(position: int) -> frozenset[int]:
        at = position - alignment
        if at < 0 or at >= len(prefix) + len(after):
            return _ANY
        return frozenset({prefix[at]}) if at < len(prefix) else after[at - len(prefix)]

    def values(index: int) -> set[int]:
        byte, shift = divmod(6 * index, 8)
        if shift <= 2:
            return {(b >> (2 - shift)) & 63 for b in allowed(byte)}
        low_bits = shift - 2
        high = {b & ((1 << (8 - shift)) - 1) for b in allowed(byte)}
        low = {b >> (8 - low_bits) for b in allowed(byte + 1)}
        return {(h << low_bits) | lo for h in high for lo in low}

    first = -(-8 * alignment // 6)
    fixed = 8 * (alignment + len(prefix)) // 6
    last = 8 * (alignment + len(prefix) + len(after)) // 6
    return first, fixed - first, [_base64_set(values(i)) for i in range(first, last)]


def _base64_marker(prefix: bytes, after: tuple[frozenset[int], ...], alignment: int) -> _Marker:
    """`prefix` base64-encoded at `alignment`: the characters it alone decides, then
    (filtered) the classes of those that can encode `after`."""
    first, fixed, sets = _base64_sets(prefix, after, alignment)
    literal = b"".join(_class(chars) for chars in sets[:fixed])
    checked = literal + b"".join(_class(chars) for chars in sets[fixed:])
    return _Marker(BASE64, checked, literal, (len(sets), fixed), first)


def _base64_of_base64(alignment: int, outer: int) -> _Marker:
    """Base64 of the base64 of `nb_` and six body bytes: filtered only (a body rule of
    one's own keeps it), since the inner characters `nb_` alone decides are too few."""
    _, fixed, sets = _base64_sets(PREFIX_BYTES, (_BODY,) * _BODY_BYTES_CHECKED, alignment)
    prefix = bytes(min(chars) for chars in sets[:fixed] if len(chars) == 1)
    marker = _base64_marker(prefix, tuple(sets[len(prefix) :]), outer)
    return _Marker(
        BASE64, marker.filtered, marker.filtered, (marker.lengths or (0, 0))[:1] * 2, marker.back
    )


def _hex_pair(byte: int) -> bytes:
    """A byte as two hex digits, either case."""
    return b"".join(
        b"[%s%s]" % (c.encode(), c.upper().encode()) if c.isalpha() else c.encode()
        for c in f"{byte:02x}"
    )


def _escaped(char: int) -> bytes:
    """Every escape of one ASCII character: percent (also doubled), backslash forms,
    Unicode notation, and HTML character references (named, decimal, hex)."""
    pair = _hex_pair(char)
    forms = [
        b"%(?:25)?" + pair,
        rb"\\+[xX]" + pair,
        rb"\\+u00" + pair,
        rb"\\U000000" + pair,
        rb"[uU]\+00" + pair + rb"\s?",
        b"&#0*%d;" % char,
        b"&#[xX]0*" + pair + b";",
    ]
    if char == ord("_"):
        forms.append(b"&lowbar;")
    return b"(?:" + b"|".join(forms) + b")"


def _escaped_prefix() -> bytes:
    """`nb_` with at least one character escaped: plain `nb_` is the PLAIN marker."""
    n, b, u = PREFIX_BYTES
    lit = {c: _literal(bytes([c])) for c in PREFIX_BYTES}
    either = {c: b"(?:" + lit[c] + b"|" + _escaped(c) + b")" for c in PREFIX_BYTES}
    return (
        b"(?:"
        + b"|".join(
            (
                lit[n] + lit[b] + _escaped(u),
                lit[n] + _escaped(b) + either[u],
                _escaped(n) + either[b] + either[u],
            )
        )
        + b")"
    )


def _escaped_marker(filtered: bool) -> bytes:
    """The escaped prefix; filtered, with six key characters after it, as they are or
    escaped (any escape: which character it stands for is the decoder's to say)."""
    if not filtered:
        return _escaped_prefix()
    escape = re.sub(rb"\?P<\w+>", b"?:", ESCAPE)
    body = b"(?:" + escape + b"|" + _class(_BODY) + b")"
    return _escaped_prefix() + body * _BODY_BYTES_CHECKED


def _markers() -> tuple[_Marker, ...]:
    body = (_BODY,) * _BODY_BYTES_CHECKED
    le = b"".join(bytes([c, 0]) for c in PREFIX_BYTES)
    be = b"".join(bytes([0, c]) for c in PREFIX_BYTES)
    plain = _literal(PREFIX_BYTES)
    rows = [_Marker(PLAIN, plain, plain, (len(PREFIX_BYTES),) * 2)]
    for prefix, after in (
        (PREFIX_BYTES, body),
        (le, (_BODY, _NUL) * _BODY_BYTES_CHECKED),
        (be, (_NUL, _BODY) * _BODY_BYTES_CHECKED),
    ):
        rows += [_base64_marker(prefix, after, alignment) for alignment in range(3)]
    # The UTF-16 and UTF-32 markers are the parts both byte orders share.
    wide16, wide32 = le[:-1], b"".join(bytes([c, 0, 0, 0]) for c in PREFIX_BYTES)[:-3]
    # Filtered: six key characters after `_`, each a byte with its NUL(s) before it.
    for kind, wide, width in ((WIDE16, wide16, 2), (WIDE32, wide32, 4)):
        checked = (
            _literal(wide) + (_literal(bytes(width - 1)) + _class(_BODY)) * _BODY_BYTES_CHECKED
        )
        lengths = (len(wide) + width * _BODY_BYTES_CHECKED, len(wide))
        rows.append(_Marker(kind, checked, _literal(wide), lengths))
    # Nested encodings found at the next depth: base64 of a percent-, hex- or
    # \u-encoded `nb_` (the usual spellings), and hex of base64.
    for inner in _IN_BASE64:
        rows += [_base64_marker(inner, (), alignment) for alignment in range(3)]
    rows += [_base64_of_base64(inner, outer) for inner in range(3) for outer in range(3)]
    for alignment in range(3):
        # What base64 of `nb_` alone decides at this alignment (`bmJf`, `5iX`, `uYl`).
        _, fixed, sets = _base64_sets(PREFIX_BYTES, (), alignment)
        expression = b"".join(_hex_pair(min(chars)) for chars in sets[:fixed])
        rows.append(_Marker(HEX, expression, expression, (2 * fixed,) * 2))
    rows.append(_Marker(ESCAPED, _escaped_marker(True), _escaped_marker(False), None))
    hex_prefix = b"".join(_hex_pair(c) for c in PREFIX_BYTES)
    hex_body = b"(?:" + b"|".join(_hex_pair(c) for c in sorted(_BODY)) + b")"
    checked = hex_prefix + hex_body * _BODY_BYTES_CHECKED
    hex_length = 2 * len(PREFIX_BYTES)
    rows.append(
        _Marker(HEX, checked, hex_prefix, (hex_length + 2 * _BODY_BYTES_CHECKED, hex_length))
    )
    return tuple(rows)


_MARKERS: Final = _markers()
# An escaped marker's start, searched for back from its end over at most _ESCAPED_MAX
# bytes (nine escapes of up to ten bytes each, and a few leading zeros or backslashes).
_ESCAPED_MAX: Final = 128


@functools.cache
def _escaped_end(filtered: bool) -> re.Pattern[bytes]:
    """The escaped marker ending at the end of the searched span (compiled on first use:
    the pattern is large, and most scans never meet an escaped key)."""
    return re.compile(_escaped_marker(filtered) + rb"\Z")


@functools.cache
def _database(filtered: bool) -> hyperscan.Database:
    """The markers compiled (about 0.2 s), or loaded (under a millisecond) from the user's
    cache, where each compilation is kept under a digest of what it compiled: a
    pre-commit hook starts the audit on every commit."""
    expressions = [m.filtered if filtered else m.loose for m in _MARKERS]
    # No start of match asked for (HS_FLAG_SOM_LEFTMOST): it made the pass five times
    # slower. Every length is fixed but an escaped prefix's, found again in Python.
    flags = [0] * len(_MARKERS)
    digest = hashlib.sha256(
        repr(
            (expressions, flags, getattr(hyperscan, "__version__", ""), platform.machine())
        ).encode()
    ).hexdigest()[:24]
    cached = Path(platformdirs.user_cache_dir("nbkit")) / f"markers-{digest}.hsdb"
    try:
        return hyperscan.loadb(cached.read_bytes(), hyperscan.HS_MODE_BLOCK)
    except (OSError, hyperscan.error):
        pass  # not there yet, unreadable, or made on another CPU: compiled anew
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=expressions, ids=list(range(len(_MARKERS))), elements=len(_MARKERS), flags=flags
    )
    _keep(cached, hyperscan.dumpb(database))
    return database


def _keep(path: Path, data: bytes) -> None:
    """Write a cache file whole (a rename), or not at all: a read-only home is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, data)
    except OSError:
        return


class _Engine(threading.local):
    """Each database with a scratch space of its own: a scratch serves one scan at a time."""

    def __init__(self) -> None:
        self.ready: dict[bool, tuple[hyperscan.Database, hyperscan.Scratch]] = {}

    def get(self, filtered: bool) -> tuple[hyperscan.Database, hyperscan.Scratch]:
        found = self.ready.get(filtered)
        if found is None:
            database = _database(filtered)
            found = self.ready[filtered] = (database, hyperscan.Scratch(database))
        return found


_engine = _Engine()


def _collect(marker: int, _start: int, end: int, _flags: int, found: object) -> None:
    cast("list[tuple[int, int]]", found).append((end, marker))


def hits(data: bytes, *, filtered: bool) -> list[tuple[int, str]]:
    """(start, decoder kind) of every marker in data, in order of start.

    A base64 marker's start is that of its 4-character group. `filtered` keeps only
    the base64 and hex markers whose next characters can encode a candidate under
    the default body rule.
    """
    found: list[tuple[int, int]] = []
    database, scratch = _engine.get(filtered)
    # scan(data, match_event_handler, flags, context, scratch): positional arguments are
    # parsed markedly faster than keywords, and this runs once per file.
    database.scan(data, _collect, 0, found, scratch)
    if not found:
        return []
    starts: list[tuple[int, str]] = []
    for end, index in found:
        marker = _MARKERS[index]
        if marker.lengths is None:
            match = _escaped_end(filtered).search(data, max(0, end - _ESCAPED_MAX), end)
            start = end if match is None else match.start()
        else:
            start = end - marker.lengths[0 if filtered else 1] - marker.back
        if start >= 0:
            starts.append((start, marker.kind))
    starts.sort()
    return starts
