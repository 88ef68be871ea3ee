"""The three endpoints over real HTTPS: validation, methods, status lookups, body limits, HTTP."""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterator

import httpx
import pytest

from nbkit.mock import RunningMock

T2V, I2V, STATUS = "text-to-video.php", "image-to-video.php", "video-status.php"


@pytest.fixture(scope="module")
def client(mock: RunningMock) -> Iterator[httpx.Client]:
    context = ssl.create_default_context(cafile=str(mock.ca_bundle))
    headers = {"Authorization": f"Bearer {mock.env['NB_API_KEY']}"}
    with httpx.Client(base_url=mock.base_url, verify=context, headers=headers) as http:
        yield http


@pytest.fixture(autouse=True)
def _room_to_generate(mock: RunningMock) -> None:
    mock.control.reset_limits()


def test_text_to_video_returns_the_finished_video(client: httpx.Client) -> None:
    response = client.post(T2V, json={"prompt": "A fox", "resolution": "1080p", "duration": 5})
    assert response.status_code == 200
    body = response.json()
    video_id = body["video_id"]
    assert re.fullmatch(r"vid_[0-9a-f]{12}", video_id)
    assert body["video_url"] == f"https://cdn.nanobananavideo.com/videos/{video_id}.mp4"
    assert body["thumbnail_url"] == f"https://cdn.nanobananavideo.com/thumbs/{video_id}.jpg"
    assert body["credits_used"] == 7
    assert body["rate_limit"]["count"] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["rate_limit"]["reset_at"])


def test_status_shows_the_generated_video_nested(client: httpx.Client) -> None:
    made = client.post(I2V, json={"image_url": "https://example.com/a.png", "duration": 6}).json()
    response = client.get(STATUS, params={"video_id": made["video_id"]})
    assert response.status_code == 200
    video = response.json()["video"]
    assert video["id"] == made["video_id"]
    assert video["status"] == "completed"
    assert video["mode"] == "image-to-video"
    assert video["output_url"] == made["video_url"]
    assert video["duration_seconds"] == 6
    assert video["description"] == "Generate a video from this image"


def test_status_is_not_rate_limited_and_has_no_limit_headers(
    mock: RunningMock, client: httpx.Client
) -> None:
    video = mock.control.create_video(mock.user_ids["api"], status="pending")
    response = client.get(STATUS, params={"video_id": video["id"]})
    assert response.json()["video"]["status"] == "pending"
    assert "x-ratelimit-limit" not in response.headers


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        (T2V, {}, 'Field "prompt" is required'),
        (T2V, {"prompt": "x" * 2001}, "Prompt cannot exceed 2000 characters"),
        (I2V, {"prompt": "p"}, 'Field "image_url" is required'),
        (
            I2V,
            {"image_url": "http://example.com/a.jpg"},
            'Field "image_url" must be a public HTTPS URL',
        ),
        (
            T2V,
            {"prompt": "p", "video_model": "kling"},
            'Field "video_model" must be one of: seedance2, veo3, sora2',
        ),
        (T2V, {"prompt": "p", "duration": "5"}, 'Field "duration" must be an integer from 3 to 12'),
        (T2V, ["prompt"], "Request body must be a JSON object"),
    ],
    ids=["no-prompt", "long-prompt", "no-image", "http-image", "model", "duration", "array"],
)
def test_invalid_body_is_400_with_message(
    client: httpx.Client, path: str, body: object, message: str
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": message}
    assert response.headers["x-ratelimit-remaining"] == "30"


def test_invalid_json_is_400(client: httpx.Client) -> None:
    response = client.post(
        T2V, content=b'{"prompt": ', headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()["error"]) == (400, "Invalid JSON body")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", T2V), ("PUT", T2V), ("DELETE", I2V), ("POST", STATUS), ("PATCH", STATUS)],
)
def test_wrong_method_is_405(client: httpx.Client, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.json() == {"success": False, "error": "Method not allowed"}
    assert response.headers["allow"] in {"GET", "POST"}


@pytest.mark.parametrize("path", ["text-to-video", "nope.php", "../v2/text-to-video.php", ""])
def test_unknown_path_is_404_envelope(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Not found"}


@pytest.mark.parametrize("params", [{}, {"video_id": ""}], ids=["absent", "empty"])
def test_status_without_video_id_is_400(client: httpx.Client, params: dict[str, str]) -> None:
    response = client.get(STATUS, params=params)
    assert response.status_code == 400
    assert response.json()["error"] == "video_id parameter is required"


@pytest.mark.parametrize("video_id", ["vid_000000000000", "123", "vid_%00\u00e9"])
def test_unknown_video_is_404(client: httpx.Client, video_id: str) -> None:
    response = client.get(STATUS, params={"video_id": video_id})
    assert response.status_code == 404
    assert response.json()["error"] == "Video not found"


def test_another_users_video_is_403(mock: RunningMock, client: httpx.Client) -> None:
    other = mock.control.create_user(plan="api")
    video = mock.control.create_video(other.user.id)
    response = client.get(STATUS, params={"video_id": video["id"]})
    assert response.status_code == 403
    assert response.json() == {"success": False, "error": "Access denied"}


def test_body_over_the_limit_is_413(client: httpx.Client) -> None:
    body = b'{"prompt": "' + b"x" * (64 * 1024) + b'"}'
    response = client.post(T2V, content=body)
    assert response.status_code == 413
    assert response.json()["success"] is False


def test_chunked_body_over_the_limit_is_413(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"prompt": "'
        for _ in range(10):
            yield b"x" * 8192
        yield b'"}'

    response = client.post(T2V, content=chunks())
    assert response.status_code == 413


@pytest.mark.parametrize("method", ["GET", "POST", "PUT"])
@pytest.mark.parametrize("path", [T2V, STATUS, "anything"])
def test_plain_http_refuses_everything(mock: RunningMock, method: str, path: str) -> None:
    assert mock.http_url is not None
    key = mock.env["NB_API_KEY"]
    with httpx.Client(base_url=mock.http_url) as plain:
        response = plain.request(method, path, headers={"X-API-Key": key}, json={"prompt": "p"})
    assert response.status_code == 403
    assert response.json() == {"success": False, "error": "HTTPS is required"}


def test_plain_http_generates_nothing(mock: RunningMock, client: httpx.Client) -> None:
    assert mock.http_url is not None
    with httpx.Client(base_url=mock.http_url) as plain:
        plain.post(T2V, headers={"X-API-Key": mock.env["NB_API_KEY"]}, json={"prompt": "p"})
    made = client.post(T2V, json={"prompt": "p"}).json()
    assert made["rate_limit"]["count"] == 1


def test_env_names_the_target_interface(mock: RunningMock) -> None:
    assert set(mock.env) == {
        "NB_BASE_URL",
        "NB_API_KEY",
        "NB_API_KEY_NO_PLAN",
        "NB_API_KEY_INACTIVE",
        "NB_API_KEY_REVOKED",
        "NB_CA_BUNDLE",
        "NB_HTTP_URL",
        "NB_MOCK_CONTROL_URL",
        "NB_MOCK_ADMIN_TOKEN",
    }
    assert mock.env["NB_MOCK_ADMIN_TOKEN"] == mock.admin_token
    assert mock.env["NB_BASE_URL"].startswith("https://127.0.0.1:")
    assert mock.env["NB_BASE_URL"].endswith("/api/v1/")
