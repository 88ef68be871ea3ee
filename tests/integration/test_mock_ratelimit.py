"""The rolling rate limit over real HTTPS, with the mock's clock moved instead of sleeping."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import datetime, timezone

import httpx
import pytest

from nbkit.mock import RunningMock

T2V, I2V, STATUS = "text-to-video.php", "image-to-video.php", "video-status.php"
LIMITED = "Rate limit exceeded. You have generated 30 videos in the last 30 minutes."


@pytest.fixture
def user(mock: RunningMock) -> Iterator[httpx.Client]:
    created = mock.control.create_user(plan="api")
    context = ssl.create_default_context(cafile=str(mock.ca_bundle))
    headers = {"X-API-Key": created.key}
    with httpx.Client(base_url=mock.base_url, verify=context, headers=headers) as http:
        yield http


def _generate(client: httpx.Client, n: int) -> list[httpx.Response]:
    return [
        client.post(T2V if i % 2 else I2V, json={"prompt": "p", "image_url": "https://e.com/a.jpg"})
        for i in range(n)
    ]


def test_thirty_generations_then_429(user: httpx.Client) -> None:
    responses = _generate(user, 30)
    assert [r.status_code for r in responses] == [200] * 30
    assert [int(r.headers["x-ratelimit-remaining"]) for r in responses] == list(range(29, -1, -1))
    assert all(r.headers["x-ratelimit-limit"] == "30" for r in responses)
    limited = user.post(T2V, json={"prompt": "p"})
    assert limited.status_code == 429
    body = limited.json()
    assert body["success"] is False
    assert body["error"] == LIMITED
    assert body["rate_limit"]["remaining"] == 0
    assert int(limited.headers["retry-after"]) == body["rate_limit"]["reset_in_seconds"]
    assert 0 < int(limited.headers["retry-after"]) <= 1800


def test_status_is_not_limited(mock: RunningMock, user: httpx.Client) -> None:
    made = _generate(user, 30)[0].json()["video_id"]
    assert user.post(T2V, json={"prompt": "p"}).status_code == 429
    assert user.get(STATUS, params={"video_id": made}).status_code == 200


def test_moving_the_clock_past_the_window_frees_it(mock: RunningMock, user: httpx.Client) -> None:
    _generate(user, 30)
    assert user.post(T2V, json={"prompt": "p"}).status_code == 429
    mock.control.advance_clock(1800)
    again = user.post(T2V, json={"prompt": "p"})
    assert again.status_code == 200
    assert again.json()["rate_limit"]["count"] == 1


def test_window_rolls(mock: RunningMock, user: httpx.Client) -> None:
    _generate(user, 10)
    mock.control.advance_clock(900)
    _generate(user, 20)
    assert user.post(T2V, json={"prompt": "p"}).status_code == 429
    mock.control.advance_clock(900)
    # The first ten have aged out; the twenty later ones still count.
    freed = user.post(T2V, json={"prompt": "p"})
    assert freed.status_code == 200
    assert freed.json()["rate_limit"]["count"] == 21


def test_limit_is_per_user(mock: RunningMock, user: httpx.Client) -> None:
    _generate(user, 30)
    context = ssl.create_default_context(cafile=str(mock.ca_bundle))
    other = mock.control.create_user(plan="api")
    with httpx.Client(base_url=mock.base_url, verify=context) as http:
        response = http.post(T2V, json={"prompt": "p"}, headers={"X-API-Key": other.key})
    assert response.status_code == 200


def test_failed_requests_do_not_count(user: httpx.Client) -> None:
    for _ in range(5):
        assert user.post(T2V, json={}).status_code == 400
    assert user.post(T2V, json={"prompt": "p"}).json()["rate_limit"]["count"] == 1


def test_reset_limits_frees_the_window(mock: RunningMock, user: httpx.Client) -> None:
    _generate(user, 30)
    mock.control.reset_limits()
    assert user.post(T2V, json={"prompt": "p"}).status_code == 200


def test_reset_header_and_body_agree(user: httpx.Client) -> None:
    response = user.post(T2V, json={"prompt": "p"})
    reset_at = datetime.strptime(response.json()["rate_limit"]["reset_at"], "%Y-%m-%dT%H:%M:%SZ")
    header = int(response.headers["x-ratelimit-reset"])
    assert reset_at.replace(tzinfo=timezone.utc).timestamp() == header
