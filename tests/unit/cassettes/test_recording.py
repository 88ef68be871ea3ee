"""The public recording config: the auditing persister and the role matcher."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from vcr.request import Request  # type: ignore[import-untyped]
from vcr.serializers import yamlserializer  # type: ignore[import-untyped]

from nbkit.cassettes.recording import KeyInCassette, auth_role, match_body, persister
from nbkit.contract import KeyRole
from nbkit.keys import PREFIX, new_key


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
