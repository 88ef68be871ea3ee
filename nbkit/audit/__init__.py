"""The key audit: find hard-coded nb_ keys in trees, git history and archives."""

from __future__ import annotations

from nbkit.audit.finding import Finding, KeyVerdict, Location
from nbkit.audit.scan import Options, Outcome, run_scan

__all__ = ["Finding", "KeyVerdict", "Location", "Options", "Outcome", "run_scan"]
