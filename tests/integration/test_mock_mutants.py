"""Each mutant deviates in what it says to a client, and the documented mock does not."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from nbkit.keys import new_key
from nbkit.mock import MUTANTS, RunningMock, serve

T2V, STATUS = "text-to-video.php", "video-status.php"
Detector = Callable[[RunningMock, httpx.Client], bool]


def _key(mock: RunningMock, name: str = "NB_API_KEY") -> dict[str, str]:
    return {"Authorization": f"Bearer {mock.env[name]}"}


def _gen(client: httpx.Client, headers: dict[str, str], **body: object) -> httpx.Response:
    return client.post(T2V, json={"prompt": "p", **body}, headers=headers)


def _exhaust(mock: RunningMock, client: httpx.Client) -> httpx.Response:
    for _ in range(30):
        _gen(client, _key(mock))
    return _gen(client, _key(mock))


def _status_of_new_video(mock: RunningMock, client: httpx.Client) -> httpx.Response:
    video_id = _gen(client, _key(mock)).json()["video_id"]
    return client.get(STATUS, params={"video_id": str(video_id)}, headers=_key(mock))


def _plain_http_answers(mock: RunningMock, client: httpx.Client) -> bool:
    if not mock.base_url.startswith("https://"):
        return True
    assert mock.http_url is not None
    with httpx.Client(base_url=mock.http_url) as plain:
        return plain.post(T2V, headers=_key(mock), json={"prompt": "p"}).status_code != 403


def _foreign_video_visible(mock: RunningMock, client: httpx.Client) -> bool:
    video = mock.control.create_video(mock.user_ids["revoked"])
    return (
        client.get(STATUS, params={"video_id": str(video["id"])}, headers=_key(mock)).status_code
        == 200
    )


# mutant id -> does the server show this deviation?
DETECTORS: dict[str, Detector] = {
    "accept-any-key": lambda m, c: _gen(c, {"X-API-Key": new_key()}).status_code == 200,
    "wrong-format-message": lambda m, c: (
        _gen(c, {"X-API-Key": "sk-1"}).json()["error"] != "Invalid API key format"
    ),
    "wrong-missing-credential-message": lambda m, c: (
        _gen(c, {}).json()["error"] != "Missing or invalid Authorization header"
    ),
    "ignore-query-key": lambda m, c: (
        c.post(T2V, json={"prompt": "p"}, params={"api_key": m.env["NB_API_KEY"]}).status_code
        != 200
    ),
    "ignore-x-api-key": lambda m, c: _gen(c, {"X-API-Key": m.env["NB_API_KEY"]}).status_code != 200,
    "status-401-for-plan": lambda m, c: _gen(c, _key(m, "NB_API_KEY_NO_PLAN")).status_code != 403,
    "keep-old-key-after-regeneration": lambda m, c: (
        _gen(c, _key(m, "NB_API_KEY_REVOKED")).status_code == 200
    ),
    "inactive-user-accepted": lambda m, c: (
        _gen(c, _key(m, "NB_API_KEY_INACTIVE")).status_code == 200
    ),
    "500-on-long-header": lambda m, c: (
        _gen(c, {**_key(m), "X-Trace": "a" * 8000}).status_code >= 500
    ),
    "serve-plain-http": _plain_http_answers,
    "no-rate-limit": lambda m, c: _exhaust(m, c).status_code != 429,
    "missing-ratelimit-headers": lambda m, c: "x-ratelimit-limit" not in _gen(c, _key(m)).headers,
    "no-retry-after": lambda m, c: "retry-after" not in _exhaust(m, c).headers,
    "integer-video-id": lambda m, c: not isinstance(_gen(c, _key(m)).json()["video_id"], str),
    "validate-before-auth": lambda m, c: c.post(T2V, content=b"{").status_code == 400,
    "foreign-video-visible": _foreign_video_visible,
    "old-prompt-limit": lambda m, c: _gen(c, _key(m), prompt="x" * 1000).status_code == 400,
    "flat-status-body": lambda m, c: "video" not in _status_of_new_video(m, c).json(),
    "serve-missing-field": lambda m, c: c.post(T2V, json={}, headers=_key(m)).status_code == 200,
    "empty-bearer-is-format": lambda m, c: (
        _gen(c, {"Authorization": "Bearer"}).json()["error"] == "Invalid API key format"
    ),
}


def _client(mock: RunningMock) -> httpx.Client:
    context = ssl.create_default_context(cafile=str(mock.ca_bundle))
    return httpx.Client(base_url=mock.base_url, verify=context)


@pytest.fixture(scope="module")
def documented(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningMock]:
    with serve(state_dir=tmp_path_factory.mktemp("documented"), http_port=0) as running:
        yield running


def test_every_mutant_has_a_detector() -> None:
    assert set(DETECTORS) == {m.id for m in MUTANTS}


@pytest.mark.parametrize("mutant_id", DETECTORS)
def test_documented_mock_shows_no_deviation(documented: RunningMock, mutant_id: str) -> None:
    documented.control.reset_limits()
    with _client(documented) as client:
        assert not DETECTORS[mutant_id](documented, client)


@pytest.mark.parametrize("mutant_id", DETECTORS)
def test_mutant_shows_its_deviation(tmp_path: Path, mutant_id: str) -> None:
    with (
        serve(state_dir=tmp_path, http_port=0, mutant=mutant_id) as mutant,
        _client(mutant) as client,
    ):
        assert mutant.control.info()["mutant"] == mutant_id
        assert DETECTORS[mutant_id](mutant, client)
