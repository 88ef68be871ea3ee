"""Where the contract suite points: a live API named by NB_* variables, or the embedded mock.

With `NB_BASE_URL` unset, `open_target` starts the mock on 127.0.0.1 over
HTTPS (with a plain-HTTP listener, so HTTPS enforcement is checked too) and
fills every variable in. A check that needs a variable the environment does
not give calls `Target.need`, which raises `Missing` with the reason.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

from nbkit.contract import KeyRole, api_prefix
from nbkit.contract.roles import AuthKeys
from nbkit.errors import UsageError
from nbkit.tls import ssl_context

if TYPE_CHECKING:
    import httpx

    from nbkit.mock import ControlClient

__all__ = [
    "DEFAULT_TIMEOUT_SECONDS",
    "Missing",
    "Target",
    "open_target",
    "target_from_env",
]


# A request's default timeout; generation is synchronous, and its callers pass their own.
DEFAULT_TIMEOUT_SECONDS: Final = 30.0


class Missing(Exception):
    """A check needs something this target does not give; the message is the skip reason."""


@dataclass(frozen=True, slots=True)
class Target:
    """The API under test; keys never appear in its repr."""

    base_url: str
    # The keys the target gives, by role (each read from the role's NB_* variable).
    keys: AuthKeys = field(default_factory=AuthKeys)
    ca_bundle: Path | None = None
    http_url: str | None = None
    allow_spend: bool = False
    # NB_ALLOW_RATE_LIMIT=1: a live run may use up the key's rate-limit window (costs credits).
    allow_rate_limit: bool = False
    # NB_OTHER_VIDEO_ID: a video of the NB_API_KEY_OTHER account (the foreign-video check).
    other_video_id: str | None = None
    # The embedded mock's control API; None for any other target.
    control: ControlClient | None = field(default=None, repr=False, compare=False)

    @property
    def is_mock(self) -> bool:
        """Whether this is a mock (embedded or separate): state can be set, nothing costs money."""
        return self.control is not None

    @property
    def can_spend(self) -> bool:
        """Whether checks that generate videos may run (free on the mock, NB_ALLOW_SPEND=1 live)."""
        return self.is_mock or self.allow_spend

    def url(self, path: str, *, base: str | None = None) -> str:
        """The address of a contract path (`/api/v1/x.php`) on this target (or on `base`)."""
        root = base or self.base_url
        prefix = api_prefix()
        if not path.startswith(prefix):
            raise UsageError(f"{path}: not under the contract's prefix {prefix}")
        return root.rstrip("/") + "/" + path[len(prefix) :]

    @property
    def origin_base(self) -> str:
        """The base URL the contract's full paths go under (NB_BASE_URL without `/api/v1/`)."""
        return self.base_url.rstrip("/")[: -len(api_prefix().rstrip("/"))]

    def http_client(self, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> httpx.Client:
        """The one way nbkit opens an HTTP client to a target: its CA bundle, no redirects."""
        import httpx

        return httpx.Client(
            verify=ssl_context(self.ca_bundle), timeout=timeout, follow_redirects=False
        )

    def need(self, role: KeyRole) -> str:
        """The key of a role; raises `Missing` naming its variable when it is unset."""
        value = self.keys.get(role)
        if value is None:
            raise Missing(f"{role.variable or role} is not set")
        return value

    def need_other_video(self) -> tuple[str, str]:
        """Another account's key and one of its videos; raises `Missing` when not given."""
        key = self.need(KeyRole.OTHER_USER)
        if self.other_video_id is None:
            raise Missing("NB_OTHER_VIDEO_ID is not set")
        return key, self.other_video_id

    def need_http_url(self) -> str:
        """NB_HTTP_URL; raises `Missing` when it is unset."""
        if self.http_url is None:
            raise Missing("NB_HTTP_URL is not set")
        return self.http_url

    def need_control(self, what: str) -> ControlClient:
        """The mock's control API; raises `Missing` on other targets."""
        if self.control is None:
            raise Missing(f"{what} needs the embedded mock's control API (NB_BASE_URL is set)")
        return self.control

    def need_rate_limit(self, what: str) -> None:
        """Raises `Missing` unless a live run may use up the rate-limit window."""
        self.need_spend(what)
        if not (self.is_mock or self.allow_rate_limit):
            raise Missing(
                f"{what} uses up the rate limit: set NB_ALLOW_RATE_LIMIT=1 to run it live"
            )

    def need_spend(self, what: str) -> None:
        """Raises `Missing` unless generating videos is allowed."""
        if not self.can_spend:
            raise Missing(f"{what} generates videos: set NB_ALLOW_SPEND=1 to run it live")


def _optional(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def target_from_env(env: Mapping[str, str], *, control: ControlClient | None = None) -> Target:
    """The target the NB_* variables name; raises UsageError for a malformed value."""
    base_url = _optional(env, "NB_BASE_URL")
    if base_url is None:
        raise UsageError("NB_BASE_URL is not set")
    for name in ("NB_BASE_URL", "NB_HTTP_URL"):
        value = _optional(env, name)
        if value is not None and (
            urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc
        ):
            raise UsageError(f"{name}: not an http(s) URL; set it like https://host{api_prefix()}")
    if not urlsplit(base_url).path.rstrip("/").endswith(api_prefix().rstrip("/")):
        raise UsageError(
            f"NB_BASE_URL: must end with {api_prefix()} (like the documented base URL)"
        )
    ca = _optional(env, "NB_CA_BUNDLE")
    if ca is not None and not Path(ca).is_file():
        raise UsageError(f"NB_CA_BUNDLE: {ca}: no such file")
    spend = _optional(env, "NB_ALLOW_SPEND")
    rate = _optional(env, "NB_ALLOW_RATE_LIMIT")
    for name, value in (("NB_ALLOW_SPEND", spend), ("NB_ALLOW_RATE_LIMIT", rate)):
        if value not in (None, "0", "1"):
            raise UsageError(f"{name}: must be 1 (allow) or 0 (do not)")
    return Target(
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        keys=AuthKeys.from_env(env),
        other_video_id=_optional(env, "NB_OTHER_VIDEO_ID"),
        ca_bundle=None if ca is None else Path(ca),
        http_url=_optional(env, "NB_HTTP_URL"),
        allow_spend=spend == "1",
        allow_rate_limit=rate == "1",
        control=control,
    )


@contextmanager
def _separate_mock_control(env: Mapping[str, str]) -> Iterator[ControlClient | None]:
    """The control API of a mock started on its own (`nbkit mock`), if its env file names it."""
    from nbkit.mock.server import ADMIN_TOKEN_VARIABLE, CONTROL_URL_VARIABLE

    url, token = _optional(env, CONTROL_URL_VARIABLE), _optional(env, ADMIN_TOKEN_VARIABLE)
    if url is None and token is None:
        yield None
        return
    ca = _optional(env, "NB_CA_BUNDLE")
    if url is None or token is None or ca is None:
        raise UsageError(
            f"{CONTROL_URL_VARIABLE}, {ADMIN_TOKEN_VARIABLE} and NB_CA_BUNDLE go together: "
            "source the env file `nbkit mock` wrote"
        )
    from nbkit.mock import ControlClient

    with ControlClient(url, admin_token=token, ca_bundle=Path(ca)) as control:
        yield control


@contextmanager
def open_target(
    env: Mapping[str, str] | None = None, *, mutant: str | None = None
) -> Iterator[Target]:
    """The target of `env` (default: os.environ); without NB_BASE_URL, the embedded mock.

    `mutant` starts the mock with that deliberate deviation (nbkit's own tests).
    """
    env = os.environ if env is None else env
    if _optional(env, "NB_BASE_URL") is not None:
        if mutant is not None:
            raise UsageError("--mutant needs the embedded mock: unset NB_BASE_URL")
        with _separate_mock_control(env) as control:
            yield target_from_env(env, control=control)
        return
    from nbkit.mock import serve

    with (
        tempfile.TemporaryDirectory(prefix="nbkit-mock-") as state_dir,
        serve(state_dir=Path(state_dir), http_port=0, mutant=mutant) as mock,
    ):
        yield target_from_env(mock.env, control=mock.control)
