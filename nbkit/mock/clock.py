"""The mock's clock: wall-clock time (or a fixed start) plus an offset that tests move forward."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from functools import lru_cache
from typing import Final

__all__ = ["MAX_OFFSET_SECONDS", "SEEDED_START", "Clock", "iso_utc"]

# A thousand years.
MAX_OFFSET_SECONDS: Final = 1000 * 365.25 * 86400
# Where a seeded mock's clock stands (MockSettings.seed): the API-FACTS 4.3 example's moment.
SEEDED_START: Final = datetime(2026, 5, 5, 18, 30, tzinfo=timezone.utc).timestamp()


class Clock:
    """Wall-clock seconds plus an offset, so tests move time instead of sleeping.

    Given a `start`, the clock stands still there, moved only by `advance`: a
    recording of the mock then holds the same times on every run.
    """

    __slots__ = ("_offset", "_start")

    def __init__(self, start: float | None = None) -> None:
        self._offset = 0.0
        self._start = start

    def now(self) -> float:
        """The current mock time, in Unix seconds."""
        return (time.time() if self._start is None else self._start) + self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock forward by `seconds` (never back); return the new time.

        At most MAX_OFFSET_SECONDS in all, so that every date the mock writes
        stays a real one (past year 9999 none can be written, and every
        later request would fail).
        """
        if not 0 <= seconds <= MAX_OFFSET_SECONDS - self._offset:
            raise ValueError(
                f"the mock clock moves forward only, by {MAX_OFFSET_SECONDS:.0f} s at most in all"
            )
        self._offset += seconds
        return self.now()

    @property
    def offset(self) -> float:
        """How far the clock has been moved, in seconds."""
        return self._offset


def iso_utc(moment: float) -> str:
    """`2026-05-05T18:30:00Z`: ISO-8601, UTC, whole seconds, as in API-FACTS 4.3."""
    return _iso_utc_second(int(moment))


@lru_cache(maxsize=64)
def _iso_utc_second(second: int) -> str:
    # Cached: a busy mock formats the same few seconds thousands of times.
    return datetime.fromtimestamp(second, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
