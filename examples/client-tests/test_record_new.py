"""Record new cassettes of the client against nbkit's embedded mock, then replay them.

The two tests run in order: the first records (pytest-recording writes the
cassette when the test ends), the second reads and replays what it wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from nbclient import NanoBanana

from nbkit.contract import KeyRole
from nbkit.keys import new_key
from nbkit.mock import RunningMock, serve

PROMPT = "a heron fishing at dawn"


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningMock]:
    with serve(state_dir=tmp_path_factory.mktemp("mock"), http_port=None) as running:
        yield running


@pytest.fixture(scope="module")
def vcr_cassette_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("cassettes"))


@pytest.mark.vcr(record_mode="once")
@pytest.mark.default_cassette("generate.yaml")
def test_record_a_generation(mock: RunningMock, monkeypatch: pytest.MonkeyPatch) -> None:
    # The mock's real keys, by role, as a team's CI would export its own.
    monkeypatch.setenv("NB_API_KEY", mock.env["NB_API_KEY"])
    client = NanoBanana(base_url=mock.base_url, verify=str(mock.ca_bundle))
    made = client.text_to_video(PROMPT)
    assert client.video_status(made["video_id"])["status"] == "completed"


def test_the_recording_holds_no_key_and_names_the_documented_url(
    mock: RunningMock, vcr_cassette_dir: str
) -> None:
    text = (Path(vcr_cassette_dir) / "generate.yaml").read_text()
    assert mock.env["NB_API_KEY"] not in text
    assert str(KeyRole.VALID.placeholder) in text
    assert "https://nanobananavideo.com/api/v1/text-to-video.php" in text
    assert "127.0.0.1" not in text


@pytest.mark.vcr
@pytest.mark.default_cassette("generate.yaml")
def test_the_recording_replays_offline_with_another_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NB_API_KEY", new_key())
    client = NanoBanana()
    made = client.text_to_video(PROMPT)
    assert client.video_status(made["video_id"])["status"] == "completed"
