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

from nbkit.mock.videos import Mode
from nbkit.types import JSON

__all__ = [
    "ENUM_FIELDS",
    "EnumField",
    "GenerationRequest",
    "Invalid",
    "check_duration",
    "parse_body",
    "validate_generation",
]

INVALID_JSON: Final = "Invalid JSON body"
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
LONE_SURROGATE: Final = "Invalid JSON body: a \\u escape is a lone surrogate, not a character"
IMAGE_DEFAULT_PROMPT: Final = "Generate a video from this image"
DURATION_RANGE: Final = (3, 12)
DURATION_DEFAULT: Final = 5
# The ratios are listed per model on a page that could not be found
# (API-FACTS 4.1); any W:H of positive whole numbers, or `adaptive`, is taken.
_ASPECT_RATIO: Final = re.compile(r"[1-9][0-9]*:[1-9][0-9]*|adaptive")
ASPECT_DEFAULT: Final = "16:9"
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
# RFC 3986: `https://` host [":" port] path-abempty ["?" query] ["#" fragment],
# with no userinfo. The host is a DNS name of letter-digit-hyphen labels
# (underscores allowed, as real names have them), an IPv4 address or an IPv6
# literal. Path, query and fragment are checked by character class, which
# cannot backtrack: the pattern only sees the authority, whose length is bounded.
_HTTPS: Final = "https://"
_LABEL: Final = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_AUTHORITY: Final = re.compile(
    rf"(?P<host>(?:{_LABEL}\.)*{_LABEL}\.?|\[[0-9A-Fa-f:.]+\])(?::(?P<port>[0-9]{{1,5}}))?",
    re.ASCII,
)
_AUTHORITY_END: Final = re.compile(r"[/?#]")
_NOT_PATH_CHAR: Final = re.compile(r"[^A-Za-z0-9._~!$&'()*+,;=:@/?#%-]")
_BAD_PERCENT: Final = re.compile(r"%(?![0-9A-Fa-f]{2})")
_MAX_PORT: Final = 65535
_MAX_HOST_CHARS: Final = 253
# The longest host, an optional final dot, and ":65535".
_MAX_AUTHORITY_CHARS: Final = _MAX_HOST_CHARS + 1 + 6


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


def _has_lone_surrogate(document: JSON) -> bool:
    # Iterative: the parser's nesting depth is bounded only by its recursion limit.
    pending: list[JSON] = [document]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def parse_body(raw: bytes) -> dict[str, JSON] | Invalid:
    """The body as a JSON object, or why it is not one.

    A `\\uD800`-style escape of a lone surrogate is valid JSON text but no
    Unicode text (RFC 8259 8.2, RFC 7493 2.1): such a string could be stored but
    never sent back as UTF-8, so the body is refused at the door. Strictly
    decoded UTF-8 cannot hold a surrogate, so only bodies with an escape are walked.
    """
    try:
        text = raw.decode("utf-8")
        document = _DECODER.decode(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return Invalid(INVALID_JSON)
    if not isinstance(document, dict):
        return Invalid(NOT_AN_OBJECT)
    if "\\u" in text and _has_lone_surrogate(document):
        return Invalid(LONE_SURROGATE)
    return document


def _is_https_url(value: str) -> bool:
    """A public HTTPS URL (API-FACTS 5.1): lower-case `https://`, a public host, a port 1-65535.

    RFC 3986 characters only: no whitespace, control or non-ASCII character,
    no backslash (which browsers read as `/`), and no userinfo (`@`), the old
    trick of `https://trusted.example@elsewhere.example/`.
    """
    if not value.startswith(_HTTPS):
        return False
    end = _AUTHORITY_END.search(value, len(_HTTPS))
    authority_end = end.start() if end else len(value)
    if authority_end - len(_HTTPS) > _MAX_AUTHORITY_CHARS:
        return False
    match = _AUTHORITY.fullmatch(value, len(_HTTPS), authority_end)
    if match is None:
        return False
    if (
        _NOT_PATH_CHAR.search(value, authority_end)
        or _BAD_PERCENT.search(value, authority_end)
        or value.count("#") > 1
    ):
        return False
    host, port = match["host"], match["port"]
    if port is not None and not 1 <= int(port) <= _MAX_PORT:
        return False
    if host.startswith("["):
        try:
            return ipaddress.IPv6Address(host[1:-1]).is_global
        except ValueError:
            return False
    name = host.rstrip(".")
    if len(name) > _MAX_HOST_CHARS:
        return False
    if name.rsplit(".", 1)[-1].isdigit():
        # All-numeric last label: an IPv4 address or nothing (WHATWG URL).
        try:
            return ipaddress.IPv4Address(name).is_global
        except ValueError:
            return False
    # Public: the service's servers must reach it (API-FACTS 5.1), so no loopback,
    # private or link-local address above, and no single-label name such as localhost.
    return "." in name


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


def check_duration(body: dict[str, JSON]) -> int | Invalid:
    """The `duration` field, default filled in, or the 400 for it."""
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
    duration = check_duration(body)
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
