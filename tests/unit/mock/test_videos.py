from __future__ import annotations

import re

from nbkit.mock.videos import Mode, Status, Video, VideoStore, credits_for


def _video(status: Status = Status.COMPLETED, video_id: str | int = "vid_0123456789ab") -> Video:
    return Video(video_id, "usr", Mode.TEXT, status, "p", "1080p", 5, 7, 1778000400.0)


def test_ids_are_vid_and_12_lowercase_hex() -> None:
    store = VideoStore()
    assert all(re.fullmatch(r"vid_[0-9a-f]{12}", str(store.new_id())) for _ in range(20))


def test_integer_ids_count_up() -> None:
    store = VideoStore()
    assert [store.new_id(integer=True) for _ in range(3)] == [1, 2, 3]


def test_credits_match_the_documented_example() -> None:
    assert credits_for("1080p", 5) == 7


def test_completed_video_has_cdn_urls() -> None:
    body = _video().generation_json()
    assert body["video_url"] == "https://cdn.nanobananavideo.com/videos/vid_0123456789ab.mp4"
    assert body["thumbnail_url"] == "https://cdn.nanobananavideo.com/thumbs/vid_0123456789ab.jpg"


def test_pending_video_has_no_urls_or_processing_times() -> None:
    video = _video(Status.PENDING).status_json()
    assert video["output_url"] is None
    assert video["processing_started_at"] is None
    assert video["processing_completed_at"] is None
    assert video["created_at"] == "2026-05-05T17:00:00Z"


def test_store_finds_integer_ids_by_their_text() -> None:
    store = VideoStore()
    store.add(_video(video_id=4))
    assert store.get("4") is not None


def test_store_forgets_the_oldest_past_its_limit() -> None:
    store = VideoStore(limit=2)
    for number in (1, 2, 3):
        store.add(_video(video_id=number))
    assert store.get("1") is None
    assert store.get("3") is not None
