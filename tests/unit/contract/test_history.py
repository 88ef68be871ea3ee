"""The older single-page contract accepts the old page's examples; the current one does not."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from nbkit.contract import HISTORY_DIR, validator
from nbkit.contract.openapi import Operation, operations

OLD = HISTORY_DIR / "documentation-php.openapi.yaml"
OLD_RESPONSE = {
    "success": True,
    "video_id": 123,
    "video_url": "https://example.com/video.mp4",
    "thumbnail_url": "https://example.com/thumbnail.jpg",
    "credits_used": 5,
    "rate_limit": {"count": 1, "limit": 10, "remaining": 9},
}
OLD_REQUEST = {
    "prompt": "A beautiful sunset over the ocean",
    "resolution": "1080p",
    "duration": 5,
    "aspect_ratio": "16:9",
}


def _old(operation_id: str) -> Operation:
    return next(op for op in operations(OLD) if op.id == operation_id)


def test_old_response_example_is_valid_in_history_and_not_now() -> None:
    assert _old("textToVideo").body_validator(200).is_valid(OLD_RESPONSE)
    assert not validator("generation-response").is_valid(OLD_RESPONSE)


def test_old_request_example_is_valid_in_history() -> None:
    schema = _old("textToVideo").request_schema
    assert Draft202012Validator(schema).is_valid(OLD_REQUEST)


def test_history_caps_prompts_at_500_characters() -> None:
    schema = _old("textToVideo").request_schema
    assert not Draft202012Validator(schema).is_valid({"prompt": "x" * 501})
    assert validator("text-to-video-request").is_valid({"prompt": "x" * 501})


def test_history_image_to_video_takes_image_urls() -> None:
    schema = _old("imageToVideo").request_schema
    assert Draft202012Validator(schema).is_valid({"image_urls": ["https://example.com/a.jpg"]})
    assert not Draft202012Validator(schema).is_valid({"image_url": "https://example.com/a.jpg"})


def test_history_rate_limit_is_10_per_window() -> None:
    assert _old("textToVideo").extensions["x-nbkit-rate-limit"]["limit"] == 10
