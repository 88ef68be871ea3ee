"""The whole auth decision table over real HTTPS, for every method and endpoint."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from nbkit.keys import new_key
from nbkit.mock import RunningMock

PLAN_MESSAGE = (
    "API access requires the API plan (\u20ac59.99/mo). Please upgrade your subscription."
)
ENDPOINTS = {
    "text-to-video": ("POST", "text-to-video.php", {"prompt": "A lighthouse at dawn"}),
    "image-to-video": ("POST", "image-to-video.php", {"image_url": "https://example.com/a.jpg"}),
    "video-status": ("GET", "video-status.php", None),
}
MISSING = {
    "text-to-video": "Missing or invalid Authorization header",
    "image-to-video": "Missing or invalid Authorization header",
    "video-status": "API key required",
}
# condition -> (env variable or literal kind, status, message or None for 200)
CONDITIONS = {
    "key-without-prefix": ("sk-not-a-nanobanana-key", 401, "Invalid API key format"),
    "unknown-key": ("unknown", 401, "Invalid API key"),
    "inactive-user": ("NB_API_KEY_INACTIVE", 401, "Invalid API key"),
    "revoked-key": ("NB_API_KEY_REVOKED", 401, "Invalid API key"),
    "plan-without-api-access": ("NB_API_KEY_NO_PLAN", 403, PLAN_MESSAGE),
    "valid-key": ("NB_API_KEY", 200, None),
}
METHODS = ("bearer", "header", "query")


@pytest.fixture(scope="module")
def client(mock: RunningMock) -> Iterator[httpx.Client]:
    context = ssl.create_default_context(cafile=str(mock.ca_bundle))
    with httpx.Client(base_url=mock.base_url, verify=context) as http:
        yield http


@pytest.fixture(scope="module")
def video_id(mock: RunningMock) -> str:
    return str(mock.control.create_video(mock.user_ids["api"])["id"])


@pytest.fixture(autouse=True)
def _room_to_generate(mock: RunningMock) -> None:
    mock.control.reset_limits()


def _call(
    client: httpx.Client,
    endpoint: str,
    *,
    video_id: str,
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> httpx.Response:
    method, path, body = ENDPOINTS[endpoint]
    params = dict(params or {})
    if method == "GET":
        params["video_id"] = video_id
    return client.request(method, path, json=body, headers=headers, params=params)


def _with_key(method: str, key: str) -> dict[str, dict[str, str]]:
    if method == "bearer":
        return {"headers": {"Authorization": f"Bearer {key}"}}
    if method == "header":
        return {"headers": {"X-API-Key": key}}
    return {"params": {"api_key": key}}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_no_credential_gets_the_endpoint_message(
    client: httpx.Client, endpoint: str, video_id: str
) -> None:
    response = _call(client, endpoint, video_id=video_id)
    assert response.status_code == 401
    assert response.json() == {"success": False, "error": MISSING[endpoint]}


@pytest.mark.parametrize("value", ["Token x", "Bearer", "Basic dXNlcjpwdw==", "nb_only"])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_authorization_not_bearer_is_refused_as_missing(
    client: httpx.Client, endpoint: str, value: str, video_id: str
) -> None:
    response = _call(client, endpoint, video_id=video_id, headers={"Authorization": value})
    assert response.status_code == 401
    assert response.json()["error"] == MISSING[endpoint]


@pytest.mark.parametrize("condition", CONDITIONS)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_auth_table(
    mock: RunningMock,
    client: httpx.Client,
    endpoint: str,
    method: str,
    condition: str,
    video_id: str,
) -> None:
    source, status, message = CONDITIONS[condition]
    key = mock.env.get(source) or (new_key() if source == "unknown" else source)
    response = _call(client, endpoint, video_id=video_id, **_with_key(method, key))
    assert response.status_code == status
    body = response.json()
    if message is None:
        assert body["success"] is True
    else:
        assert body == {"success": False, "error": message}


@pytest.mark.parametrize("name", ["authorization", "AUTHORIZATION", "x-api-key", "X-API-KEY"])
def test_header_names_are_case_insensitive(
    mock: RunningMock, client: httpx.Client, name: str, video_id: str
) -> None:
    key = mock.env["NB_API_KEY"]
    value = f"Bearer {key}" if name.lower() == "authorization" else key
    response = _call(client, "video-status", video_id=video_id, headers={name: value})
    assert response.status_code == 200


@pytest.mark.parametrize("endpoint", ["text-to-video", "image-to-video"])
def test_auth_is_checked_before_the_body(
    mock: RunningMock, client: httpx.Client, endpoint: str
) -> None:
    path = ENDPOINTS[endpoint][1]
    assert client.post(path, content=b"{not json").status_code == 401
    no_plan = {"X-API-Key": mock.env["NB_API_KEY_NO_PLAN"]}
    assert client.post(path, content=b"{not json", headers=no_plan).status_code == 403


def test_authorization_wins_over_other_methods(mock: RunningMock, client: httpx.Client) -> None:
    # Undocumented precedence, fixed by this mock: Authorization, X-API-Key, query.
    good, revoked = mock.env["NB_API_KEY"], mock.env["NB_API_KEY_REVOKED"]
    response = client.post(
        "text-to-video.php",
        json={"prompt": "p"},
        headers={"Authorization": f"Bearer {good}", "X-API-Key": revoked},
        params={"api_key": revoked},
    )
    assert response.status_code == 200
    response = client.post(
        "text-to-video.php",
        json={"prompt": "p"},
        headers={"X-API-Key": revoked},
        params={"api_key": good},
    )
    assert response.status_code == 401


def test_no_response_carries_a_key(mock: RunningMock, client: httpx.Client, video_id: str) -> None:
    keys = [v for k, v in mock.env.items() if k.startswith("NB_API_KEY")]
    for key in keys:
        for method in METHODS:
            for endpoint in ENDPOINTS:
                response = _call(client, endpoint, video_id=video_id, **_with_key(method, key))
                raw = response.text + str(response.headers)
                assert not any(k in raw for k in keys)


def test_repr_of_running_mock_holds_no_key(mock: RunningMock, tmp_path: Path) -> None:
    shown = repr(mock)
    assert mock.admin_token not in shown
    assert not any(v in shown for k, v in mock.env.items() if k.startswith("NB_API_KEY"))
