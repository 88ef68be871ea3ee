from __future__ import annotations

import pytest

from nbkit.mock.validation import (
    LONE_SURROGATE,
    GenerationRequest,
    Invalid,
    parse_body,
    validate_generation,
)
from nbkit.mock.videos import Mode
from nbkit.types import JSON

IMAGE = "https://example.com/a.jpg"

CASES: tuple[tuple[str, Mode, JSON, str], ...] = (
    ("prompt-missing", Mode.TEXT, {}, 'Field "prompt" is required'),
    ("prompt-null", Mode.TEXT, {"prompt": None}, 'Field "prompt" is required'),
    ("prompt-empty", Mode.TEXT, {"prompt": ""}, 'Field "prompt" is required'),
    ("image-prompt-null", Mode.IMAGE, {"image_url": IMAGE, "prompt": None}, "must be a string"),
    ("image-prompt-empty", Mode.IMAGE, {"image_url": IMAGE, "prompt": ""}, "cannot be empty"),
    ("model-null", Mode.TEXT, {"prompt": "p", "video_model": None}, "seedance2, veo3, sora2"),
    ("image-upper-scheme", Mode.IMAGE, {"image_url": "HTTPS://e.com/a"}, "public HTTPS URL"),
    ("image-no-host", Mode.IMAGE, {"image_url": "https://"}, "public HTTPS URL"),
    ("aspect-word", Mode.TEXT, {"prompt": "p", "aspect_ratio": "wide"}, "such as 16:9"),
    ("prompt-number", Mode.TEXT, {"prompt": 5}, 'Field "prompt" must be a string'),
    ("prompt-long", Mode.TEXT, {"prompt": "x" * 2001}, "Prompt cannot exceed 2000 characters"),
    ("image-missing", Mode.IMAGE, {"prompt": "p"}, 'Field "image_url" is required'),
    ("image-http", Mode.IMAGE, {"image_url": "http://e.com/a.jpg"}, "must be a public HTTPS URL"),
    ("image-number", Mode.IMAGE, {"image_url": 3}, "must be a public HTTPS URL"),
    ("model", Mode.TEXT, {"prompt": "p", "video_model": "kling"}, "seedance2, veo3, sora2"),
    ("resolution", Mode.TEXT, {"prompt": "p", "resolution": "4k"}, "480p, 720p, 1080p"),
    ("motion", Mode.TEXT, {"prompt": "p", "motion_intensity": "max"}, "low, medium, high"),
    ("duration-low", Mode.TEXT, {"prompt": "p", "duration": 2}, "integer from 3 to 12"),
    ("duration-high", Mode.TEXT, {"prompt": "p", "duration": 13}, "integer from 3 to 12"),
    ("duration-float", Mode.TEXT, {"prompt": "p", "duration": 5.5}, "integer from 3 to 12"),
    ("duration-bool", Mode.TEXT, {"prompt": "p", "duration": True}, "integer from 3 to 12"),
    ("aspect-number", Mode.TEXT, {"prompt": "p", "aspect_ratio": 1}, "such as 16:9"),
)


@pytest.mark.parametrize(
    ("mode", "body", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_invalid_body_gets_its_message(mode: Mode, body: dict[str, JSON], message: str) -> None:
    result = validate_generation(body, mode=mode, prompt_max_chars=2000)
    assert isinstance(result, Invalid)
    assert message in result.message


def test_defaults_follow_the_new_documentation() -> None:
    result = validate_generation({"prompt": "p"}, mode=Mode.TEXT, prompt_max_chars=2000)
    assert result == GenerationRequest(
        mode=Mode.TEXT,
        prompt="p",
        image_url=None,
        video_model="seedance2",
        resolution="480p",
        motion_intensity="medium",
        duration=5,
        aspect_ratio="16:9",
    )


def test_image_prompt_has_the_documented_default() -> None:
    result = validate_generation({"image_url": IMAGE}, mode=Mode.IMAGE, prompt_max_chars=2000)
    assert isinstance(result, GenerationRequest)
    assert result.prompt == "Generate a video from this image"


@pytest.mark.parametrize(
    "body",
    [
        {"prompt": "  "},
        {"prompt": "p", "duration": 5.0},
        {"prompt": "p", "aspect_ratio": "adaptive"},
        {"prompt": "p", "aspect_ratio": "4:5"},
        {"prompt": "p", "image_urls": ["https://e.com/a.jpg"], "extra": None},
    ],
    ids=["blank-prompt", "integral-float", "adaptive", "four-five", "unknown-fields"],
)
def test_schema_valid_edge_cases_are_accepted(body: dict[str, JSON]) -> None:
    assert isinstance(
        validate_generation(body, mode=Mode.TEXT, prompt_max_chars=2000), GenerationRequest
    )


def test_prompt_of_exactly_the_limit_is_accepted() -> None:
    result = validate_generation({"prompt": "é" * 2000}, mode=Mode.TEXT, prompt_max_chars=2000)
    assert isinstance(result, GenerationRequest)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "Invalid JSON body"),
        (b"{", "Invalid JSON body"),
        (b"\xff\xfe", "Invalid JSON body"),
        (b'{"prompt": NaN}', "Invalid JSON body"),
        (b"[" * 100_000, "Invalid JSON body"),
        (b"[]", "Request body must be a JSON object"),
        (b'"prompt"', "Request body must be a JSON object"),
        (b'{"prompt": "a\\ud800"}', LONE_SURROGATE),
        (b'{"prompt": "\\udfff\\ud800"}', LONE_SURROGATE),
        (b'{"x": [{"\\udc00": 1}], "prompt": "p"}', LONE_SURROGATE),
    ],
    ids=[
        "empty",
        "truncated",
        "not-utf8",
        "nan",
        "deep",
        "array",
        "string",
        "lone-high",
        "reversed-pair",
        "in-a-nested-key",
    ],
)
def test_unparseable_body_is_invalid(raw: bytes, message: str) -> None:
    result = parse_body(raw)
    assert isinstance(result, Invalid)
    assert result.message == message


@pytest.mark.parametrize(
    "raw",
    [b'{"prompt": "\\ud83d\\ude00"}', b'{"prompt": "\\\\ud800"}'],
    ids=["surrogate-pair", "escaped-backslash"],
)
def test_paired_or_escaped_surrogates_are_text(raw: bytes) -> None:
    assert isinstance(parse_body(raw), dict)


@pytest.mark.parametrize(
    "url",
    [
        "https://e.com",
        "https://e.com:1/a?b=c#d",
        "https://e.com:65535/",
        "https://a_b.e-x.com./%20x",
        "https://93.184.216.34/a.jpg",
        "https://[2606:4700::1111]:8443/a.jpg",
        "https://e.com/a@b?c/?d#e?",
    ],
)
def test_real_https_urls_are_taken(url: str) -> None:
    body: dict[str, JSON] = {"image_url": url}
    assert isinstance(
        validate_generation(body, mode=Mode.IMAGE, prompt_max_chars=9), GenerationRequest
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://e.com:0/",
        "https://e.com:65536/",
        "https://e.com:/",
        "https://e.com:+443/",
        "https://user@e.com/",
        "https://e.com\\@evil.com/",
        "https://e.com/a\x00",
        "https://e.com/a\x7f",
        "https://e.com/a\u2028",
        "https://\u0435.com/",
        "https://e.com/%zz",
        "https://e.com/#a#b",
        "https://e.com/[x]",
        "https://[zz]/",
        "https://1.2.3.999/",
        "https://localhost/a.jpg",
        "https://intranet/a.jpg",
        "https://10.0.0.8/a.jpg",
        "https://169.254.169.254/latest",
        "https://[::1]/a.jpg",
        "https://" + "a" * 64 + ".com/",
        "https://" + "a." * 200 + "com/",
    ],
)
def test_malformed_https_urls_are_refused(url: str) -> None:
    body: dict[str, JSON] = {"image_url": url}
    result = validate_generation(body, mode=Mode.IMAGE, prompt_max_chars=9)
    assert result == Invalid('Field "image_url" must be a public HTTPS URL')
