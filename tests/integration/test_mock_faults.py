"""Fault injection over real HTTPS: 500/502 envelopes and dropped connections, API only."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest

from nbkit.mock import Faults, MockSettings, serve


def _settings(**faults: float) -> MockSettings:
    return MockSettings(faults=Faults(seed=3, **faults))


def test_error_rate_one_answers_500_or_502_envelopes(tmp_path: Path) -> None:
    with serve(state_dir=tmp_path, settings=_settings(error_rate=1.0)) as mock:
        context = ssl.create_default_context(cafile=str(mock.ca_bundle))
        with httpx.Client(base_url=mock.base_url, verify=context) as client:
            responses = [client.get("video-status.php") for _ in range(20)]
        assert mock.control.users()  # the control API is never faulted
    assert {r.status_code for r in responses} == {500, 502}
    assert all(r.json()["success"] is False for r in responses)


def test_drop_rate_one_closes_connections_unanswered(tmp_path: Path) -> None:
    with serve(state_dir=tmp_path, settings=_settings(drop_rate=1.0)) as mock:
        context = ssl.create_default_context(cafile=str(mock.ca_bundle))
        with (
            httpx.Client(base_url=mock.base_url, verify=context) as client,
            pytest.raises(httpx.RemoteProtocolError),
        ):
            client.get("video-status.php")
        assert mock.control.users()


def test_latency_still_answers(tmp_path: Path) -> None:
    with serve(state_dir=tmp_path, settings=_settings(latency_ms=5)) as mock:
        context = ssl.create_default_context(cafile=str(mock.ca_bundle))
        with httpx.Client(base_url=mock.base_url, verify=context) as client:
            assert client.get("video-status.php").status_code == 401
