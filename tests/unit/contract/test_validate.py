"""Each schema accepts the documented examples and rejects realistic wrong documents."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from nbkit.contract import schema, validator
from nbkit.contract.validate import schema_names

GENERATED = schema("generation-response")["examples"][0]
STATUS = schema("video-status-response")["examples"][0]
RATE_LIMITED = schema("rate-limit-error")["examples"][0]


def _with(document: Any, pointer: str, value: Any) -> Any:
    changed = copy.deepcopy(document)
    *parents, last = pointer.strip("/").split("/")
    node = changed
    for part in parents:
        node = node[part]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return changed


_DELETE = object()


@pytest.mark.parametrize("name", schema_names())
def test_every_schema_example_is_valid(name: str) -> None:
    for example in schema(name).get("examples", ()):
        assert validator(name).is_valid(example), example


WRONG_DOCUMENTS = [
    ("generation-response", _with(GENERATED, "/video_id", 123), "integer video_id (old docs)"),
    ("generation-response", _with(GENERATED, "/success", _DELETE), "missing success"),
    ("generation-response", _with(GENERATED, "/video_id", "123"), "id without vid_"),
    ("generation-response", _with(GENERATED, "/rate_limit/reset_at", "tomorrow"), "bad reset_at"),
    ("generation-response", _with(GENERATED, "/video_url", "http://cdn/x.mp4"), "plain http url"),
    ("text-to-video-request", {"prompt": "x" * 2001}, "2001-character prompt"),
    ("text-to-video-request", {"prompt": "a", "video_model": "kling"}, "unknown video_model"),
    ("text-to-video-request", {"prompt": "a", "resolution": "4k"}, "4k resolution"),
    ("text-to-video-request", {"prompt": "a", "duration": 13}, "duration over 12"),
    ("text-to-video-request", {"prompt": "a", "duration": "5"}, "duration as text"),
    ("text-to-video-request", {"resolution": "720p"}, "no prompt"),
    ("image-to-video-request", {"image_urls": ["https://x/y.jpg"]}, "image_urls (old docs)"),
    ("image-to-video-request", {"image_url": "http://x/y.jpg"}, "image over plain http"),
    ("auth-error", {"success": False, "error": "Unauthorized"}, "another auth message"),
    ("auth-error", {"error": "Invalid API key"}, "auth error without success"),
    ("error", {"success": True, "error": "x"}, "error with success true"),
    ("rate-limit-error", _with(RATE_LIMITED, "/rate_limit", _DELETE), "429 without rate_limit"),
    ("rate-limit", {"count": 1, "limit": 10, "remaining": 9}, "old rate_limit object"),
    ("video-status-response", _with(STATUS, "/video/status", "queued"), "old status value"),
    ("video-status-response", {"success": True, "status": "completed"}, "top-level status"),
    ("video-status-response", _with(STATUS, "/video/output_url", None), "completed, no url"),
    ("api-key", "sk-abc", "key without nb_"),
]


@pytest.mark.parametrize(
    ("name", "document"),
    [(name, doc) for name, doc, _ in WRONG_DOCUMENTS],
    ids=[why for _, _, why in WRONG_DOCUMENTS],
)
def test_schema_rejects_wrong_document(name: str, document: Any) -> None:
    assert not validator(name).is_valid(document)


def test_auth_error_parts_split_401_from_403() -> None:
    plan = {"success": False, "error": "API access requires the API plan"}
    assert validator("auth-error#/$defs/forbidden").is_valid(plan)
    assert not validator("auth-error#/$defs/unauthorized").is_valid(plan)


def test_unknown_schema_name_is_an_input_error() -> None:
    from nbkit.errors import InputError

    with pytest.raises(InputError, match="no such schema"):
        validator("no-such-schema")
