"""Validation of generation request bodies, with the documented messages (API-FACTS 4, 5, 7).

Messages the documentation gives are copied exactly; the others (bad JSON,
wrong types, enum values, duration range, non-HTTPS image URL) are not
documented (API-FACTS 11) and are worded here to name the field and the fix.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from nbkit.mock.videos import Mode
from nbkit.types import JSON

__all__ = [
    "ENUM_FIELDS",
    "EnumField",
    "GenerationRequest",
    "Invalid",
    "parse_body",
    "validate_generation",
]

INVALID_JSON: Final = "Invalid JSON body"
UNPAIRED_SURROGATE: Final = "Invalid JSON body: a string holds an unpaired \\u surrogate escape"
NOT_AN_OBJECT: Final = "Request body must be a JSON object"
PROMPT_REQUIRED: Final = 'Field "prompt" is required'
PROMPT_NOT_STRING: Final = 'Field "prompt" must be a string'
PROMPT_TOO_LONG: Final = "Prompt cannot exceed {limit} characters"
IMAGE_REQUIRED: Final = 'Field "image_url" is required'
IMAGE_NOT_HTTPS: Final = 'Field "image_url" must be a public HTTPS URL'
DURATION_INVALID: Final = 'Field "duration" must be an integer from {low} to {high}'
ASPECT_INVALID: Final = 'Field "aspect_ratio" must be a ratio such as 16:9, or adaptive'
PROMPT_EMPTY: Final = 'Field "prompt" cannot be empty'
ENUM_INVALID: Final = 'Field "{name}" must be one of: {allowed}'
IMAGE_DEFAULT_PROMPT: Final = "Generate a video from this image"
DURATION_RANGE: Final = (3, 12)
DURATION_DEFAULT: Final = 5
# The ratios are listed per model on a page that could not be found
# (API-FACTS 4.1); any W:H of positive whole numbers, or `adaptive`, is taken.
_ASPECT_RATIO: Final = re.compile(r"[1-9][0-9]*:[1-9][0-9]*|adaptive")
ASPECT_DEFAULT: Final = "16:9"
_PRINTABLE_ASCII: Final = re.compile(r"[!-~]+")
# Labels of letters, digits and inner hyphens; the last one not all digits.
_DNS_NAME: Final = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?\.?"
)
_MAX_HOST_CHARS: Final = 253


@dataclass(frozen=True, slots=True)
class EnumField:
    """An optional string field with a closed set of values and a default."""

    name: str
    allowed: tuple[str, ...]
    default: str


# API-FACTS 4.1 / 5.1, new documentation; table order is checking order.
ENUM_FIELDS: Final = (
    EnumField("video_model", ("seedance2", "veo3", "sora2"), "seedance2"),
    EnumField("resolution", ("480p", "720p", "1080p"), "480p"),
    EnumField("motion_intensity", ("low", "medium", "high"), "medium"),
)


@dataclass(frozen=True, slots=True)
class Invalid:
    """A 400: the message to send."""

    message: str


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    """A valid generation request, defaults filled in."""

    mode: Mode
    prompt: str
    image_url: str | None
    video_model: str
    resolution: str
    motion_intensity: str
    duration: int
    aspect_ratio: str


def _reject_constant(name: str) -> None:
    # NaN and Infinity are not JSON (RFC 8259), though Python's parser takes them.
    raise ValueError(name)


# One decoder for every request: json.loads with an argument builds a new one each call.
_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant)


# A `\\uD800`-`\\uDFFF` escape: the only way JSON text can smuggle in a surrogate.
_SURROGATE_ESCAPE: Final = re.compile(rb"\\u[dD][89a-fA-F]")


def _has_unpaired_surrogate(document: JSON) -> bool:
    """Whether any string or key in the document is not encodable as UTF-8."""
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(value, dict):
            pending.extend(value)
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def parse_body(raw: bytes) -> dict[str, JSON] | Invalid:
    """The body as a JSON object, or why it is not one.

    A lone surrogate (`"\\ud800"`) parses, but could never be sent back as
    UTF-8: refused here, so that nothing stored breaks a later read.
    """
    try:
        document = _DECODER.decode(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return Invalid(INVALID_JSON)
    if not isinstance(document, dict):
        return Invalid(NOT_AN_OBJECT)
    if _SURROGATE_ESCAPE.search(raw) and _has_unpaired_surrogate(document):
        return Invalid(UNPAIRED_SURROGATE)
    return document


def _is_public_host(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        # A DNS name with a dot: `localhost` and bare names are not public.
        return len(host) <= _MAX_HOST_CHARS and "." in host and bool(_DNS_NAME.fullmatch(host))
    return address.is_global


def _is_https_url(value: str) -> bool:
    """A public HTTPS URL (API-FACTS 5.1): the service's servers must reach it."""
    # Printable ASCII only: no whitespace, controls or look-alike characters.
    if not value.startswith("https://") or not _PRINTABLE_ASCII.fullmatch(value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port outside 0-65535
    except ValueError:
        return False
    host = parts.hostname
    # No userinfo (`https://trusted.com@evil.example/`), no port 0, a public host.
    return (
        host is not None and "@" not in parts.netloc and parts.port != 0 and _is_public_host(host)
    )


def _check_prompt(body: dict[str, JSON], *, mode: Mode, max_chars: int) -> str | Invalid:
    if "prompt" not in body and mode is Mode.IMAGE:
        return IMAGE_DEFAULT_PROMPT
    prompt = body.get("prompt")
    if mode is Mode.TEXT and (prompt is None or prompt == ""):
        return Invalid(PROMPT_REQUIRED)
    if not isinstance(prompt, str):
        return Invalid(PROMPT_NOT_STRING)
    if not prompt:
        return Invalid(PROMPT_EMPTY)
    if len(prompt) > max_chars:
        return Invalid(PROMPT_TOO_LONG.format(limit=max_chars))
    return prompt


def _check_image_url(body: dict[str, JSON]) -> str | Invalid:
    image_url = body.get("image_url")
    if image_url is None or image_url == "":
        return Invalid(IMAGE_REQUIRED)
    if not isinstance(image_url, str) or not _is_https_url(image_url):
        return Invalid(IMAGE_NOT_HTTPS)
    return image_url


def _check_duration(body: dict[str, JSON]) -> int | Invalid:
    duration = body.get("duration", DURATION_DEFAULT)
    low, high = DURATION_RANGE
    # bool is an int in Python but not a number in JSON; 5.0 is an integer in
    # JSON Schema, so it is taken as 5.
    if isinstance(duration, float) and duration.is_integer():
        duration = int(duration)
    if isinstance(duration, bool) or not isinstance(duration, int) or not low <= duration <= high:
        return Invalid(DURATION_INVALID.format(low=low, high=high))
    return duration


def validate_generation(
    body: dict[str, JSON], *, mode: Mode, prompt_max_chars: int
) -> GenerationRequest | Invalid:
    """Check a generation body field by field, required fields first.

    An absent optional field takes its default; a present one, null included,
    must be valid.
    """
    image_url: str | None = None
    if mode is Mode.IMAGE:
        checked_url = _check_image_url(body)
        if isinstance(checked_url, Invalid):
            return checked_url
        image_url = checked_url
    prompt = _check_prompt(body, mode=mode, max_chars=prompt_max_chars)
    if isinstance(prompt, Invalid):
        return prompt
    values: dict[str, str] = {}
    for field in ENUM_FIELDS:
        value = body.get(field.name, field.default)
        if not isinstance(value, str) or value not in field.allowed:
            return Invalid(ENUM_INVALID.format(name=field.name, allowed=", ".join(field.allowed)))
        values[field.name] = value
    duration = _check_duration(body)
    if isinstance(duration, Invalid):
        return duration
    aspect_ratio = body.get("aspect_ratio", ASPECT_DEFAULT)
    if not isinstance(aspect_ratio, str) or not _ASPECT_RATIO.fullmatch(aspect_ratio):
        return Invalid(ASPECT_INVALID)
    return GenerationRequest(
        mode=mode,
        prompt=prompt,
        image_url=image_url,
        duration=duration,
        aspect_ratio=aspect_ratio,
        **values,
    )
