"""Report formats for `nbkit diff`: each module has one `render`, FORMATS maps names to them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, Protocol

from nbkit.diff.change import Change, Level
from nbkit.diff.report import json, junit, markdown, table

__all__ = ["FORMATS", "Render"]


class Render(Protocol):
    """Turn changes into a report; `fail_on` decides which changes count as failures."""

    def __call__(self, changes: Sequence[Change], *, fail_on: Level = ...) -> str: ...


FORMATS: Final[Mapping[str, Render]] = {
    "table": table.render,
    "json": json.render,
    "markdown": markdown.render,
    "junit": junit.render,
}
