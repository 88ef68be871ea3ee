"""Fault injection for users testing their clients: added latency, 500/502s, dropped connections."""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass
from typing import Final

from starlette.types import ASGIApp, Receive, Scope, Send

from nbkit.errors import UsageError

__all__ = ["FaultInjector", "FaultMiddleware", "Faults"]

_ERROR_MESSAGES: Final = {500: "Internal server error", 502: "Bad gateway"}
_API_PREFIX: Final = "/api/"


@dataclass(frozen=True, slots=True)
class Faults:
    """How often and how the mock misbehaves on API requests; all off by default."""

    latency_ms: float = 0.0
    error_rate: float = 0.0
    drop_rate: float = 0.0
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.latency_ms < 0:
            raise UsageError(f"--latency-ms must be 0 or more, not {self.latency_ms}")
        for name, rate in (("--error-rate", self.error_rate), ("--drop-rate", self.drop_rate)):
            if not 0.0 <= rate <= 1.0:
                raise UsageError(f"{name} must be between 0 and 1, not {rate}")

    @property
    def is_active(self) -> bool:
        """Whether any fault is switched on."""
        return bool(self.latency_ms or self.error_rate or self.drop_rate)


class FaultInjector:
    """Draws the faults from one seeded random stream, so a seed replays a run."""

    __slots__ = ("_rng", "faults")

    def __init__(self, faults: Faults) -> None:
        self.faults = faults
        self._rng = random.Random(faults.seed)

    def should_drop(self) -> bool:
        """Whether to close this connection without answering."""
        return self.faults.drop_rate > 0 and self._rng.random() < self.faults.drop_rate

    def error_status(self) -> int | None:
        """500 or 502 for a request that should fail, else None."""
        if self.faults.error_rate > 0 and self._rng.random() < self.faults.error_rate:
            return self._rng.choice((500, 502))
        return None


class FaultMiddleware:
    """Adds latency and 500/502 responses to API requests (never to the control API)."""

    def __init__(self, app: ASGIApp, injector: FaultInjector) -> None:
        self._app = app
        self._injector = injector

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(_API_PREFIX):
            await self._app(scope, receive, send)
            return
        if self._injector.faults.latency_ms:
            await asyncio.sleep(self._injector.faults.latency_ms / 1000)
        status = self._injector.error_status()
        if status is None:
            await self._app(scope, receive, send)
            return
        body = json.dumps({"success": False, "error": _ERROR_MESSAGES[status]}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
