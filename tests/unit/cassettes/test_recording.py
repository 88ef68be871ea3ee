"""The public recording config: the auditing persister and the role matcher."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from vcr.request import Request  # type: ignore[import-untyped]
from vcr.serializers import yamlserializer  # type: ignore[import-untyped]

from nbkit.cassettes.recording import (
    KeyInCassette,
    auth_role,
    before_record_request,
    before_record_response,
    match_body,
    persister,
)
from nbkit.contract import KeyRole
from nbkit.keys import PREFIX, new_key
from nbkit.strategies.auth import well_formed_keys


def _cassette(body: str) -> dict[str, object]:
    request = Request("GET", "https://nanobananavideo.com/api/v1/video-status.php", None, {})
    response = {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": body}}
    return {"requests": [request], "responses": [response]}


def test_a_key_the_scrubbing_missed_stops_the_write(tmp_path: Path) -> None:
    # Base64 hides the prefix from the scrubber's text rule; the audit decodes it.
    hidden = base64.b64encode(new_key().encode()).decode()
    path = tmp_path / "c.yaml"
    with pytest.raises(KeyInCassette, match="nothing written"):
        persister.save_cassette(str(path), _cassette(f"token={hidden}"), yamlserializer)
    assert not path.exists()
    persister.save_cassette(str(path), _cassette("no key here"), yamlserializer)
    assert path.is_file()


@pytest.mark.parametrize(
    ("value", "role"),
    [
        (str(KeyRole.REVOKED.placeholder), KeyRole.REVOKED),
        (None, KeyRole.NONE),
    ],
)
def test_auth_role_of_placeholders_and_no_key(value: str | None, role: KeyRole) -> None:
    headers = {} if value is None else {"X-API-Key": value}
    request = Request("GET", "https://h/api/v1/video-status.php", None, headers)
    assert auth_role(request, env={})[1] is role


def test_auth_role_of_real_keys_by_variable() -> None:
    valid, stray = new_key(), new_key()
    env = {"NB_API_KEY": valid}
    bearer = Request("GET", "https://h/api/v1/x", None, {"Authorization": f"Bearer {valid}"})
    assert auth_role(bearer, env) == ("bearer", KeyRole.VALID)
    query = Request("GET", f"https://h/api/v1/x?api_key={stray}", None, {})
    assert auth_role(query, env)[1] is KeyRole.UNKNOWN
    bare = Request("GET", f"https://h/api/v1/x?api_key={stray[len(PREFIX) :]}", None, {})
    assert auth_role(bare, env)[1] is KeyRole.MALFORMED


@pytest.mark.parametrize(
    ("one", "two", "same"),
    [
        (None, b"", True),
        (b'{"a": 1, "b": [true]}', b'{"b":[true],"a":1}', True),
        (b'{"a": 1}', b'{"a": true}', False),
        (b'{"a": 1}', b'{"a": 1.0}', False),
        (b"x=1", b"x=2", False),
    ],
)
def test_body_matching_ignores_serialisation_only(
    one: bytes | None, two: bytes | None, same: bool
) -> None:
    first = Request("POST", "https://h/api/v1/x", one, {})
    second = Request("POST", "https://h/api/v1/x", two, {})
    if same:
        match_body(first, second)
    else:
        with pytest.raises(AssertionError):
            match_body(first, second)


@settings(max_examples=60, deadline=None)
@given(
    valid=well_formed_keys(),
    stray=well_formed_keys(),
    where=st.sampled_from(["X-API-Key", "Authorization", "api_key"]),
)
def test_no_key_survives_the_hooks_wherever_it_travels(valid: str, stray: str, where: str) -> None:
    assume(valid != stray)
    env = {"NB_API_KEY": valid}
    headers = {"X-API-Key": valid} if where == "X-API-Key" else {}
    if where == "Authorization":
        headers = {"Authorization": f"Bearer {valid}"}
    query = f"&api_key={valid}" if where == "api_key" else ""
    uri = f"https://127.0.0.1:8443/api/v1/video-status.php?video_id=v{query}"
    request = Request("POST", uri, f'{{"echo": "{stray}"}}'.encode(), headers)
    stored = before_record_request(env)(request)
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"X-Echo": [stray, valid], "Set-Cookie": [f"s={valid}"]},
        "body": {"string": f"{valid} {stray}".encode()},
    }
    kept = before_record_response(env)(response)
    text = yamlserializer.serialize({"requests": [stored._to_dict()], "responses": [kept]})
    # Bodies are bytes (YAML writes them as base64): read them as they are too.
    for data in (stored.body, kept["body"]["string"]):
        assert valid.encode() not in data and stray.encode() not in data
    assert valid not in text and stray not in text
    assert str(KeyRole.VALID.placeholder) in text
    assert str(KeyRole.UNKNOWN.placeholder) in text
    assert "Set-Cookie" not in text
    assert stored.uri.startswith("https://nanobananavideo.com/api/v1/video-status.php")
