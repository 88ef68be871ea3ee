"""The key audit: find hard-coded nb_ keys in trees, git history and archives."""

from __future__ import annotations

from nbkit.audit.finding import Finding, Location, Verdict
from nbkit.audit.scan import Options, Outcome, run_scan

__all__ = ["Finding", "Location", "Options", "Outcome", "Verdict", "run_scan"]
