"""The recordable interactions: the SCENARIOS table, and how one becomes an HTTP request.

Every documented status of every operation and every auth method with every
key role has a row. The table names operations by id; method and path come
from the contract, so a renamed path moves every row with it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePosixPath
from typing import Final
from urllib.parse import urlencode

from nbkit.contract import KeyRole, Request, api_prefix, load_auth_table, operations, schema
from nbkit.types import JSON, StrEnum

__all__ = [
    "SCENARIOS",
    "VIDEO_ID_SLOT",
    "AuthMethod",
    "Call",
    "Scenario",
    "Setup",
    "build_call",
    "scenario",
]


class AuthMethod(StrEnum):
    """Where the key goes: the three documented methods (contracts/auth.yaml), or nowhere."""

    BEARER = "bearer"
    HEADER = "header"
    QUERY = "query"
    NONE = "none"


class Setup(StrEnum):
    """What must exist before the request, done outside the recording."""

    NONE = "none"
    OWN_VIDEO = "own-video"  # a video of the valid key's user: its id goes in `video_id`
    FOREIGN_VIDEO = "foreign-video"  # a video of another user (mock only)
    EXHAUST = "exhaust"  # the valid key's rate-limit window used up (mock only)
    FAULT = "fault"  # the mock's fault injection answers 500 (mock only)


# Stands for the id a setup made; resolved at record time, read back from the cassette at replay.
VIDEO_ID_SLOT: Final = "{video_id}"
# Well-formed, and no account has it (the mock's ids are 12 random hex characters).
_MISSING_VIDEO_ID: Final = "vid_000000000000"
_PROMPT: Final = "A street food vendor at a bustling night market, steam rising"
_IMAGE_BODY: Final[Mapping[str, JSON]] = {
    "image_url": "https://example.com/my-product-photo.jpg",
    "prompt": "Product rotates slowly on a reflective white surface",
}


@dataclass(frozen=True, slots=True)
class Scenario:
    """One recordable request and the status it is meant to draw."""

    id: str
    group: str
    operation_id: str
    method: str
    path: str
    auth: AuthMethod
    role: KeyRole
    aims_at: int
    body: JSON = None
    query: tuple[tuple[str, str], ...] = ()
    setup: Setup = Setup.NONE
    description: str = field(default="", compare=False)

    @property
    def cassette(self) -> PurePosixPath:
        """The cassette's path under the cassettes folder: `<group>/<id>.yaml`."""
        return PurePosixPath(self.group, f"{self.id}.yaml")

    @property
    def spends(self) -> bool:
        """Whether the request generates a video (or needs the window used up) on a live API."""
        generates = self.method == "POST" and self.aims_at in (200, 429)
        return generates and self.role is KeyRole.VALID

    @property
    def needs_mock(self) -> bool:
        """Whether only the embedded mock can set this scenario up."""
        return self.setup in (Setup.FOREIGN_VIDEO, Setup.EXHAUST, Setup.FAULT)

    @property
    def label(self) -> str:
        """What a message may say about the request: method, path, auth method, role."""
        return f"{self.method} {self.path} (auth {self.auth}, key role {self.role})"


@dataclass(frozen=True, slots=True)
class Call:
    """A scenario made concrete: what the HTTP client sends. `repr` hides URL and headers (keys)."""

    method: str
    url: str = field(repr=False)
    headers: Mapping[str, str] = field(repr=False)
    content: bytes | None


def build_call(item: Scenario, *, base_url: str, key: str | None, video_id: str | None) -> Call:
    """The request of a scenario against `base_url` (ending in the contract's `/api/v1/`)."""
    headers: dict[str, str] = {}
    query = [
        (name, (video_id or "") if value == VIDEO_ID_SLOT else value) for name, value in item.query
    ]
    if key is not None and item.auth is not AuthMethod.NONE:
        request = load_auth_table().method(item.auth).apply(Request(item.method, ""), key)
        headers.update(request.headers)
        query.extend(request.params)
    content = None
    if item.body is not None:
        content = json.dumps(item.body, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    prefix = api_prefix()
    url = base_url.rstrip("/") + "/" + item.path[len(prefix) :]
    if query:
        url += "?" + urlencode(query)
    return Call(item.method, url, headers, content)


@cache
def _operation(operation_id: str) -> tuple[str, str]:
    op = next(o for o in operations() if o.id == operation_id)
    return op.method, op.path


# Operation id -> (short name for ids and folders, body of a request that would succeed).
_OPERATIONS: Final[tuple[tuple[str, str, JSON], ...]] = (
    ("textToVideo", "text-to-video", {"prompt": _PROMPT}),
    ("imageToVideo", "image-to-video", _IMAGE_BODY),
    ("getVideoStatus", "video-status", None),
)
# The other user's key is a valid key: the foreign-video scenario is where it differs.
_KEYED_ROLES: Final = tuple(r for r in KeyRole if r not in (KeyRole.NONE, KeyRole.OTHER_USER))
_KEYED_METHODS: Final = tuple(m for m in AuthMethod if m is not AuthMethod.NONE)


def _auth_rows() -> list[Scenario]:
    rows = []
    for operation_id, short, body in _OPERATIONS:
        method, path = _operation(operation_id)
        pairs = [(m, r) for m in _KEYED_METHODS for r in _KEYED_ROLES]
        for auth, role in [*pairs, (AuthMethod.NONE, KeyRole.NONE)]:
            own = role is KeyRole.VALID and body is None
            query = (
                (("video_id", VIDEO_ID_SLOT if own else _MISSING_VIDEO_ID),) if body is None else ()
            )
            refusal = load_auth_table().expect(role.condition, operation_id).status
            aims = 200 if refusal is None else refusal
            rows.append(
                Scenario(
                    id=f"{short}-{auth}-{role}",
                    group="auth",
                    operation_id=operation_id,
                    method=method,
                    path=path,
                    auth=auth,
                    role=role,
                    aims_at=aims,
                    body=body,
                    query=query,
                    setup=Setup.OWN_VIDEO if own else Setup.NONE,
                    description=f"{role} key by {auth}",
                )
            )
    return rows


def _row(
    id_: str, group: str, operation_id: str, aims_at: int, description: str, **extra: JSON
) -> Scenario:
    method, path = _operation(operation_id)
    fields: dict[str, JSON] = {"method": method, "path": path, **extra}
    return Scenario(
        id=id_,
        group=group,
        operation_id=operation_id,
        auth=AuthMethod.BEARER,
        role=KeyRole.VALID,
        aims_at=aims_at,
        description=description,
        **fields,
    )


def _generation_rows() -> list[Scenario]:
    # One character more than the contract's prompt limit (2000 in API-FACTS 4.1, 500 before).
    long_prompt = "x" * (int(schema("video-options")["$defs"]["prompt"]["maxLength"]) + 1)
    rows = [
        _row(
            "text-to-video-every-field", "generation", "textToVideo", 200, "every documented field",
            body={
                "prompt": _PROMPT, "video_model": "seedance2", "resolution": "1080p",
                "duration": 5, "aspect_ratio": "16:9", "motion_intensity": "medium",
            },
        ),
        _row("text-to-video-prompt-missing", "generation", "textToVideo", 400, "no prompt",
             body={"resolution": "720p"}),
        _row("text-to-video-prompt-too-long", "generation", "textToVideo", 400,
             "prompt over the limit", body={"prompt": long_prompt}),
        _row("image-to-video-image-missing", "generation", "imageToVideo", 400, "no image_url",
             body={"prompt": _PROMPT}),
    ]  # fmt: skip
    for operation_id, short, body in _OPERATIONS[:2]:
        rows += [
            _row(f"{short}-wrong-method", "generation", operation_id, 405, "GET, not POST",
                 method="GET"),
            _row(f"{short}-rate-limited", "generation", operation_id, 429, "window used up",
                 body=body, setup=Setup.EXHAUST),
            _row(f"{short}-server-error", "generation", operation_id, 500, "upstream failure",
                 body=body, setup=Setup.FAULT),
        ]  # fmt: skip
    return rows


def _status_rows() -> list[Scenario]:
    op = "getVideoStatus"
    return [
        _row("video-status-id-missing", "status", op, 400, "no video_id"),
        _row("video-status-not-found", "status", op, 404, "no such video",
             query=(("video_id", _MISSING_VIDEO_ID),)),
        _row("video-status-foreign-video", "status", op, 403, "another user's video",
             query=(("video_id", VIDEO_ID_SLOT),), setup=Setup.FOREIGN_VIDEO),
        _row("video-status-wrong-method", "status", op, 405, "POST, not GET", method="POST",
             query=(("video_id", _MISSING_VIDEO_ID),)),
        _row("video-status-server-error", "status", op, 500, "upstream failure",
             query=(("video_id", _MISSING_VIDEO_ID),), setup=Setup.FAULT),
    ]  # fmt: skip


SCENARIOS: Final[tuple[Scenario, ...]] = (*_auth_rows(), *_generation_rows(), *_status_rows())


def scenario(scenario_id: str) -> Scenario:
    """The row with this id."""
    return next(s for s in SCENARIOS if s.id == scenario_id)
