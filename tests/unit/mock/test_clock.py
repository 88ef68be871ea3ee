from __future__ import annotations

import pytest

from nbkit.mock.clock import Clock, iso_utc


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
