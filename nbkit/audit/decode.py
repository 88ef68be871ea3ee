"""Decode the bounded window after one marker: base64, escapes, hex, UTF-16 and UTF-32.

Each decoder reads at most a fixed number of bytes from the marker, so that the
cost of a file stays linear however many markers it holds. A window is what
the candidate search runs on next, nested decodings included; its `end` is
where the encoded bytes it read stop, and `label` names the encoding seen.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass
from typing import Final

from nbkit.keys import PREFIX_BYTES

__all__ = [
    "ESCAPE",
    "MAX_CANDIDATE_BYTES",
    "Window",
    "base64_window",
    "escaped_window",
    "hex_window",
    "wide_window",
]

# The longest candidate looked for in a window, in characters.
MAX_CANDIDATE_BYTES: Final = 1024
_BASE64_GROUP: Final = re.compile(rb"[A-Za-z0-9+/_-]{4}")
# The encoded key: bounded, yet long enough for a long key escaped inside (six bytes a
# character for `\u006e`).
_BASE64_TAIL: Final = re.compile(rb"[A-Za-z0-9+/_-]{8,4096}")
# Each window is read this far first (characters, or bytes of hex), and on to its bound
# only when the text it decodes to runs on: a marker followed by noise costs a short
# read, not one of its bound (thousands of them in a hostile file would make it
# quadratic).
_FIRST: Final = 64
_BASE64_FIRST: Final = re.compile(rb"[A-Za-z0-9+/_-]{8,%d}" % _FIRST)
# UTF-16 and UTF-32 text is cut at the first character that is not a key's: less.
_WIDE_FIRST: Final = 32
# Printable ASCII, and NUL: ASCII in UTF-16 and UTF-32.
_TEXT: Final = bytes(range(0x21, 0x7F)) + b"\x00"
_HEX_DIGITS: Final = frozenset(b"0123456789abcdefABCDEF")
_HEX_BEFORE: Final = 4
_HEX_RUN: Final = re.compile(rb"[0-9A-Fa-f]{2,%d}" % (2 * MAX_CANDIDATE_BYTES))
# A character a key can hold as it is (what the redaction treats as key characters).
_KEY_CHAR: Final = rb"[A-Za-z0-9_+/=.~-]"
# One escaped character, by its form; a run is these and key characters.
ESCAPE: Final = (
    rb"%(?P<percent>[0-9A-Fa-f]{2})"
    rb"|\\+[xX](?P<hex>[0-9A-Fa-f]{2})"
    rb"|\\+u(?P<u4>[0-9A-Fa-f]{4})"
    rb"|\\U(?P<u8>[0-9A-Fa-f]{8})"
    rb"|[uU]\+(?P<uplus>[0-9A-Fa-f]{4,6})\s?"
    rb"|&#(?P<decimal>[0-9]{1,7});"
    rb"|&#[xX](?P<hexref>[0-9A-Fa-f]{1,6});"
    rb"|(?P<lowbar>&lowbar;)"
)
_ESCAPED: Final = re.compile(ESCAPE)
# Escapes first: `U+006E` is an escape, not the key characters `U`, `+`, `0`...
_ESCAPED_RUN: Final = re.compile(rb"(?:%s|%s){1,%d}" % (ESCAPE, _KEY_CHAR, MAX_CANDIDATE_BYTES))
_LABELS: Final = {
    "percent": "percent",
    "hex": "hex-escape",
    "u4": "unicode-escape",
    "u8": "unicode-escape",
    "uplus": "unicode-escape",
    "decimal": "html-entity",
    "hexref": "html-entity",
    "lowbar": "html-entity",
}
_KEY_CHARS: Final = re.compile(_KEY_CHAR + rb"*")
_WIDE: Final = {
    # codec, where its first character starts relative to the marker's `n`, width
    "utf-16": (("utf-16-le", 0), ("utf-16-be", -1)),
    "utf-32": (("utf-32-le", 0), ("utf-32-be", -3)),
}


@dataclass(frozen=True, slots=True)
class Window:
    """Decoded bytes, where their encoded form starts and ends, and its label."""

    decoded: bytes
    start: int
    end: int
    label: str


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


def base64_window(data: bytes, group: int) -> Window | None:
    """The base64 run from the group holding an encoded `nb_`, with the group before it
    when that is base64 too: it holds the byte before `nb_`, which the boundary needs."""
    start = group - 4 if group >= 4 and _BASE64_GROUP.fullmatch(data, group - 4, group) else group
    run = _BASE64_FIRST.match(data, start)
    decoded = None if run is None else _decode_base64(run.group())
    if run is not None and decoded is not None and _runs_on(decoded, run.end() - start):
        run = _BASE64_TAIL.match(data, start)
        decoded = None if run is None else _decode_base64(run.group())
    if run is None or decoded is None:
        return None
    return Window(decoded, start, run.end(), "base64")


def _runs_on(decoded: bytes, read: int) -> bool:
    """Whether a first read of _FIRST characters decoded to text up to its end."""
    return read == _FIRST and not decoded[-8:].translate(None, _TEXT)


def _unescape(match: re.Match[bytes]) -> bytes:
    kind = match.lastgroup or "lowbar"
    code = 0x5F if kind == "lowbar" else int(match[kind], 10 if kind == "decimal" else 16)
    if kind == "percent":
        return bytes([code])  # percent-encoding escapes bytes, not characters
    return chr(min(code, 0x10FFFF)).encode("utf-8", "replace")


def escaped_window(data: bytes, start: int) -> Window | None:
    """The run of key characters and escapes from `start`, unescaped once; the label is
    the form of its first escape (a doubly escaped key is found at the next depth)."""
    run = _ESCAPED_RUN.match(data, start)
    if run is None:
        return None
    first = _ESCAPED.search(data, start, run.end())
    label = _LABELS[first.lastgroup or ""] if first is not None else "escaped"
    return Window(_ESCAPED.sub(_unescape, run.group()), start, run.end(), label)


def _unhex(digits: bytes) -> bytes:
    return binascii.unhexlify(digits[: len(digits) // 2 * 2])


def hex_window(data: bytes, start: int) -> Window | None:
    """The hex run from `start`, decoded, with up to _HEX_BEFORE bytes before it when the
    run started earlier: the byte before `nb_` (for the boundary), or the start of the
    base64 group a hex-encoded base64 marker sits in."""
    run = _HEX_RUN.match(data, start, start + _FIRST)
    if run is not None and _runs_on(_unhex(run.group()), run.end() - start):
        run = _HEX_RUN.match(data, start)
    if run is None:
        return None
    first = start
    while first >= 2 and start - first < 2 * _HEX_BEFORE:
        if not _HEX_DIGITS.issuperset(data[first - 2 : first]):
            break
        first -= 2
    digits = data[first : run.end() - (run.end() - first) % 2]
    return Window(_unhex(digits), first, first + len(digits), "hex")


def _wide_text(data: bytes, first: int, width: int, codec: str, chars: int) -> bytes:
    window = data[first : first + width * chars]
    return window[: len(window) // width * width].decode(codec, "replace").encode("utf-8")


def _key_run(text: bytes) -> int:
    """Where the key characters after a leading `nb_` end."""
    return _KEY_CHARS.match(text, len(PREFIX_BYTES)).end()  # type: ignore[union-attr]


def wide_window(data: bytes, start: int, kind: str) -> Window | None:
    """The text from a UTF-16 or UTF-32 `nb_` on, in the byte order that reads longer:
    ASCII reads in either order from a byte apart, until the end of the data or of the
    run cuts the shifted reading short."""
    found: Window | None = None
    width = 2 if kind == "utf-16" else 4
    for codec, shift in _WIDE[kind]:
        first = start + shift
        if first < 0:
            continue
        text = _wide_text(data, first, width, codec, _WIDE_FIRST)
        if not text.startswith(PREFIX_BYTES):
            continue
        # The run of key characters (ASCII: one code unit each) is the whole window.
        length = _key_run(text)
        if length == _WIDE_FIRST:
            text = _wide_text(data, first, width, codec, MAX_CANDIDATE_BYTES)
            length = _key_run(text)
        if found is None or length > len(found.decoded):
            found = Window(text[:length], first, first + width * length, kind)
    return found
