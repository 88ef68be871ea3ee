"""The values a scan produces: verdicts, locations, findings and problems."""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any, TypeVar

from nbkit.keys import redact_text
from nbkit.types import StrEnum

__all__ = [
    "Finding",
    "KeyVerdict",
    "Location",
    "ScanProblem",
    "Suppression",
    "display_path",
    "for_output",
]


class KeyVerdict(StrEnum):
    """What a candidate turned out to be."""

    KEY = "key"
    PLACEHOLDER = "placeholder"
    IDENTIFIER = "identifier"
    OTHER_VENDOR = "other-vendor"


class Suppression(StrEnum):
    """Why a key that was found is not reported."""

    INLINE = "inline-allow"
    CONFIG = "config-allow"
    BASELINE = "baseline"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a candidate sits; an archive member's path is written `outer.zip!inner/path`."""

    path: str
    line: int
    column: int
    commit: str | None = None
    author: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One classified candidate. It holds a redacted form and a fingerprint, never the key."""

    rule_id: str
    verdict: KeyVerdict
    location: Location
    redacted: str
    fingerprint: str
    encoding: str = "raw"
    suppressed_by: Suppression | None = None
    status: str | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Deterministic output order: path, line, column, rule id, commit."""
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule_id, loc.commit or "")


@dataclass(frozen=True, slots=True)
class ScanProblem:
    """Something that could not be scanned: `error` ones make the run exit 2, others are notes."""

    path: str
    reason: str
    error: bool = False


def display_path(raw: str | bytes) -> str:
    """A printable form of a path: undecodable bytes and control characters escaped."""
    if isinstance(raw, str) and raw.isprintable():
        return raw  # the common case; undecodable bytes arrive as unprintable surrogates
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogateescape")
    text = data.decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    # Names with newlines or escapes would break one-finding-per-line output.
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


_Value = TypeVar("_Value", "Finding", "Location", "ScanProblem")


def _for_output(value: Any) -> Any:
    if isinstance(value, str):
        shown = redact_text(value)
        # An enum member stays itself: equal text means nothing was redacted.
        return value if shown == value else shown
    kind = type(value)
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = _field_names(kind)
    if not names:
        return value
    changes = {}
    for name in names:
        old = getattr(value, name)
        new = _for_output(old)
        if new is not old:
            changes[name] = new
    return replace(value, **changes) if changes else value


# Field names by type, looked up once: dataclasses.fields() per value cost more than the
# redaction itself on a report of many findings.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    """A dataclass's field names; none for any other type."""
    return tuple(item.name for item in fields(kind)) if is_dataclass(kind) else ()


def for_output(value: _Value) -> _Value:
    """value with every key-shaped run redacted in every string field, nested ones too.

    It walks the fields, so a field added later cannot be forgotten: paths, archive
    member names, commit authors and anything else a user controls.
    """
    shown: _Value = _for_output(value)
    return shown
