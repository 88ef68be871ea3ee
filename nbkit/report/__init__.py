"""What every command's report shares: the Markdown cell of a GitHub table, and (in
`nbkit.report.formats`) the table of `--format` names with the `--output` writer."""

from __future__ import annotations

from nbkit.report.markdown import cell

__all__ = ["cell"]
