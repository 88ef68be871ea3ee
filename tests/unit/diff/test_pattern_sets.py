"""Pattern containment: decided where the patterns are regular, None where they are not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nbkit.diff.pattern_sets import contains


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("^[a-z]+$", "^[a-c]+$", True),
        ("^[a-c]+$", "^[a-z]+$", False),
        # JSON Schema patterns search: an unanchored pattern accepts more.
        ("abc", "^abc$", True),
        ("^abc$", "abc", False),
        ("^vid_[a-z0-9]+$", "^vid_[a-f0-9]{12}$", True),
        ("^https?://", "^https://", True),
        ("^[$]x$", "^[$]x", False),
    ],
)
def test_containment_is_decided_for_regular_patterns(
    outer: str, inner: str, expected: bool
) -> None:
    assert contains(outer, inner) is expected


@pytest.mark.parametrize(
    ("outer", "inner"),
    [
        (r"^(a)\1$", "^aa$"),  # a back-reference is not regular
        ("^(?!x)[a-z]+$", "^[a-z]+$"),  # look-arounds are left alone
        ("^a|b$", "^a$"),  # anchors that bind one side of an alternation
        ("^a{1,9999}$", "^a$"),  # too big an automaton
    ],
)
def test_containment_is_undecided_where_the_pattern_is_not_handled(outer: str, inner: str) -> None:
    assert contains(outer, inner) is None


@given(st.text(alphabet="abcxyz019_", min_size=1, max_size=6))
def test_a_literal_is_contained_in_its_unanchored_search(literal: str) -> None:
    assert contains(literal, f"^{literal}$") is True
    assert contains(f"^{literal}$", f"^{literal}$") is True
