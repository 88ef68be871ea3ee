"""A Python client for the mock's control API, for tests and the pytest plugin."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from nbkit.errors import TargetError
from nbkit.keys import redact
from nbkit.mock.control import ADMIN_HEADER
from nbkit.tls import ssl_context
from nbkit.types import JSON, Closing

__all__ = ["ControlClient", "NewKey", "UserInfo"]


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A mock user as the control API describes it."""

    id: str
    plan: str
    active: bool
    api_access: bool


@dataclass(frozen=True, slots=True)
class NewKey:
    """A key just issued for a user; `repr` and `str` show only its redacted form."""

    user: UserInfo
    key: str = field(repr=False)

    def __str__(self) -> str:
        return f"{self.user.id}: {redact(self.key)}"


def _user_info(data: JSON) -> UserInfo:
    return UserInfo(
        id=str(data["id"]),
        plan=str(data["plan"]),
        active=bool(data["active"]),
        api_access=bool(data["api_access"]),
    )


class ControlClient(Closing):
    """Talks to one mock's `/_nbkit/` control API over HTTPS, with its admin token."""

    def __init__(
        self, origin: str, *, admin_token: str, ca_bundle: Path, timeout: float = 10
    ) -> None:
        self._http = httpx.Client(
            base_url=origin.rstrip("/") + "/_nbkit/",
            headers={ADMIN_HEADER: admin_token},
            verify=ssl_context(ca_bundle),
            timeout=timeout,
        )

    def __repr__(self) -> str:
        return f"ControlClient({str(self._http.base_url)!r})"

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            response = self._http.request(method, path, json=body)
        except httpx.HTTPError as err:
            raise TargetError(f"mock control API: {type(err).__name__}: {err}") from err
        data = response.json()
        if response.status_code != 200 or not data.get("success"):
            raise TargetError(
                f"mock control API {path}: {response.status_code} {data.get('error')}"
            )
        return data

    def info(self) -> dict[str, JSON]:
        """Settings in force: mutant, rate limit, window, prompt limit, plans."""
        result: dict[str, JSON] = self._call("GET", "info")
        return result

    def users(self) -> tuple[UserInfo, ...]:
        """Every user of the mock."""
        return tuple(_user_info(u) for u in self._call("GET", "users")["users"])

    def create_user(self, *, plan: str = "api", active: bool = True) -> NewKey:
        """Add a user on `plan` (free, basic, pro, api); its key is returned this once."""
        data = self._call("POST", "users", {"plan": plan, "active": active})
        return NewKey(_user_info(data["user"]), str(data["key"]))

    def regenerate_key(self, user_id: str) -> NewKey:
        """Give the user a new key; the old one is refused from now on."""
        data = self._call("POST", f"users/{user_id}/regenerate")
        return NewKey(_user_info(data["user"]), str(data["key"]))

    def set_plan(self, user_id: str, plan: str) -> UserInfo:
        """Move the user to another plan."""
        return _user_info(self._call("POST", f"users/{user_id}/plan", {"plan": plan})["user"])

    def set_active(self, user_id: str, active: bool) -> UserInfo:
        """Activate or deactivate the user."""
        return _user_info(self._call("POST", f"users/{user_id}/active", {"active": active})["user"])

    def deactivate(self, user_id: str) -> UserInfo:
        """Make the user inactive: its key then gets 401 `Invalid API key`."""
        return self.set_active(user_id, False)

    def activate(self, user_id: str) -> UserInfo:
        """Make the user active again."""
        return self.set_active(user_id, True)

    def reset_limits(self, user_id: str | None = None) -> None:
        """Forget the generations of one user, or of every user."""
        self._call("POST", "limits/reset", {"user_id": user_id})

    def advance_clock(self, seconds: float) -> float:
        """Move the mock's clock forward; return its new time in Unix seconds."""
        return float(self._call("POST", "clock/advance", {"seconds": seconds})["epoch"])

    def now(self) -> float:
        """The mock's current time in Unix seconds."""
        return float(self._call("GET", "clock")["epoch"])

    def mutants(self) -> tuple[tuple[str, str], ...]:
        """Every mutant the mock knows: (id, description)."""
        rows = self._call("GET", "mutants")["mutants"]
        return tuple((str(r["id"]), str(r["description"])) for r in rows)

    def create_video(
        self,
        user_id: str,
        *,
        status: str = "completed",
        mode: str = "text-to-video",
        resolution: str = "480p",
        duration: int = 5,
        prompt: str | None = None,
    ) -> dict[str, JSON]:
        """Add a video for the user without spending its rate limit; return its status object."""
        body: dict[str, Any] = {
            "user_id": user_id,
            "status": status,
            "mode": mode,
            "resolution": resolution,
            "duration": duration,
        }
        if prompt is not None:
            body["prompt"] = prompt
        video: dict[str, JSON] = self._call("POST", "videos", body)["video"]
        return video
