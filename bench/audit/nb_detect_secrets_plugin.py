"""A detect-secrets plugin with the plain nb_ regex, for the audit benchmark only."""

from __future__ import annotations

import re

from detect_secrets.plugins.base import RegexBasedDetector

__all__ = ["NanoBananaKeyDetector"]


class NanoBananaKeyDetector(RegexBasedDetector):  # type: ignore[misc]
    """Nano Banana Video keys: the literal prefix and a base64url body of 24+ characters."""

    secret_type = "Nano Banana Video key"
    denylist = (re.compile(r"nb_[A-Za-z0-9_-]{24,}"),)
