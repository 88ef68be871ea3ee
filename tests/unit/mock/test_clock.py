from __future__ import annotations

import pytest

from nbkit.mock.clock import MAX_OFFSET_SECONDS, Clock, iso_utc


def test_advance_moves_the_clock_forward() -> None:
    clock = Clock()
    before = clock.now()
    assert clock.advance(1800) >= before + 1800
    assert clock.offset == 1800


def test_the_clock_never_moves_back() -> None:
    with pytest.raises(ValueError, match="forward"):
        Clock().advance(-1)


def test_iso_utc_has_whole_seconds_and_z() -> None:
    assert iso_utc(1778005800.9) == "2026-05-05T18:30:00Z"


@pytest.mark.parametrize("seconds", [float("inf"), float("nan"), 1e300, MAX_OFFSET_SECONDS + 1])
def test_the_clock_stays_where_dates_can_be_written(seconds: float) -> None:
    clock = Clock()
    with pytest.raises(ValueError, match="at most"):
        clock.advance(seconds)
    assert clock.offset == 0


def test_the_bound_holds_over_several_moves() -> None:
    clock = Clock()
    clock.advance(MAX_OFFSET_SECONDS)
    iso_utc(clock.now())
    with pytest.raises(ValueError, match="at most"):
        clock.advance(1)
