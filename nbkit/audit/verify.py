"""--verify: ask a target API whether each unique key is live, spending no credits.

The probe is a status lookup for a job id that cannot exist
(`GET video-status.php?video_id=vid_000000000000`): status lookups are not
rate-limited and cost nothing (API-FACTS 2), and the auth check runs before
the lookup, so the answer tells the key's state.
"""

from __future__ import annotations

import json
import os
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from nbkit.contract import Request, documented_base_url, load_auth_table, operation
from nbkit.errors import TargetError, UsageError
from nbkit.tls import ssl_context
from nbkit.types import StrEnum

__all__ = [
    "DEFAULT_BASE_URL",
    "KEY_STATUSES",
    "KeyStatus",
    "probe_url",
    "status_of",
    "verify_keys",
]

DEFAULT_BASE_URL: Final = documented_base_url()
_PROBE: Final = "video-status.php?video_id=vid_000000000000"
_PROBE_OPERATION: Final = "getVideoStatus"
_TIMEOUT: Final = 10.0


class KeyStatus(StrEnum):
    """What the target said about a key."""

    ACTIVE = "active"
    NO_API_PLAN = "no-api-plan"
    INVALID = "invalid"
    UNKNOWN = "unknown"


# What each documented auth outcome of contracts/auth.yaml means for a key;
# an answer that is no documented refusal means the key passed the auth check.
KEY_STATUSES: Final = {
    "invalid-key": KeyStatus.INVALID,
    "invalid-format": KeyStatus.INVALID,
    "plan-required": KeyStatus.NO_API_PLAN,
    "missing-credential": KeyStatus.UNKNOWN,
}


def status_of(http_status: int, message: object) -> KeyStatus:
    """The key status a probe's answer (status and `error` message) stands for."""
    for outcome in load_auth_table().outcomes.values():
        if outcome.status == http_status and any(m.text == message for m in outcome.messages):
            return KEY_STATUSES.get(outcome.id, KeyStatus.UNKNOWN)
    refusals = {o.status for o in load_auth_table().outcomes.values() if o.status is not None}
    documented = operation(_PROBE_OPERATION).responses
    if http_status in refusals or str(http_status) not in documented or http_status >= 500:
        # An undocumented refusal or answer, or a failure, says nothing about the key.
        return KeyStatus.UNKNOWN
    return KeyStatus.ACTIVE


def _message(body: bytes) -> object:
    try:
        return json.loads(body).get("error")
    except (ValueError, AttributeError):
        return None


def probe_url(base_url: str) -> str:
    """The probe's address under a base URL such as `https://host/api/v1/`."""
    return base_url.rstrip("/") + "/" + _PROBE


def _ask(url: str, key: bytes, context: ssl.SSLContext, timeout: float) -> KeyStatus:
    # The first documented method: its credential travels in a header, never in the URL.
    keyed = load_auth_table().methods[0].apply(Request("GET", url), key.decode())
    request = urllib.request.Request(url, headers=dict(keyed.headers))
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            return status_of(int(response.status), _message(response.read()))
    except urllib.error.HTTPError as err:
        return status_of(int(err.code), _message(err.read()))
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
    # urllib rather than the suite's httpx client: the audit extra does not install httpx.
    ca = ca_bundle or os.environ.get("NB_CA_BUNDLE")
    context = ssl_context(Path(ca) if ca else None)
    interval = 1.0 / rate if rate > 0 else 0.0
    statuses: dict[str, KeyStatus] = {}
    last = float("-inf")
    for digest in sorted(keys):
        # Bounded rate: never hammer the target, whose generation limits are per account.
        wait = last + interval - time.monotonic()
        if wait > 0:
            sleep(wait)
        last = time.monotonic()
        statuses[digest] = _ask(url, keys[digest], context, timeout)
    return statuses
