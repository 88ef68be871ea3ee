"""The audit's report renderers, keyed by the shared `--format` names of `nbkit.report.formats`.

`renderer(name)` is the one way out: it redacts every key-shaped run in the
findings' fields before a format module sees them (a SARIF uri would
percent-encode a key) and in the rendered text after, so neither a new field nor
a new format can print a key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Final

from nbkit.audit.finding import Finding, for_output
from nbkit.audit.report import json, markdown, sarif, table
from nbkit.keys import redact_text

__all__ = ["RENDERERS", "Render", "renderer"]

Render = Callable[[Sequence[Finding]], str]

RENDERERS: Final[Mapping[str, Render]] = {
    "table": table.render,
    "json": json.render,
    "sarif": sarif.render,
    "markdown": markdown.render,
}


def renderer(name: str) -> Render:
    """The render function of the format called name, keys redacted in and out.

    Raises KeyError for a name the audit does not render.
    """
    draw = RENDERERS[name]

    def render(findings: Sequence[Finding]) -> str:
        return redact_text(draw([for_output(finding) for finding in findings]))

    return render
