"""Tests for nbkit.cassettes.scenarios: the table covers the contract; calls carry the key."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from nbkit.cassettes.scenarios import (
    SCENARIOS,
    VIDEO_ID_SLOT,
    AuthMethod,
    Scenario,
    build_call,
    scenario,
)
from nbkit.contract import KeyRole, operations
from nbkit.keys import new_key

BASE = "https://127.0.0.1/api/v1/"


def test_ids_and_cassettes_are_unique() -> None:
    assert len({s.id for s in SCENARIOS}) == len(SCENARIOS)
    assert len({s.cassette for s in SCENARIOS}) == len(SCENARIOS)


def test_every_documented_status_of_every_operation_is_aimed_at() -> None:
    aimed = {(s.operation_id, str(s.aims_at)) for s in SCENARIOS}
    documented = {(op.id, status) for op in operations() for status in op.responses}
    assert documented - aimed == set()


def test_every_auth_method_meets_every_role_on_every_operation() -> None:
    seen = {(s.operation_id, s.auth, s.role) for s in SCENARIOS}
    for op in operations():
        for method in AuthMethod:
            # The other user's key is a valid key; the foreign-video scenario uses it.
            for role in (r for r in KeyRole if r is not KeyRole.OTHER_USER):
                keyed = method is not AuthMethod.NONE and role is not KeyRole.NONE
                if keyed or (method is AuthMethod.NONE and role is KeyRole.NONE):
                    assert (op.id, method, role) in seen


def test_method_and_path_come_from_the_contract_except_wrong_method_probes() -> None:
    by_id = {op.id: op for op in operations()}
    for s in SCENARIOS:
        op = by_id[s.operation_id]
        assert s.path == op.path
        assert (s.method == op.method) == (s.aims_at != 405)


def test_only_valid_key_generations_spend() -> None:
    spending = {s.id for s in SCENARIOS if s.spends}
    assert "text-to-video-bearer-valid" in spending
    assert "text-to-video-bearer-no-plan" not in spending
    assert "text-to-video-prompt-missing" not in spending
    assert all(s.method == "POST" and s.role is KeyRole.VALID for s in SCENARIOS if s.spends)


@pytest.mark.parametrize(
    ("scenario_id", "where"),
    [
        ("text-to-video-bearer-valid", "authorization"),
        ("text-to-video-header-valid", "x-api-key"),
        ("text-to-video-query-valid", "api_key"),
    ],
)
def test_call_carries_the_key_where_the_method_says(scenario_id: str, where: str) -> None:
    key = new_key()
    call = build_call(scenario(scenario_id), base_url=BASE, key=key, video_id=None)
    headers = {name.lower(): value for name, value in call.headers.items()}
    query = dict(parse_qsl(urlsplit(call.url).query))
    carried = {
        "authorization": headers.get("authorization") == f"Bearer {key}",
        "x-api-key": headers.get("x-api-key") == key,
        "api_key": query.get("api_key") == key,
    }
    assert [name for name, found in carried.items() if found] == [where]
    assert key not in repr(call)


def test_call_without_role_carries_no_credential() -> None:
    call = build_call(scenario("text-to-video-none-none"), base_url=BASE, key=None, video_id=None)
    assert "api_key" not in call.url
    assert {n.lower() for n in call.headers} == {"content-type"}
    assert call.url == BASE + "text-to-video.php"


def test_video_id_slot_is_filled() -> None:
    item: Scenario = scenario("video-status-bearer-valid")
    assert ("video_id", VIDEO_ID_SLOT) in item.query
    call = build_call(item, base_url=BASE, key="k", video_id="vid_abc123")
    assert dict(parse_qsl(urlsplit(call.url).query)) == {"video_id": "vid_abc123"}
    assert call.content is None
