"""A client team's recordings through nbkit's vcrpy config: each client library, the real mock.

Recorded with the mock's real keys, no key's bytes reach the disk; replayed
offline, a different key of the same role matches and a key of another role does not.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

import aiohttp
import httpx
import pytest
import requests
import urllib3
from vcr.errors import CannotOverwriteExistingCassetteException  # type: ignore[import-untyped]

from nbkit.cassettes.recording import DOCUMENTED_BASE_URL, make_vcr
from nbkit.cassettes.replay import blocked_network
from nbkit.cassettes.verify import check_tree
from nbkit.contract import KeyRole
from nbkit.contract.roles import ROLES_FROM_TARGET
from nbkit.keys import new_key
from nbkit.mock import RunningMock

# method, url, headers, body bytes, CA bundle -> status, JSON body
Send = Callable[[str, str, Mapping[str, str], bytes | None, Path], tuple[int, object]]


def _requests(method: str, url: str, headers: Mapping[str, str], body: bytes | None, ca: Path):  # type: ignore[no-untyped-def]
    response = requests.request(method, url, headers=dict(headers), data=body, verify=str(ca))
    return response.status_code, response.json()


def _httpx(method: str, url: str, headers: Mapping[str, str], body: bytes | None, ca: Path):  # type: ignore[no-untyped-def]
    with httpx.Client(verify=ssl.create_default_context(cafile=str(ca))) as client:
        response = client.request(method, url, headers=dict(headers), content=body)
    return response.status_code, response.json()


def _httpx_async(method: str, url: str, headers: Mapping[str, str], body: bytes | None, ca: Path):  # type: ignore[no-untyped-def]
    async def send() -> httpx.Response:
        context = ssl.create_default_context(cafile=str(ca))
        async with httpx.AsyncClient(verify=context) as client:
            return await client.request(method, url, headers=dict(headers), content=body)

    response = asyncio.run(send())
    return response.status_code, response.json()


def _urllib3(method: str, url: str, headers: Mapping[str, str], body: bytes | None, ca: Path):  # type: ignore[no-untyped-def]
    with urllib3.PoolManager(ca_certs=str(ca)) as pool:
        response = pool.request(method, url, headers=dict(headers), body=body)
    return response.status, json.loads(response.data)


def _aiohttp(method: str, url: str, headers: Mapping[str, str], body: bytes | None, ca: Path):  # type: ignore[no-untyped-def]
    async def send() -> tuple[int, object]:
        context = ssl.create_default_context(cafile=str(ca))
        async with (
            aiohttp.ClientSession() as session,
            session.request(method, url, headers=dict(headers), data=body, ssl=context) as answer,
        ):
            return answer.status, json.loads(await answer.read())

    return asyncio.run(send())


CLIENTS: Final[dict[str, Send]] = {
    "aiohttp": _aiohttp,
    "requests": _requests,
    "httpx": _httpx,
    "httpx-async": _httpx_async,
    "urllib3": _urllib3,
}
_BODY: Final = json.dumps({"prompt": "a cat on a skateboard"}).encode()


def _calls(
    base: str, env: Mapping[str, str]
) -> list[tuple[str, str, dict[str, str], bytes | None]]:
    """A generation with the valid key in a header, a status query with the no-plan key."""
    return [
        (
            "POST",
            f"{base}text-to-video.php",
            {"X-API-Key": env["NB_API_KEY"], "Content-Type": "application/json"},
            _BODY,
        ),
        ("GET", f"{base}video-status.php?video_id=1&api_key={env['NB_API_KEY_NO_PLAN']}", {}, None),
    ]


def _use_keys(monkeypatch: pytest.MonkeyPatch, env: Mapping[str, str]) -> None:
    for role in ROLES_FROM_TARGET:
        if role.variable in env:
            monkeypatch.setenv(str(role.variable), env[str(role.variable)])


@pytest.mark.parametrize("client", sorted(CLIENTS))
def test_a_recording_keeps_roles_and_no_key_and_replays_by_role(
    client: str, mock: RunningMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    send = CLIENTS[client]
    env = dict(mock.env)
    _use_keys(monkeypatch, env)
    path = tmp_path / "cassettes" / f"{client}.yaml"
    with make_vcr(record_mode="once").use_cassette(str(path)):
        recorded = [send(*call, mock.ca_bundle) for call in _calls(mock.base_url, env)]
    assert recorded[0][0] == 200
    data = path.read_bytes()
    for role in ROLES_FROM_TARGET:
        if role.variable in env:
            assert env[str(role.variable)].encode() not in data
    assert mock.admin_token.encode() not in data
    assert str(KeyRole.VALID.placeholder).encode() in data
    assert str(KeyRole.NO_PLAN.placeholder).encode() in data
    assert DOCUMENTED_BASE_URL.encode() in data and b"127.0.0.1" not in data
    assert check_tree(path.parent).keys == ()

    # Another person replays: their keys differ, their roles are the same.
    other = {**env, "NB_API_KEY": new_key(), "NB_API_KEY_NO_PLAN": new_key()}
    _use_keys(monkeypatch, other)
    replay = make_vcr(record_mode="none")
    with blocked_network(), replay.use_cassette(str(path)):
        replayed = [send(*call, mock.ca_bundle) for call in _calls(DOCUMENTED_BASE_URL, other)]
    assert replayed == recorded

    # A key of another role (the revoked one where the valid one was) has no recording.
    swapped = {**other, "NB_API_KEY": env["NB_API_KEY_REVOKED"]}
    call = _calls(DOCUMENTED_BASE_URL, swapped)[0]
    with (
        blocked_network(),
        replay.use_cassette(str(path)),
        pytest.raises(CannotOverwriteExistingCassetteException),
    ):
        send(*call, mock.ca_bundle)


def test_a_key_no_variable_names_becomes_the_unknown_placeholder(
    mock: RunningMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = dict(mock.env)
    for role in ROLES_FROM_TARGET:
        monkeypatch.delenv(str(role.variable), raising=False)
    path = tmp_path / "unplaced.yaml"
    with make_vcr(record_mode="once").use_cassette(str(path)):
        url = f"{mock.base_url}video-status.php?video_id=1"
        status, _ = _requests("GET", url, {"X-API-Key": env["NB_API_KEY"]}, None, mock.ca_bundle)
    assert status in (200, 404)
    text = path.read_text()
    assert env["NB_API_KEY"] not in text
    assert str(KeyRole.UNKNOWN.placeholder) in text
