"""Tests for nbkit.cassettes.replay: offline, and an unmatched request names itself and the file."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from nbkit.cassettes.replay import NetworkBlocked, Unmatched, blocked_network, replay
from nbkit.cassettes.scenarios import scenario

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes"


def test_blocked_network_refuses_connect_and_restores_it() -> None:
    original = socket.socket.connect
    with blocked_network(), socket.socket() as sock, pytest.raises(NetworkBlocked):
        sock.connect(("127.0.0.1", 9))
    assert socket.socket.connect is original


def test_replay_returns_the_recorded_answer() -> None:
    answer = replay(scenario("text-to-video-header-no-plan"), root=CASSETTES)
    assert answer.status == 403
    assert answer.json()["success"] is False


def test_unmatched_request_names_request_and_cassette(tmp_path: Path) -> None:
    item = scenario("text-to-video-bearer-valid")
    target = tmp_path / item.cassette
    target.parent.mkdir(parents=True)
    shutil.copy(CASSETTES / item.cassette, target)
    # The recording now answers another key role: the valid-key request finds nothing.
    target.write_text(target.read_text().replace("nb_PLACEHOLDER_VALID", "nb_PLACEHOLDER_REVOKED"))
    with pytest.raises(Unmatched) as caught:
        replay(item, root=tmp_path)
    message = str(caught.value)
    assert "POST /api/v1/text-to-video.php (auth bearer, key role valid)" in message
    assert str(target) in message
    assert "PLACEHOLDER" not in message


def test_missing_cassette_is_unmatched(tmp_path: Path) -> None:
    with pytest.raises(Unmatched, match=r"no cassette .*auth/video-status-none-none\.yaml"):
        replay(scenario("video-status-none-none"), root=tmp_path)
