"""Report formats: FORMATS maps each `--format` name to its render function."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from nbkit.audit.finding import Finding
from nbkit.audit.report import json, markdown, sarif, table

__all__ = ["FORMATS", "Format", "renderer"]


@dataclass(frozen=True, slots=True)
class Format:
    """One output format: its `--format` name and its render function."""

    name: str
    render: Callable[[Sequence[Finding]], str]
    description: str


FORMATS: Final = (
    Format("table", table.render, "a plain-text table for people (default)"),
    Format("json", json.render, "one JSON document with every finding"),
    Format("sarif", sarif.render, "SARIF 2.1.0 for GitHub code scanning"),
    Format("markdown", markdown.render, "a Markdown table for pull-request comments"),
)


def renderer(name: str) -> Callable[[Sequence[Finding]], str]:
    """The render function of the format called name."""
    for row in FORMATS:
        if row.name == name:
            return row.render
    raise KeyError(name)
