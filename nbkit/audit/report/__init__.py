"""Report formats: FORMATS maps each `--format` name to its render function.

`Format.render` is the one way out: it redacts every key-shaped run in the
findings' fields before a format module sees them (a SARIF uri would
percent-encode a key) and in the rendered text after, so neither a new field nor
a new format can print a key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from nbkit.audit.finding import Finding, for_output
from nbkit.audit.report import json, markdown, sarif, table
from nbkit.keys import redact_text

__all__ = ["FORMATS", "Format", "renderer"]


@dataclass(frozen=True, slots=True)
class Format:
    """One output format: its `--format` name and its module's render function."""

    name: str
    draw: Callable[[Sequence[Finding]], str]
    description: str

    def render(self, findings: Sequence[Finding]) -> str:
        """The report, every key-shaped run redacted in the findings and in the text."""
        return redact_text(self.draw([for_output(finding) for finding in findings]))


FORMATS: Final = (
    Format("table", table.render, "a plain-text table for people (default)"),
    Format("json", json.render, "one JSON document with every finding"),
    Format("sarif", sarif.render, "SARIF 2.1.0 for GitHub code scanning"),
    Format("markdown", markdown.render, "a Markdown table for pull-request comments"),
)


def renderer(name: str) -> Callable[[Sequence[Finding]], str]:
    """The render function of the format called name, keys redacted in and out."""
    for row in FORMATS:
        if row.name == name:
            return row.render
    raise KeyError(name)
