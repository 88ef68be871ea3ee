"""A tiny client of the Nano Banana Video API, built on requests: what a client team writes."""

from __future__ import annotations

import os
from typing import Any

import requests

__all__ = ["API_URL", "ApiError", "NanoBanana"]

API_URL = "https://nanobananavideo.com/api/v1/"


class ApiError(Exception):
    """The API answered with `success: false`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status


class NanoBanana:
    """Generate videos and read their status; the key comes from NB_API_KEY by default."""

    def __init__(
        self, key: str | None = None, *, base_url: str = API_URL, verify: bool | str = True
    ) -> None:
        self._key = key if key is not None else os.environ["NB_API_KEY"]
        self._base_url = base_url
        # Per request: requests lets REQUESTS_CA_BUNDLE override a session's `verify`.
        self._verify = verify
        self._session = requests.Session()

    def _call(self, method: str, endpoint: str, **kwargs: Any) -> dict[str, Any]:
        response = self._session.request(
            method,
            self._base_url + endpoint,
            headers={"X-API-Key": self._key},
            timeout=300,  # generation is synchronous and may take minutes
            verify=self._verify,
            **kwargs,
        )
        body: dict[str, Any] = response.json()
        if not body.get("success"):
            raise ApiError(response.status_code, str(body.get("error")))
        return body

    def text_to_video(self, prompt: str, **options: Any) -> dict[str, Any]:
        """Generate a video from a prompt; the answer holds `video_id` and `video_url`."""
        return self._call("POST", "text-to-video.php", json={"prompt": prompt, **options})

    def video_status(self, video_id: str) -> dict[str, Any]:
        """A video's status record."""
        return self._call("GET", "video-status.php", params={"video_id": video_id})["video"]
