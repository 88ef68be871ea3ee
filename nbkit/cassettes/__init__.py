"""Cassettes: record real interactions with vcrpy, scrub every key, replay offline, check drift."""

from __future__ import annotations

from nbkit.cassettes.scenarios import SCENARIOS, AuthMethod, Scenario

__all__ = ["SCENARIOS", "AuthMethod", "Scenario"]
