"""Where a candidate can start: the marker table, compiled into Hyperscan databases.

One Hyperscan pass finds every marker: plain `nb_`, `nb_` base64-encoded at
each of the three byte alignments, and `nb_` in UTF-16. An encoded `nb_` is
followed, in what can become a finding under the default key-body rule, by
key-body bytes: the base64 markers then carry the characters that can encode
the first six of them, so that a file of base64 lines which each decode to `nb_`
and noise costs one Hyperscan pass, not a decoding per line.
"""

from __future__ import annotations

import functools
import threading
from typing import Final, cast

import hyperscan

from nbkit.keys import PREFIX_BYTES

__all__ = ["BASE64_ROLES", "PLAIN", "UTF16", "hits"]

PLAIN: Final = -2
UTF16: Final = -1
# (marker, its role: PLAIN; where it sits in its 4-character base64 group; UTF16), in the
# order of the databases' ids. Only the characters of the base64 forms that do not
# depend on the neighbouring bytes are kept; the UTF-16 marker is the part both byte
# orders share.
_MARKERS: Final = (
    (PREFIX_BYTES, PLAIN),
    (b"bmJf", 0),
    (b"5iX", 2),
    (b"uYl", 3),
    (b"n\x00b\x00_", UTF16),
)
BASE64_ROLES: Final = frozenset({0, 2, 3})
# Text (no NUL byte) cannot hold the UTF-16 marker: its databases leave it out.
_TEXT_MARKERS: Final = 4
_ALPHABET: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
# Under the default body rule a key body is 8 or more of these bytes; the markers ask
# for the first six. (An encoded template, `nb_${VAR}`, is a placeholder at best and
# never a finding: it is not looked for in base64.)
_BODY_BYTES_CHECKED: Final = 6
_BODY: Final = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_ANY: Final = frozenset(range(256))


def _allowed(position: int, alignment: int) -> frozenset[int]:
    """The bytes that can sit at `position` of the decoded group stream, with `nb_` at
    `alignment` and a candidate under the default body rule after it."""
    body = position - alignment - len(PREFIX_BYTES)
    if position < alignment or body >= _BODY_BYTES_CHECKED:
        return _ANY
    if body < 0:
        return frozenset({PREFIX_BYTES[position - alignment]})
    return _BODY


def _char_class(index: int, alignment: int) -> bytes:
    """A regex class of the base64 characters (both alphabets) that can stand at `index`."""
    bit = 6 * index
    byte, shift = divmod(bit, 8)
    if shift <= 2:
        values = {(b >> (2 - shift)) & 63 for b in _allowed(byte, alignment)}
    else:
        low_bits = shift - 2
        high = {b & ((1 << (8 - shift)) - 1) for b in _allowed(byte, alignment)}
        low = {b >> (8 - low_bits) for b in _allowed(byte + 1, alignment)}
        values = {(h << low_bits) | lo for h in high for lo in low}
    chars = bytes(_ALPHABET[v] for v in sorted(values) if v < 62)
    chars += b"+-" if 62 in values else b""
    chars += b"/_" if 63 in values else b""
    return b"[" + b"".join(b"\\x%02x" % c for c in chars) + b"]"


def _expression(marker: bytes, role: int, filtered: bool) -> tuple[bytes, int]:
    """The marker as a Hyperscan regex, and the length of what it matches."""
    literal = b"".join(b"\\x%02x" % byte for byte in marker)
    if not filtered or role not in BASE64_ROLES:
        return literal, len(marker)
    alignment = {0: 0, 2: 1, 3: 2}[role]
    last_byte = alignment + len(PREFIX_BYTES) + _BODY_BYTES_CHECKED - 1
    chars = range(role + len(marker), (8 * last_byte + 7) // 6 + 1)
    return literal + b"".join(_char_class(i, alignment) for i in chars), len(marker) + len(chars)


@functools.cache
def _database(markers: int, filtered: bool) -> tuple[hyperscan.Database, tuple[int, ...]]:
    """The first `markers` markers compiled, and the length each one's match has."""
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    compiled = [_expression(marker, role, filtered) for marker, role in _MARKERS[:markers]]
    database.compile(
        expressions=[expression for expression, _ in compiled],
        ids=list(range(markers)),
        elements=markers,
        flags=[0] * markers,
    )
    return database, tuple(length for _, length in compiled)


class _Engine(threading.local):
    """Each database with a scratch space of its own: a scratch serves one scan at a time."""

    def __init__(self) -> None:
        self.ready: dict[tuple[bool, bool], tuple[hyperscan.Database, hyperscan.Scratch]] = {}
        self.lengths: dict[tuple[bool, bool], tuple[int, ...]] = {}

    def get(self, binary: bool, filtered: bool) -> tuple[hyperscan.Database, hyperscan.Scratch]:
        key = (binary, filtered)
        found = self.ready.get(key)
        if found is None:
            database, lengths = _database(len(_MARKERS) if binary else _TEXT_MARKERS, filtered)
            found = self.ready[key] = (database, hyperscan.Scratch(database))
            self.lengths[key] = lengths
        return found


_engine = _Engine()


def _collect(marker: int, _start: int, end: int, _flags: int, found: object) -> None:
    cast("list[tuple[int, int]]", found).append((marker, end))


def hits(data: bytes, *, binary: bool, filtered: bool) -> list[tuple[int, int]]:
    """(role, start offset) of every marker in data.

    `binary` adds the UTF-16 marker (text without NUL bytes cannot hold it);
    `filtered` keeps only the base64 markers whose next characters can encode a
    candidate under the default body rule.
    """
    found: list[tuple[int, int]] = []
    database, scratch = _engine.get(binary, filtered)
    # scan(data, match_event_handler, flags, context, scratch): positional arguments are
    # parsed markedly faster than keywords, and this runs once per file.
    database.scan(data, _collect, 0, found, scratch)
    lengths = _engine.lengths[(binary, filtered)]
    return [(_MARKERS[index][1], end - lengths[index]) for index, end in found]
