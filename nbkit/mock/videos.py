"""The videos the mock has "generated", and their JSON shapes (API-FACTS 4.3 and 6)."""

from __future__ import annotations

import itertools
import random
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from typing import Final

from nbkit.mock.clock import iso_utc
from nbkit.types import JSON, StrEnum

__all__ = ["CDN", "MAX_VIDEOS", "Mode", "Status", "Video", "VideoStore", "credits_for"]

CDN: Final = "https://cdn.nanobananavideo.com"
_RESOLUTION_CREDITS: Final = {"480p": 0, "720p": 1, "1080p": 2}
# Oldest videos are forgotten past this many, so a long benchmark or a client
# looping on the mock cannot grow it without bound.
MAX_VIDEOS: Final = 100_000
_IDS: Final = random.Random(secrets.randbits(64))


class Mode(StrEnum):
    """Which endpoint made the video; the status body's `mode`."""

    TEXT = "text-to-video"
    IMAGE = "image-to-video"


class Status(StrEnum):
    """The documented status values (API-FACTS 6)."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


def credits_for(resolution: str, duration: int) -> int:
    """Credits a generation costs.

    No price table is published (API-FACTS 11); this one matches the only
    example that names its inputs: 5 s at 1080p costs 7 (API-FACTS 6).
    """
    return duration + _RESOLUTION_CREDITS.get(resolution, 0)


@dataclass(frozen=True, slots=True)
class Video:
    """One generated video and who owns it."""

    id: str | int
    owner: str
    mode: Mode
    status: Status
    description: str
    resolution: str
    duration_seconds: int
    credits_used: int
    created_at: float

    @property
    def output_url(self) -> str | None:
        """The CDN URL of the MP4, once completed."""
        return f"{CDN}/videos/{self.id}.mp4" if self.status is Status.COMPLETED else None

    @property
    def thumbnail_url(self) -> str | None:
        """The CDN URL of the JPG thumbnail, once completed."""
        return f"{CDN}/thumbs/{self.id}.jpg" if self.status is Status.COMPLETED else None

    def generation_json(self) -> JSON:
        """The 200 body of a generation endpoint, without `rate_limit`."""
        return {
            "success": True,
            "video_id": self.id,
            "video_url": self.output_url,
            "thumbnail_url": self.thumbnail_url,
            "credits_used": self.credits_used,
        }

    def status_json(self) -> JSON:
        """The `video` object of the status endpoint (API-FACTS 6)."""
        created = iso_utc(self.created_at)
        started = None if self.status is Status.PENDING else created
        done = created if self.status in (Status.COMPLETED, Status.FAILED) else None
        return {
            "id": self.id,
            "status": str(self.status),
            "title": "Text to Video" if self.mode is Mode.TEXT else "Image to Video",
            "description": self.description,
            "mode": str(self.mode),
            "resolution": self.resolution,
            "duration_seconds": self.duration_seconds,
            "output_url": self.output_url,
            "thumbnail_url": self.thumbnail_url,
            "credits_used": self.credits_used,
            "created_at": created,
            "updated_at": created,
            "processing_started_at": started,
            "processing_completed_at": done,
        }


class VideoStore:
    """Videos by id; ids are `vid_` + 12 lower-case hex (API-FACTS 4.3)."""

    __slots__ = ("_counter", "_ids", "_limit", "_videos")

    def __init__(self, *, limit: int = MAX_VIDEOS, seed: int | None = None) -> None:
        # OrderedDict: dropping the oldest is O(1); a dict would scan past
        # every slot freed since its last resize.
        self._videos: OrderedDict[str, Video] = OrderedDict()
        self._counter = itertools.count(1)
        self._limit = limit
        # A seed gives the same ids in the same order on every run (MockSettings.seed).
        self._ids = _IDS if seed is None else random.Random(seed)

    def new_id(self, *, integer: bool = False) -> str | int:
        """A fresh id; `integer` gives the old documentation's integer ids (C3)."""
        if integer:
            return next(self._counter)
        while True:
            # Ids need to be unique, not secret: a seeded PRNG spares a system call.
            candidate = f"vid_{self._ids.getrandbits(48):012x}"
            if candidate not in self._videos:
                return candidate

    def add(self, video: Video) -> Video:
        """Keep a video, forgetting the oldest one past the limit."""
        self._videos[str(video.id)] = video
        if len(self._videos) > self._limit:
            self._videos.popitem(last=False)
        return video

    def get(self, video_id: str) -> Video | None:
        """The video with this id, if any."""
        return self._videos.get(video_id)
