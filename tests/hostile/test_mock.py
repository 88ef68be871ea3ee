"""Hostile requests to the mock: races on the rate limit, text it cannot send back, bad URLs."""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbkit.mock import Faults, MockSettings, RunningMock, serve

T2V, I2V, STATUS = "text-to-video.php", "image-to-video.php", "video-status.php"
LIMIT = 30
CONCURRENT = 64
_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningMock]:
    with serve(state_dir=tmp_path_factory.mktemp("mock")) as running:
        yield running


@pytest.fixture(scope="module")
def slow_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningMock]:
    """A mock with latency injected in front of every API request: wider race windows."""
    faults = MockSettings(faults=Faults(latency_ms=5))
    with serve(state_dir=tmp_path_factory.mktemp("slow"), settings=faults) as running:
        yield running


def _context(mock: RunningMock) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(mock.ca_bundle))


@pytest.fixture
def client(mock: RunningMock) -> Iterator[httpx.Client]:
    """A client of a fresh API user, so that every test starts with an empty window."""
    key = mock.control.create_user(plan="api").key
    with httpx.Client(
        base_url=mock.base_url, verify=_context(mock), headers={"X-API-Key": key}
    ) as http:
        yield http


def _credentials(method: str, key: str) -> tuple[dict[str, str], dict[str, str]]:
    """Headers and query parameters that carry key by one documented method."""
    if method == "bearer":
        return {"Authorization": f"Bearer {key}"}, {}
    if method == "x-api-key":
        return {"X-API-Key": key}, {}
    return {}, {"api_key": key}


async def _race(mock: RunningMock, key: str, method: str) -> list[httpx.Response]:
    """CONCURRENT generations whose bodies are held back until every request has started.

    Each request's headers reach the mock first; the bodies follow together, so a
    mock that counts only after reading the body lets them all through.
    """
    started = 0
    everyone_started = asyncio.Event()

    async def body() -> AsyncIterator[bytes]:
        nonlocal started
        started += 1
        if started == CONCURRENT:
            everyone_started.set()
        await everyone_started.wait()
        yield json.dumps({"prompt": "a race"}).encode()

    headers, params = _credentials(method, key)
    limits = httpx.Limits(max_connections=CONCURRENT)
    async with httpx.AsyncClient(
        base_url=mock.base_url, verify=_context(mock), limits=limits, timeout=30
    ) as http:
        return await asyncio.gather(
            *(
                http.post(
                    T2V,
                    content=body(),
                    headers={**headers, "Content-Type": "application/json"},
                    params=params,
                )
                for _ in range(CONCURRENT)
            )
        )


@pytest.mark.parametrize("method", ["bearer", "x-api-key", "query"])
@pytest.mark.parametrize("target", ["mock", "slow_mock"])
def test_concurrent_generations_take_exactly_the_limit(
    method: str, target: str, request: pytest.FixtureRequest
) -> None:
    running: RunningMock = request.getfixturevalue(target)
    key = running.control.create_user(plan="api").key
    responses = asyncio.run(_race(running, key, method))
    accepted = [r for r in responses if r.status_code == 200]
    assert sorted({r.status_code for r in responses}) == [200, 429]
    assert len(accepted) == LIMIT
    assert max(r.json()["rate_limit"]["count"] for r in accepted) == LIMIT
    for response in responses:
        window = response.json()["rate_limit"]
        assert window["count"] <= LIMIT
        assert window["remaining"] == LIMIT - window["count"]
        assert int(response.headers["x-ratelimit-remaining"]) == window["remaining"]


def test_refused_bodies_give_their_slot_back(client: httpx.Client) -> None:
    for _ in range(LIMIT + 5):
        assert client.post(T2V, json={"prompt": ""}).status_code == 400
    made = [client.post(T2V, json={"prompt": "p"}) for _ in range(LIMIT)]
    assert [r.status_code for r in made] == [200] * LIMIT
    assert client.post(T2V, json={"prompt": "p"}).status_code == 429


# Code points a decoder lets through that an encoder may choke on, or that look alike.
_ODD_CHARS = st.sampled_from(
    ["\ud800", "\udfff", "\udbff\udc00", "\x00", "\x1b", "\u2028", "\ufeff", "\ufffe", "\U0010ffff"]
)
_ODD_TEXT = st.lists(st.one_of(_ODD_CHARS, st.characters()), min_size=1, max_size=8).map("".join)
_FIELDS = ["prompt", "image_url", "video_model", "resolution", "aspect_ratio", "motion_intensity"]


@_SETTINGS
@given(field=st.sampled_from(_FIELDS), text=_ODD_TEXT, image=st.booleans())
def test_odd_text_is_refused_or_reads_back(
    mock: RunningMock, client: httpx.Client, field: str, text: str, image: bool
) -> None:
    body = {"prompt": "p", "image_url": "https://cdn.example.com/a.jpg", field: text}
    # ensure_ascii writes every odd code point as an escape, lone surrogates included.
    raw = json.dumps(body).encode()
    made = client.post(I2V if image else T2V, content=raw)
    assert made.status_code in (200, 400)
    if made.status_code == 200:
        video_id = made.json()["video_id"]
        assert client.get(STATUS, params={"video_id": video_id}).status_code == 200
    mock.control.reset_limits()


def test_control_videos_with_odd_text_read_back(mock: RunningMock, client: httpx.Client) -> None:
    user = mock.control.users()[0].id
    raw = json.dumps({"user_id": user, "prompt": "\ud800 broken"}).encode()
    token = {"X-Nbkit-Admin-Token": mock.admin_token}
    answer = client.post(mock.origin + "/_nbkit/videos", content=raw, headers=token)
    assert answer.status_code in (200, 400)
    if answer.status_code == 200:
        video_id = answer.json()["video"]["id"]
        assert client.get(STATUS, params={"video_id": video_id}).status_code < 500


_HOST = st.from_regex(r"[a-z][a-z0-9]{0,10}\.(com|org|example)", fullmatch=True)
_PATH = st.from_regex(r"(/[A-Za-z0-9._~-]{1,12}){0,3}", fullmatch=True)
_BAD_URLS = st.one_of(
    # a port outside 1-65535, or not a number
    st.builds(
        "https://{}:{}/a.jpg".format,
        _HOST,
        st.one_of(st.integers(65536, 10**8), st.just(0), st.just("x1"), st.just("-1")),
    ),
    # control characters, whitespace and non-ASCII anywhere
    st.builds(
        lambda host, ch, at: ("https://" + host + "/a.jpg")[:at] + ch + ("https://" + host)[at:],
        _HOST,
        st.sampled_from(["\x00", "\t", "\n", "\r", " ", "\x7f", "\u00a0", "\u3000", "é"]),
        st.integers(8, 14),
    ),
    # userinfo that makes the URL look like another host
    st.builds("https://{}@{}/a.jpg".format, _HOST, _HOST),
    # no host, a host that is not public, or not https at all
    st.sampled_from(
        [
            "https:///a.jpg",
            "https://:443/a.jpg",
            "https://localhost/a.jpg",
            "https://127.0.0.1/a.jpg",
            "https://10.0.0.8/a.jpg",
            "https://[::1]/a.jpg",
            "https://169.254.169.254/latest",
            "https://intranet/a.jpg",
            "https://-bad-.com/a.jpg",
            "https://a..com/a.jpg",
            "HTTPS://cdn.example.com/a.jpg",
            "http://cdn.example.com/a.jpg",
            "https:/cdn.example.com/a.jpg",
        ]
    ),
)


@_SETTINGS
@given(url=_BAD_URLS)
def test_malformed_image_urls_are_refused(client: httpx.Client, url: str) -> None:
    answer = client.post(I2V, json={"image_url": url})
    assert answer.status_code == 400, url
    assert "image_url" in answer.json()["error"]


@_SETTINGS
@given(
    host=_HOST,
    port=st.one_of(st.none(), st.integers(1, 65535)),
    path=_PATH,
    query=st.sampled_from(["", "?w=512", "?a=1&b=2"]),
)
def test_well_formed_image_urls_are_taken(
    mock: RunningMock, client: httpx.Client, host: str, port: int | None, path: str, query: str
) -> None:
    url = f"https://{host}{'' if port is None else f':{port}'}{path}{query}"
    answer = client.post(I2V, json={"image_url": url})
    mock.control.reset_limits()
    assert answer.status_code == 200, (url, answer.text)


_DEEP = 100_000


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("clock/advance", b'{"seconds": 1e999}'),
        ("clock/advance", b'{"seconds": 1e300}'),
        ("clock/advance", b'{"seconds": NaN}'),
        ("users", b"[" * _DEEP + b"]" * _DEEP),
        ("limits/reset", b'{"user_id": ' + b"[" * _DEEP + b"]" * _DEEP),
        ("users", b'{"plan": "\xff"}'),
        ("videos", b'{"user_id": USER, "duration": 1' + b"0" * 4000 + b"}"),
        ("videos", b'{"user_id": USER, "duration": 1e300}'),
        ("videos", b'{"user_id": USER, "resolution": "4k"}'),
        ("videos", b'{"user_id": USER, "prompt": {"a": [1]}}'),
        ("users", b'{"plan": "' + b"x" * 2_000_000 + b'"}'),
    ],
    ids=[
        "clock-to-infinity",
        "clock-past-year-9999",
        "clock-nan",
        "deep-nesting",
        "deep-nesting-in-object",
        "not-utf-8",
        "video-huge-duration",
        "video-float-duration",
        "video-unknown-resolution",
        "video-prompt-not-text",
        "huge-body",
    ],
)
def test_control_api_refuses_hostile_input(
    mock: RunningMock, client: httpx.Client, path: str, raw: bytes
) -> None:
    """The control API answers 400/413, never a 5xx, and the mock works afterwards."""
    raw = raw.replace(b"USER", json.dumps(mock.user_ids["api"]).encode())
    token = {"X-Nbkit-Admin-Token": mock.admin_token}
    reply = client.post(f"{mock.origin}/_nbkit/{path}", content=raw, headers=token)
    assert reply.status_code in (400, 413), reply.text[:200]
    assert reply.json()["success"] is False
    generated = client.post(T2V, json={"prompt": "p"})
    assert generated.status_code == 200, generated.text
    read = client.get(STATUS, params={"video_id": generated.json()["video_id"]})
    assert read.status_code == 200


@pytest.mark.parametrize(
    "raw",
    [
        b'{"prompt": "p", "duration": 1' + b"0" * 60_000 + b"}",
        b'{"prompt": "p", "duration": 1e999}',
        b'{"prompt": "p", "duration": 5e' + b"9" * 60_000 + b"}",
        b'{"prompt": "p", "duration": NaN}',
        b'{"prompt": "p", "x": ' + b"[" * 30_000 + b"]" * 30_000 + b"}",
        b'{"prompt": "\\ud800", "prompt": "p"}',
        b'{"prompt": "p", "prompt": "\\ud800"}',
        b'{"prompt": "\\\\ud800"}',
        b'{"prompt": "\\ud83d\\ude00"}',
    ],
    ids=[
        "huge-integer",
        "huge-float",
        "huge-exponent",
        "nan",
        "deep-nesting",
        "duplicate-keys",
        "duplicate-keys-last-wins",
        "escaped-backslash-u",
        "surrogate-pair",
    ],
)
def test_hostile_json_never_gets_a_5xx(mock: RunningMock, client: httpx.Client, raw: bytes) -> None:
    """Huge numbers, deep nesting and duplicate keys: 400 or 200, and a 200 reads back."""
    mock.control.reset_limits()
    reply = client.post(T2V, content=raw, headers={"Content-Type": "application/json"})
    assert reply.status_code in (200, 400), reply.text[:200]
    if reply.status_code == 200:
        read = client.get(STATUS, params={"video_id": reply.json()["video_id"]})
        assert read.status_code == 200
