"""The one Markdown table cell the audit, diff and suite reports write."""

from __future__ import annotations

__all__ = ["cell"]


def cell(text: str, *, code: bool = False) -> str:
    """text as one cell of a GitHub table; `code` sets it in a code span.

    A pipe ends a cell even inside a code span, so it is escaped; a newline ends
    the row, so it becomes a space. Text holding a backtick stays plain: a code
    span around it would end early.
    """
    if not text:
        return ""
    text = text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")
    if code and "`" not in text:
        return f"`{text}`"
    return text
