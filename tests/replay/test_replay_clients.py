"""A client configured for the real API replays the committed cassettes unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import vcr  # type: ignore[import-untyped]
from vcr.errors import CannotOverwriteExistingCassetteException  # type: ignore[import-untyped]

from nbkit.cassettes.recording import DOCUMENTED_BASE_URL, make_vcr
from nbkit.contract import KeyRole
from nbkit.keys import new_key


def test_plain_vcrpy_and_requests_replay_at_the_documented_url(cassettes: Path) -> None:
    # The scenario: vcrpy's default matching (method, scheme, host, port, path, query).
    path = cassettes / "auth" / "text-to-video-header-valid.yaml"
    with vcr.VCR(record_mode="none").use_cassette(str(path)):
        response = requests.post(
            "https://nanobananavideo.com/api/v1/text-to-video.php",
            json={"prompt": "anything"},
            headers={"X-API-Key": new_key()},
            timeout=30,
        )
    assert response.status_code == 200
    assert response.json()["success"] is True


@pytest.mark.parametrize(("key_role", "matches"), [(KeyRole.VALID, True), (KeyRole.REVOKED, False)])
def test_nbkit_matching_replays_by_role(
    cassettes: Path, monkeypatch: pytest.MonkeyPatch, key_role: KeyRole, matches: bool
) -> None:
    # The client's own valid and revoked keys, neither of them the recorder's.
    keys = {role: new_key() for role in (KeyRole.VALID, KeyRole.REVOKED)}
    for role, key in keys.items():
        monkeypatch.setenv(str(role.variable), key)
    path = cassettes / "status" / "video-status-not-found.yaml"
    recorded = path.read_text()
    video_id = recorded.split("video_id=", 1)[1].split()[0].split("&")[0]
    url = f"{DOCUMENTED_BASE_URL}video-status.php?video_id={video_id}"
    with make_vcr(record_mode="none").use_cassette(str(path)):
        if matches:
            answer = requests.get(
                url, headers={"Authorization": f"Bearer {keys[key_role]}"}, timeout=30
            )
            assert answer.status_code == 404
        else:
            with pytest.raises(CannotOverwriteExistingCassetteException):
                requests.get(url, headers={"Authorization": f"Bearer {keys[key_role]}"}, timeout=30)
