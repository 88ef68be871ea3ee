"""nbkit.report.markdown: any text stays inside one cell of one row."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nbkit.report import cell


def _columns(row: str) -> int:
    # GitHub splits a row at each pipe not right after a backslash (cmark-gfm's rule).
    return sum(1 for i, char in enumerate(row) if char == "|" and row[i - 1 : i] != "\\")


@given(st.text(), st.booleans())
def test_any_text_is_one_cell_of_one_row(text: str, code: bool) -> None:
    rendered = cell(text, code=code)
    assert "\n" not in rendered and "\r" not in rendered
    assert _columns(f"| {rendered} |") == 2


def test_code_span_only_when_it_cannot_end_early() -> None:
    assert cell("src/app.py", code=True) == "`src/app.py`"
    assert cell("a`b", code=True) == "a`b"
    assert cell("a|b", code=True) == "`a\\|b`"
    assert cell("", code=True) == ""
