"""Everything one running mock knows: settings, behaviour, clock, accounts, limits, videos."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal

from nbkit.mock.accounts import AccountStore, Plan, has_api_access
from nbkit.mock.clock import SEEDED_START, Clock
from nbkit.mock.faults import Faults
from nbkit.mock.mutants import Behaviour
from nbkit.mock.ratelimit import RateLimiter
from nbkit.mock.videos import VideoStore

__all__ = ["MockSettings", "MockState"]

DEFAULT_RATE_LIMIT: Final = 30
DEFAULT_WINDOW_SECONDS: Final = 30 * 60
DEFAULT_PROMPT_MAX_CHARS: Final = 2000
DEFAULT_MAX_BODY_BYTES: Final = 64 * 1024


@dataclass(frozen=True, slots=True)
class MockSettings:
    """The documented numbers, as settings, so a user can switch to the other page's values.

    Defaults follow the newest documentation (API-FACTS 10: C1, C5, C11).
    """

    rate_limit: int = DEFAULT_RATE_LIMIT
    window_seconds: int = DEFAULT_WINDOW_SECONDS
    prompt_max_chars: int = DEFAULT_PROMPT_MAX_CHARS
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    api_plans: frozenset[str] = frozenset({"api"})
    plan_threshold_eur: Decimal | None = None
    faults: Faults = field(default_factory=Faults)
    # "auto": httptools (C) when installed, else h11; "h11" forces the pure-Python parser.
    http_parser: Literal["auto", "h11"] = "auto"
    # "auto": uvloop when installed, else asyncio's loop; "asyncio" forces asyncio's.
    event_loop: Literal["auto", "asyncio"] = "auto"
    # A request's head, or its body, that takes longer than this gets a 408.
    request_timeout_seconds: float = 10.0
    # A seed makes answers repeatable: the clock stands at SEEDED_START (moved only by the
    # control API) and video ids follow the seed. None: wall-clock time and random ids.
    seed: int | None = None


class MockState:
    """The mutable state of one mock, touched only from its event loop."""

    def __init__(
        self, settings: MockSettings, behaviour: Behaviour, *, mutant_id: str | None = None
    ) -> None:
        self.settings = settings
        self.mutant_id = mutant_id
        self.behaviour = behaviour
        self.clock = Clock(None if settings.seed is None else SEEDED_START)
        self.accounts = AccountStore()
        self.limiter = RateLimiter(
            limit=settings.rate_limit, window_seconds=settings.window_seconds, clock=self.clock
        )
        self.videos = VideoStore(seed=settings.seed)
        self.admin_token = secrets.token_urlsafe(32)
        # The user an `accept-any-key` mutant lets unknown keys act as.
        self.fallback_user_id: str | None = None

    def has_access(self, plan: Plan) -> bool:
        """Whether this plan may call the API under the current settings."""
        return has_api_access(
            plan,
            api_plans=self.settings.api_plans,
            threshold_eur=self.settings.plan_threshold_eur,
        )

    @property
    def prompt_max_chars(self) -> int:
        """The prompt limit in force: the setting, unless a mutant overrides it."""
        return self.behaviour.prompt_max_chars or self.settings.prompt_max_chars
