"""How a file's bytes are read: as text (ASCII-compatible, UTF-16 or UTF-32, by BOM or by
where its NUL bytes fall) or as binary content, and how strings sit in binary records.

Binary content is still searched, for ASCII, UTF-16 and UTF-32 runs, as `strings` does.
"""

from __future__ import annotations

from typing import Final

from nbkit.keys import PREFIX_BYTES

__all__ = ["declared_length", "is_packed", "text_view"]

_SNIFF_BYTES: Final = 8000
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


def text_view(data: bytes) -> tuple[bytes, str, int] | None:
    """The bytes to search as text, their encoding label and the length of the BOM, or None
    for binary content."""
    if data.find(b"\x00", 0, _SNIFF_BYTES) < 0 and not data.startswith(_BOM_STARTS):
        return data, "raw", 0
    for bom, family in _BOMS:
        if data.startswith(bom):
            codec, skip = family, len(bom)
            break
    else:
        found = _wide_codec(data[:_SNIFF_BYTES])
        if found is None:
            return None
        codec, skip = found, 0
    text = data.decode(codec, "replace").encode("utf-8", "replace")
    return text, codec[:6], skip


def is_packed(data: bytes, start: int) -> bool:
    """Whether a match inside a word sits in a binary record: formats pack strings side by
    side (a SQLite record: its header bytes, `api`, then the key). Text that merely holds
    a stray NUL byte keeps the boundary rule: no control byte just before."""
    return bool(data[max(0, start - _PACKED_WINDOW) : start].translate(None, _TEXT_BYTES))


def declared_length(data: bytes, start: int, value: bytes) -> bytes:
    """A length-prefixed string (marshal in .pyc files, protobuf) ends where its length byte
    says, not at the next byte that happens to be a letter.

    Only behind a framing byte (a type code or tag: not printable, or marshal's short
    string codes), so that `= nb_…` in text is not read as a string of 32 bytes.
    """
    if start < 2 or not (data[start - 2] in _STRING_TYPES or not 0x20 <= data[start - 2] < 0x7F):
        return value
    declared = data[start - 1]
    return value[:declared] if _MIN_DECLARED <= declared < len(value) else value
