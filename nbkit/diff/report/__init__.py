"""The diff's report renderers, keyed by the shared `--format` names of `nbkit.report.formats`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, Protocol

from nbkit.diff.change import Change, Level
from nbkit.diff.report import json, junit, markdown, table

__all__ = ["RENDERERS", "Render"]


class Render(Protocol):
    """Turn changes into a report; `fail_on` decides which changes count as failures."""

    def __call__(self, changes: Sequence[Change], *, fail_on: Level = ...) -> str: ...


RENDERERS: Final[Mapping[str, Render]] = {
    "table": table.render,
    "json": json.render,
    "markdown": markdown.render,
    "junit": junit.render,
}
