"""Cassette documents built in memory, the way vcrpy writes them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

Doc = dict[str, Any]
MakeDoc = Callable[..., Doc]

_RATE_LIMIT = {"count": 1, "limit": 30, "remaining": 29, "reset_in_seconds": 1800}
GENERATED = {
    "success": True,
    "video_id": "vid_a1b2c3d4e5f6",
    "video_url": "https://cdn.nanobananavideo.com/videos/vid_a1b2c3d4e5f6.mp4",
    "thumbnail_url": "https://cdn.nanobananavideo.com/thumbs/vid_a1b2c3d4e5f6.jpg",
    "credits_used": 5,
    "rate_limit": {**_RATE_LIMIT, "reset_at": "2026-05-05T18:30:00Z"},
}
RATE_HEADERS = {
    "x-ratelimit-limit": ["30"],
    "x-ratelimit-remaining": ["29"],
    "x-ratelimit-reset": ["1"],
}


def make_doc(
    *,
    method: str = "POST",
    path: str = "/api/v1/text-to-video.php",
    query: str = "",
    request_headers: dict[str, list[str]] | None = None,
    status: int = 200,
    body: object = GENERATED,
    headers: dict[str, list[str]] | None = None,
    request_body: str | None = '{"prompt": "A street food vendor at a night market"}',
) -> Doc:
    """One-interaction cassette; `body` is JSON-encoded unless it is a str."""
    uri = f"https://127.0.0.1{path}" + (f"?{query}" if query else "")
    text = body if isinstance(body, str) else json.dumps(body)
    return {
        "interactions": [
            {
                "request": {
                    "method": method,
                    "uri": uri,
                    "body": request_body if method == "POST" else None,
                    "headers": request_headers
                    if request_headers is not None
                    else {"authorization": ["Bearer nb_PLACEHOLDER_VALID"]},
                },
                "response": {
                    "status": {"code": status, "message": ""},
                    "headers": RATE_HEADERS if headers is None else headers,
                    "body": {"string": text},
                },
            }
        ],
        "version": 1,
    }


@pytest.fixture
def doc() -> MakeDoc:
    return make_doc
