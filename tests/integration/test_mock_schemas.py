"""Every kind of response the mock sends validates against the JSON Schemas in schemas/."""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from nbkit.contract import operations, validator
from nbkit.keys import new_key
from nbkit.mock import Faults, MockSettings, RunningMock, serve
from nbkit.strategies import request_bodies

T2V, I2V, STATUS = "text-to-video.php", "image-to-video.php", "video-status.php"
GENERATION = {T2V, I2V}
OPERATIONS = {operation.path: operation for operation in operations()}
# Answers the documentation does not cover, on purpose: a body over 64 KiB
# (413), a head or body that stalls (408), and 502, which only fault injection
# sends (as a gateway in front of the API might).
UNDOCUMENTED_ON_PURPOSE = {408, 413, 502}


def schema_for(path: str, status: int) -> list[str]:
    """The schemas a response may match, by endpoint and status (any one is enough)."""
    endpoint = path.rsplit("/", 1)[-1]
    if status == 401 and endpoint in GENERATION | {STATUS}:
        return ["auth-error#/$defs/unauthorized"]
    if endpoint in GENERATION:
        return {
            200: ["generation-response"],
            400: ["generation-error"],
            403: ["auth-error#/$defs/forbidden"],
            429: ["rate-limit-error"],
        }.get(status, ["error"])
    if endpoint == STATUS:
        return {
            200: ["video-status-response"],
            400: ["video-status-error#/$defs/missing_id"],
            403: ["auth-error#/$defs/forbidden", "video-status-error#/$defs/access_denied"],
            404: ["video-status-error#/$defs/not_found"],
        }.get(status, ["error"])
    return ["error"]


def assert_valid(path: str, status: int, body: object) -> None:
    """The body matches one of the schemas for its endpoint and status; else the first's errors."""
    names = schema_for(path, status)
    problems = []
    for name in names:
        errors = list(validator(name).iter_errors(body))
        if not errors:
            return
        problems.append(f"{name}: {[e.message for e in errors]}")
    pytest.fail(f"{status} {path}: {json.dumps(body)[:300]} matches none of {problems}")


def assert_documented(path: str, status: int, body: object) -> None:
    """The status is one the contract lists for the path, and the body is what it documents."""
    operation = OPERATIONS.get(path)
    if operation is None or status in UNDOCUMENTED_ON_PURPOSE:
        return
    body_validator = operation.body_validator(status)
    assert body_validator is not None, f"{status} is not in the contract for {operation.id}"
    body_validator.validate(body)


def _check(response: httpx.Response) -> None:
    """An httpx response hook: validate each body as it arrives."""
    response.read()
    # The plain-HTTP refusal is no documented endpoint's answer: the envelope only.
    path = response.request.url.path if response.request.url.scheme == "https" else "/"
    assert_valid(path, response.status_code, response.json())
    assert_documented(path, response.status_code, response.json())


def _client(mock: RunningMock, **headers: str) -> httpx.Client:
    context = ssl.create_default_context(cafile=str(mock.ca_bundle))
    return httpx.Client(
        base_url=mock.base_url,
        verify=context,
        headers=headers,
        event_hooks={"response": [_check]},
    )


@pytest.fixture(scope="module")
def client(mock: RunningMock) -> Iterator[httpx.Client]:
    with _client(mock, Authorization=f"Bearer {mock.env['NB_API_KEY']}") as http:
        yield http


@pytest.fixture(autouse=True)
def _room_to_generate(mock: RunningMock) -> None:
    mock.control.reset_limits()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=request_bodies("textToVideo"))
def test_schema_valid_text_request_gets_a_schema_valid_200(
    mock: RunningMock, client: httpx.Client, body: object
) -> None:
    mock.control.reset_limits()
    response = client.post(T2V, json=body)
    assert response.status_code == 200
    video = client.get(STATUS, params={"video_id": response.json()["video_id"]})
    assert video.status_code == 200


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=request_bodies("imageToVideo"))
def test_schema_valid_image_request_gets_a_schema_valid_200(
    mock: RunningMock, client: httpx.Client, body: object
) -> None:
    mock.control.reset_limits()
    assert client.post(I2V, json=body).status_code == 200


@pytest.mark.parametrize("status", ["pending", "processing", "completed", "failed"])
@pytest.mark.parametrize("mode", ["text-to-video", "image-to-video"])
def test_status_of_every_state_is_schema_valid(
    mock: RunningMock, client: httpx.Client, status: str, mode: str
) -> None:
    video = mock.control.create_video(mock.user_ids["api"], status=status, mode=mode)
    assert client.get(STATUS, params={"video_id": video["id"]}).status_code == 200


@pytest.mark.parametrize("path", [T2V, I2V, STATUS])
def test_every_auth_error_is_schema_valid(mock: RunningMock, path: str) -> None:
    method = "GET" if path == STATUS else "POST"
    keys = [
        None,
        "sk-x",
        new_key(),
        *(mock.env[k] for k in mock.env if k.startswith("NB_API_KEY_")),
    ]
    statuses = set()
    for key in keys:
        headers = {} if key is None else {"X-API-Key": key}
        with _client(mock, **headers) as http:
            statuses.add(http.request(method, path, params={"video_id": "x"}).status_code)
    assert statuses == {401, 403}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (T2V, {}),
        (T2V, {"prompt": "x" * 2001}),
        (T2V, {"prompt": "p", "resolution": "4k"}),
        (T2V, {"prompt": "p", "duration": 99}),
        (T2V, [1]),
        (I2V, {"prompt": "p"}),
        (I2V, {"image_url": "ftp://e.com/a.jpg"}),
    ],
)
def test_every_400_is_schema_valid(client: httpx.Client, path: str, body: object) -> None:
    assert client.post(path, json=body).status_code == 400


def test_status_errors_are_schema_valid(mock: RunningMock, client: httpx.Client) -> None:
    other = mock.control.create_user()
    foreign = mock.control.create_video(other.user.id)
    assert client.get(STATUS).status_code == 400
    assert client.get(STATUS, params={"video_id": "vid_ffffffffffff"}).status_code == 404
    assert client.get(STATUS, params={"video_id": foreign["id"]}).status_code == 403


def test_429_is_schema_valid(mock: RunningMock) -> None:
    created = mock.control.create_user()
    with _client(mock, **{"X-API-Key": created.key}) as http:
        statuses = [http.post(T2V, json={"prompt": "p"}).status_code for _ in range(31)]
    assert statuses[-1] == 429


def test_other_errors_are_envelopes(mock: RunningMock, client: httpx.Client) -> None:
    assert client.get(T2V).status_code == 405
    assert client.get("nothing-here.php").status_code == 404
    assert client.post(T2V, content=b"{" + b" " * 70_000 + b"}").status_code == 413
    assert mock.http_url is not None
    with httpx.Client(base_url=mock.http_url, event_hooks={"response": [_check]}) as plain:
        assert plain.post(T2V, json={"prompt": "p"}).status_code == 403


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /api/v1/\xff HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (
            b"GET /api/v1/video-status.php HTTP/1.1\r\nHost: x\r\nX-A: "
            + b"a" * 70_000
            + b"\r\n\r\n",
            431,
        ),
    ],
    ids=["bad-path", "huge-head"],
)
def test_protocol_errors_are_envelopes(
    mock: RunningMock, request_bytes: bytes, status: int
) -> None:
    port = int(mock.origin.rsplit(":", 1)[1])
    context = ssl.create_default_context(cafile=str(mock.ca_bundle))
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(request_bytes)
        received = b""
        while chunk := tls.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert int(head[9:12]) == status
    assert_valid("/", status, json.loads(body))


def test_fault_responses_are_envelopes(tmp_path: Path) -> None:
    with (
        serve(
            state_dir=tmp_path, settings=MockSettings(faults=Faults(error_rate=1.0, seed=1))
        ) as faulty,
        _client(faulty) as http,
    ):
        assert {http.get(STATUS).status_code for _ in range(10)} == {500, 502}


@pytest.mark.parametrize("mutant", ["integer-video-id", "flat-status-body"])
def test_schemas_tell_the_documented_mock_from_shape_mutants(tmp_path: Path, mutant: str) -> None:
    with serve(state_dir=tmp_path, mutant=mutant) as deviant:
        context = ssl.create_default_context(cafile=str(deviant.ca_bundle))
        headers = {"X-API-Key": deviant.env["NB_API_KEY"]}
        with httpx.Client(base_url=deviant.base_url, verify=context, headers=headers) as http:
            made = http.post(T2V, json={"prompt": "p"})
            shown = http.get(STATUS, params={"video_id": str(made.json()["video_id"])})
    with pytest.raises((pytest.fail.Exception, jsonschema.ValidationError)):
        assert_valid("/api/v1/" + T2V, 200, made.json())
        assert_valid("/api/v1/" + STATUS, 200, shown.json())
