"""Replay nbkit's committed cassettes offline through the client, with keys of one's own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from nbclient import ApiError, NanoBanana

from nbkit.keys import new_key

PROMPT = "A street food vendor at a bustling night market, steam rising"


@pytest.fixture
def vcr_cassette_dir() -> str:
    """nbkit's committed cassettes, at the top of the repository."""
    return str(Path(__file__).resolve().parents[2] / "cassettes")


@pytest.fixture(autouse=True)
def my_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    # Not the recorder's keys: the cassettes hold placeholders, matched by role.
    monkeypatch.setenv("NB_API_KEY", new_key())
    monkeypatch.setenv("NB_API_KEY_REVOKED", new_key())


@pytest.mark.vcr
@pytest.mark.default_cassette("auth/text-to-video-header-valid.yaml")
def test_generation_replays_with_my_own_valid_key() -> None:
    answer = NanoBanana().text_to_video(PROMPT)
    assert answer["video_url"].endswith(f"{answer['video_id']}.mp4")


@pytest.mark.vcr
@pytest.mark.default_cassette("auth/text-to-video-header-revoked.yaml")
def test_a_revoked_key_is_refused() -> None:
    with pytest.raises(ApiError) as refused:
        NanoBanana(os.environ["NB_API_KEY_REVOKED"]).text_to_video(PROMPT)
    assert refused.value.status == 401
