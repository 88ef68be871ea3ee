"""The errors nbkit raises, one class per thing the user must fix."""

from __future__ import annotations

__all__ = ["InputError", "NbkitError", "TargetError", "UsageError"]


class NbkitError(Exception):
    """Base of every error nbkit reports to the user as one line."""


class UsageError(NbkitError):
    """Raised when a command line or an option value is wrong."""


class InputError(NbkitError):
    """Raised when a contract, schema, baseline, config or cassette is unreadable or invalid."""


class TargetError(NbkitError):
    """Raised when the API under test cannot be reached or set up."""
