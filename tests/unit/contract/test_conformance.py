"""Tests for nbkit.contract.conformance: the one table of checks, row by row."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nbkit.contract import CHECKS, Exchange, Request, Response, deviations, operation
from nbkit.contract.auth_table import load_auth_table
from nbkit.contract.conformance import is_refused_request

_GENERATED = {
    "success": True,
    "video_id": "vid_a1b2c3d4e5f6",
    "video_url": "https://cdn.nanobananavideo.com/videos/vid_a1b2c3d4e5f6.mp4",
    "thumbnail_url": "https://cdn.nanobananavideo.com/thumbs/vid_a1b2c3d4e5f6.jpg",
    "credits_used": 5,
    "rate_limit": {
        "count": 1,
        "limit": 30,
        "remaining": 29,
        "reset_in_seconds": 1800,
        "reset_at": "2026-05-05T18:30:00Z",
    },
}
_HEADERS = {"x-ratelimit-limit": "30", "x-ratelimit-remaining": "29", "x-ratelimit-reset": "1"}


def _checks(body: object, *, status: int = 200, condition: str | None = "valid-key") -> list[str]:
    op = operation("textToVideo")
    request = Request(op.method, op.path, body=body)  # type: ignore[arg-type]
    response = Response(status, _HEADERS, _GENERATED)
    return [d.check for d in deviations(Exchange(op, request, response, condition))]


def test_check_ids_are_unique() -> None:
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids))


def test_a_documented_exchange_has_no_deviation() -> None:
    assert _checks({"prompt": "A street food vendor at a night market"}) == []


# Every documented field but the required prompt, in any combination.
@given(st.dictionaries(st.sampled_from(["resolution", "aspect_ratio"]), st.just("720p")))
def test_success_to_a_body_without_a_required_field_is_a_deviation(body: dict[str, str]) -> None:
    assert "refused-request-served" in _checks(body)


def test_missing_required_query_parameter_is_refused() -> None:
    op = operation("getVideoStatus")
    assert op.required_query()
    assert is_refused_request(op, Request("GET", op.path)) is not None


def test_open_question_leaves_auth_open_but_still_judges_the_rest() -> None:
    open_id = load_auth_table().open_questions[0].id
    assert _checks({}, condition=open_id) == ["refused-request-served"]


def test_unknown_credential_role_is_a_deviation() -> None:
    assert _checks({"prompt": "x"}, condition=None) == ["auth-answer"]


@pytest.mark.parametrize("method", load_auth_table().methods, ids=lambda m: m.id)
@given(key=st.text(min_size=1, max_size=40))
def test_apply_puts_the_key_where_the_method_says(method: object, key: str) -> None:
    from nbkit.contract import Method

    assert isinstance(method, Method)
    sent = method.apply(Request("GET", "/x"), key)
    where = sent.headers if method.location == "header" else sent.params
    other = sent.params if method.location == "header" else sent.headers
    assert where == ((method.name, method.render(key)),) and other == ()


def test_unknown_ids_raise_value_error_naming_the_choices() -> None:
    table = load_auth_table()
    with pytest.raises(ValueError, match="bearer"):
        table.method("nope")
    with pytest.raises(ValueError, match="valid-key"):
        table.condition("nope")
    with pytest.raises(ValueError, match="textToVideo"):
        operation("nope")
