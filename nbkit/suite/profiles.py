"""The suite's hypothesis profiles: `ci` (the default, fast) and `thorough` (10x the examples)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from hypothesis import HealthCheck, Phase, Verbosity, settings

from nbkit.errors import UsageError

__all__ = ["PROFILES", "Profile", "find_profile", "hypothesis_settings", "register_profiles"]


@dataclass(frozen=True, slots=True)
class Profile:
    """How hard the suite tries: examples per check, stateful steps, the request budget."""

    id: str
    examples: int
    stateful_examples: int
    steps: int
    max_requests: int
    shrink: bool
    description: str


PROFILES: Final = (
    Profile("ci", 5, 5, 12, 4000, False, "fast and derandomized: every push"),
    Profile("thorough", 50, 30, 40, 40000, True, "10x the examples, shrinking on: nightly"),
)


def find_profile(profile_id: str) -> Profile:
    """The profile with this id; raises UsageError naming the known ids."""
    for profile in PROFILES:
        if profile.id == profile_id:
            return profile
    raise UsageError(f"unknown profile {profile_id!r}; choose one of: ci, thorough")


def hypothesis_settings(profile: Profile, *, examples: int | None = None) -> settings:
    """Settings for one check: no deadline (network), no database (keys stay out of files)."""
    phases = tuple(Phase) if profile.shrink else (Phase.explicit, Phase.reuse, Phase.generate)
    return settings(
        max_examples=examples if examples is not None else profile.examples,
        deadline=None,
        database=None,
        derandomize=not profile.shrink,
        phases=phases,
        report_multiple_bugs=False,
        stateful_step_count=profile.steps,
        verbosity=Verbosity.normal,
        suppress_health_check=(
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
            HealthCheck.data_too_large,
        ),
    )


def register_profiles() -> None:
    """Register `nbkit-ci` and `nbkit-thorough` with hypothesis, for other projects' tests."""
    for profile in PROFILES:
        settings.register_profile(f"nbkit-{profile.id}", hypothesis_settings(profile))
