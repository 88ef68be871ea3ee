"""--verify: ask a target API whether each unique key is live, spending no credits.

The probe is a status lookup for a job id that cannot exist
(`GET video-status.php?video_id=vid_000000000000`): status lookups are not
rate-limited and cost nothing (API-FACTS 2), and the auth check runs before
the lookup, so the answer tells the key's state.
"""

from __future__ import annotations

import os
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from nbkit.errors import TargetError, UsageError
from nbkit.types import StrEnum

__all__ = [
    "DEFAULT_BASE_URL",
    "OUTCOMES",
    "KeyStatus",
    "Outcome",
    "probe_url",
    "status_of",
    "verify_keys",
]

DEFAULT_BASE_URL: Final = "https://nanobananavideo.com/api/v1/"
_PROBE: Final = "video-status.php?video_id=vid_000000000000"
_TIMEOUT: Final = 10.0


class KeyStatus(StrEnum):
    """What the target said about a key."""

    ACTIVE = "active"
    NO_API_PLAN = "no-api-plan"
    INVALID = "invalid"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Outcome:
    """One row: an HTTP status of the probe and what it means for the key."""

    http_status: int
    status: KeyStatus
    reason: str


# API-FACTS 3.4: 401 "Invalid API key" (unknown key or inactive user), 403 "API access
# requires the API plan"; anything past the auth check (404 no such video, 400, 200)
# means the key was accepted.
OUTCOMES: Final = (
    Outcome(401, KeyStatus.INVALID, "the key is unknown, revoked or its user inactive"),
    Outcome(403, KeyStatus.NO_API_PLAN, "the key is live but its plan has no API access"),
    Outcome(404, KeyStatus.ACTIVE, "auth passed; the probe video does not exist"),
    Outcome(400, KeyStatus.ACTIVE, "auth passed; the probe was rejected after it"),
    Outcome(200, KeyStatus.ACTIVE, "auth passed"),
)


def status_of(http_status: int) -> KeyStatus:
    """The key status an HTTP status of the probe stands for."""
    for row in OUTCOMES:
        if row.http_status == http_status:
            return row.status
    return KeyStatus.UNKNOWN


def probe_url(base_url: str) -> str:
    """The probe's address under a base URL such as `https://host/api/v1/`."""
    return base_url.rstrip("/") + "/" + _PROBE


def _context(ca_bundle: str | None) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=ca_bundle or None)
    except (OSError, ssl.SSLError) as err:
        raise TargetError(f"NB_CA_BUNDLE={ca_bundle}: cannot load the CA file ({err})") from err


def _ask(url: str, key: bytes, context: ssl.SSLContext, timeout: float) -> int:
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + key.decode()})
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return int(err.code)
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise TargetError(f"{url}: cannot reach the target ({reason}); check NB_BASE_URL") from err


def verify_keys(
    keys: Mapping[str, bytes],
    *,
    base_url: str | None = None,
    ca_bundle: str | None = None,
    rate: float = 2.0,
    timeout: float = _TIMEOUT,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, KeyStatus]:
    """Fingerprint -> status for each key, at most `rate` probes a second.

    Base URL and CA file default to NB_BASE_URL and NB_CA_BUNDLE.
    """
    url = probe_url(base_url or os.environ.get("NB_BASE_URL") or DEFAULT_BASE_URL)
    if not url.startswith("https://"):
        # A key sent over plain HTTP is a new leak; the API enforces HTTPS anyway (API-FACTS 1).
        raise UsageError(f"--verify: {url.split('?')[0]} is not HTTPS; set NB_BASE_URL to https://")
    context = _context(ca_bundle or os.environ.get("NB_CA_BUNDLE"))
    interval = 1.0 / rate if rate > 0 else 0.0
    statuses: dict[str, KeyStatus] = {}
    last = float("-inf")
    for digest in sorted(keys):
        # Bounded rate: never hammer the target, whose generation limits are per account.
        wait = last + interval - time.monotonic()
        if wait > 0:
            sleep(wait)
        last = time.monotonic()
        statuses[digest] = status_of(_ask(url, keys[digest], context, timeout))
    return statuses
