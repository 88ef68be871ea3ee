"""nbkit: contract tests, a reference mock, cassettes, key audits and contract diffs for
the Nano Banana Video API."""

from __future__ import annotations

from nbkit.errors import InputError, NbkitError, TargetError, UsageError
from nbkit.keys import fingerprint, redact

__all__ = [
    "InputError",
    "NbkitError",
    "TargetError",
    "UsageError",
    "__version__",
    "fingerprint",
    "redact",
]

__version__ = "0.1.0"
