"""What every command's report shares: the Markdown cell of a GitHub table."""

from __future__ import annotations

from nbkit.report.markdown import cell

__all__ = ["cell"]
