"""Compare two recordings of the same scenarios: status, fields, types and messages that changed.

Interactions are matched by cassette, then by method, path, auth method and key
role, in order of appearance. Query values and bodies are left out of the match
on purpose: they carry ids the server made (a video id), which differ on every
recording.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from nbkit.cassettes.cassette import Interaction, cassette_files, load_cassette
from nbkit.types import JSON

__all__ = ["CHANGES", "Difference", "diff_interactions", "diff_trees"]

# Change kinds, in the order a table shows them for one interaction.
CHANGES: Final = (
    "only-in-old",
    "only-in-new",
    "status",
    "message",
    "body-json",
    "field-removed",
    "field-added",
    "type",
)
_NOT_JSON: Final = "not JSON"
_SHOWN_CHARS: Final = 80


@dataclass(frozen=True, slots=True)
class Difference:
    """One change between the old and the new recording of an interaction."""

    cassette: str
    interaction: str
    change: str
    old: str
    new: str


def _type_name(value: object) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    names.update({list: "array", dict: "object", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def _shape(value: JSON, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(JSON pointer, type) of every node; array items share the pointer `/*`."""
    yield pointer or "/", _type_name(value)
    if isinstance(value, dict):
        for name, child in value.items():
            yield from _shape(child, f"{pointer}/{name}")
    elif isinstance(value, list):
        for child in value:
            yield from _shape(child, f"{pointer}/*")


def _body(interaction: Interaction) -> JSON | str:
    try:
        return interaction.json()
    except ValueError:
        return _NOT_JSON


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def diff_interactions(old: Interaction, new: Interaction) -> tuple[tuple[str, str, str], ...]:
    """(change, old, new) for every difference between two recordings of one request."""
    found: list[tuple[str, str, str]] = []
    if old.status != new.status:
        found.append(("status", str(old.status), str(new.status)))
    before, after = _body(old), _body(new)
    if (before is _NOT_JSON) != (after is _NOT_JSON):
        shown = (
            "JSON" if before is not _NOT_JSON else _NOT_JSON,
            "JSON" if after is not _NOT_JSON else _NOT_JSON,
        )
        found.append(("body-json", *shown))
        return tuple(found)
    old_message = before.get("error") if isinstance(before, dict) else None
    new_message = after.get("error") if isinstance(after, dict) else None
    if old_message != new_message:
        found.append(("message", _short(old_message or "-"), _short(new_message or "-")))
    old_shape = dict(_shape(before)) if before is not _NOT_JSON else {}
    new_shape = dict(_shape(after)) if after is not _NOT_JSON else {}
    for pointer in sorted(old_shape.keys() - new_shape.keys()):
        found.append(("field-removed", f"{pointer} ({old_shape[pointer]})", "-"))
    for pointer in sorted(new_shape.keys() - old_shape.keys()):
        found.append(("field-added", "-", f"{pointer} ({new_shape[pointer]})"))
    for pointer in sorted(old_shape.keys() & new_shape.keys()):
        if old_shape[pointer] != new_shape[pointer]:
            found.append(
                ("type", f"{pointer} {old_shape[pointer]}", f"{pointer} {new_shape[pointer]}")
            )
    return tuple(found)


def _load(root: Path, *, file_name: str) -> dict[tuple[str, ...], Interaction]:
    found: dict[tuple[str, ...], Interaction] = {}
    for path in cassette_files(root):
        name = path.relative_to(root).as_posix() if path != root else file_name
        seen: dict[tuple[str, ...], int] = {}
        for item in load_cassette(path, name=name):
            auth, _ = item.credential
            request = (name, item.method, item.path, str(auth), str(item.role or "?"))
            seen[request] = seen.get(request, 0) + 1
            found[(*request, str(seen[request]))] = item
    return found


def diff_trees(old: Path, new: Path) -> tuple[Difference, ...]:
    """Every difference between two cassette folders (or two cassette files)."""
    # Two files are two recordings of one cassette, whatever their names.
    before, after = _load(old, file_name=new.name), _load(new, file_name=new.name)
    differences = []
    for key in sorted(before.keys() | after.keys()):
        one, two = before.get(key), after.get(key)
        cassette = key[0]
        if one is None and two is not None:
            differences.append(
                Difference(cassette, two.label, "only-in-new", "-", f"status {two.status}")
            )
        elif two is None and one is not None:
            differences.append(
                Difference(cassette, one.label, "only-in-old", f"status {one.status}", "-")
            )
        elif one is not None and two is not None:
            differences.extend(
                Difference(cassette, two.label, change, was, now)
                for change, was, now in diff_interactions(one, two)
            )
    return tuple(differences)
