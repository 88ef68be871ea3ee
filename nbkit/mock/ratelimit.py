"""The rolling-window rate limit on generations, per user (API-FACTS 8)."""

from __future__ import annotations

import contextlib
import math
from collections import deque
from dataclasses import dataclass

from nbkit.mock.clock import Clock, iso_utc
from nbkit.types import JSON

__all__ = ["RateLimiter", "Window"]


@dataclass(frozen=True, slots=True)
class Window:
    """One user's standing in the window, as the `rate_limit` object and headers show it."""

    count: int
    limit: int
    reset_in_seconds: int
    reset_at: int

    @property
    def remaining(self) -> int:
        """Generations left in the window."""
        return max(self.limit - self.count, 0)

    @property
    def is_exhausted(self) -> bool:
        """Whether the next generation would exceed the limit."""
        return self.count >= self.limit

    def as_json(self) -> JSON:
        """The `rate_limit` object of API-FACTS 4.3."""
        return {
            "count": self.count,
            "limit": self.limit,
            "remaining": self.remaining,
            "reset_in_seconds": self.reset_in_seconds,
            "reset_at": iso_utc(self.reset_at),
        }

    def headers(self) -> dict[str, str]:
        """The `X-RateLimit-*` headers of API-FACTS 8."""
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
        }


class RateLimiter:
    """Counts generations per user over a rolling window of `window_seconds`."""

    __slots__ = ("_clock", "_events", "limit", "window_seconds")

    def __init__(self, *, limit: int, window_seconds: int, clock: Clock) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._clock = clock
        self._events: dict[str, deque[float]] = {}

    def _live(self, user_id: str, now: float) -> deque[float]:
        events = self._events.setdefault(user_id, deque())
        while events and events[0] <= now - self.window_seconds:
            events.popleft()
        return events

    def _window(self, events: deque[float], now: float) -> Window:
        # Rolling window: the next slot frees when the oldest generation ages out.
        reset_at = events[0] + self.window_seconds if events else now + self.window_seconds
        reset_in = max(math.ceil(reset_at - now), 1)
        # Whole seconds, so that the body's reset_at and X-RateLimit-Reset agree.
        return Window(len(events), self.limit, reset_in, math.ceil(now + reset_in))

    def peek(self, user_id: str) -> Window:
        """The user's window now, without counting anything."""
        now = self._clock.now()
        return self._window(self._live(user_id, now), now)

    def record(self, user_id: str) -> Window:
        """Count one generation now, limit or not; return the window including it."""
        now = self._clock.now()
        events = self._live(user_id, now)
        events.append(now)
        return self._window(events, now)

    def reserve(self, user_id: str) -> float | None:
        """Count one generation now if the window has room; the time it was counted at,
        or None when the window is exhausted.

        Checking and counting in one step, before the request's first await, is
        what keeps concurrent requests from all taking the same free slot.
        """
        now = self._clock.now()
        events = self._live(user_id, now)
        if len(events) >= self.limit:
            return None
        events.append(now)
        return now

    def release(self, user_id: str, counted_at: float) -> None:
        """Give back a slot that `reserve` counted, for a request refused after all."""
        # Events of one time are interchangeable; one that aged out is already gone.
        with contextlib.suppress(KeyError, ValueError):
            self._events[user_id].remove(counted_at)

    def reset(self, user_id: str | None = None) -> None:
        """Forget the generations of one user, or of everyone."""
        if user_id is None:
            self._events.clear()
        else:
            self._events.pop(user_id, None)
