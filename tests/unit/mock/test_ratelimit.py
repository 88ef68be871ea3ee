from __future__ import annotations

from datetime import datetime, timezone

from nbkit.mock.clock import Clock
from nbkit.mock.ratelimit import RateLimiter


def _limiter(limit: int = 3, window: int = 1800) -> tuple[RateLimiter, Clock]:
    clock = Clock()
    return RateLimiter(limit=limit, window_seconds=window, clock=clock), clock


def test_first_generation_shows_the_documented_window() -> None:
    limiter, _ = _limiter(limit=30)
    window = limiter.record("u")
    body = window.as_json()
    assert {k: body[k] for k in ("count", "limit", "remaining", "reset_in_seconds")} == {
        "count": 1,
        "limit": 30,
        "remaining": 29,
        "reset_in_seconds": 1800,
    }
    assert body["reset_at"].endswith("Z")


def test_window_is_exhausted_at_the_limit() -> None:
    limiter, _ = _limiter()
    for _ in range(3):
        limiter.record("u")
    assert limiter.peek("u").is_exhausted
    assert limiter.peek("u").remaining == 0


def test_window_rolls_one_generation_at_a_time() -> None:
    limiter, clock = _limiter()
    limiter.record("u")
    clock.advance(600)
    limiter.record("u")
    limiter.record("u")
    assert limiter.peek("u").reset_in_seconds == 1200
    clock.advance(1200)
    assert limiter.peek("u").count == 2
    clock.advance(600)
    assert limiter.peek("u").count == 0


def test_users_are_limited_separately_and_reset() -> None:
    limiter, _ = _limiter()
    for _ in range(3):
        limiter.record("a")
    assert not limiter.peek("b").is_exhausted
    limiter.reset("a")
    assert limiter.peek("a").count == 0


def test_headers_carry_limit_remaining_and_unix_reset() -> None:
    limiter, clock = _limiter()
    window = limiter.record("u")
    headers = window.headers()
    assert headers["X-RateLimit-Limit"] == "3"
    assert headers["X-RateLimit-Remaining"] == "2"
    assert abs(int(headers["X-RateLimit-Reset"]) - (clock.now() + 1800)) <= 1


def test_body_and_header_name_the_same_reset_second() -> None:
    limiter, _ = _limiter()
    window = limiter.record("u")
    stamp = window.as_json()["reset_at"]
    header = int(window.headers()["X-RateLimit-Reset"])
    assert stamp == datetime.fromtimestamp(header, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
