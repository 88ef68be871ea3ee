"""What a Nano Banana Video key looks like: prefix, new keys, fingerprint, redaction.

The documentation gives only the prefix (API-FACTS 3.2); length and alphabet
are not documented, so nbkit generates base62 bodies of a fixed length and
the audit's body rule is configurable.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string
from typing import Final

__all__ = [
    "BODY_ALPHABET",
    "BODY_LENGTH",
    "PREFIX",
    "PREFIX_BYTES",
    "fingerprint",
    "new_key",
    "redact",
    "redact_text",
]

PREFIX: Final = "nb_"
PREFIX_BYTES: Final = PREFIX.encode()
BODY_ALPHABET: Final = string.ascii_letters + string.digits
BODY_LENGTH: Final = 40
# Below this body length the first and last characters reveal too much.
_MIN_BODY_TO_SHOW_ENDS: Final = 12
_ELLIPSIS: Final = "…"
# Anything key-shaped in free text: the prefix and a run of key-body characters.
_KEY_IN_TEXT: Final = re.compile(re.escape(PREFIX) + r"[A-Za-z0-9_\-]{6,}")


def new_key() -> str:
    """A fresh random key: the documented prefix and a base62 body."""
    return PREFIX + "".join(secrets.choice(BODY_ALPHABET) for _ in range(BODY_LENGTH))


def _as_bytes(key: str | bytes) -> bytes:
    return key if isinstance(key, bytes) else key.encode("utf-8", "surrogateescape")


def fingerprint(key: str | bytes) -> str:
    """The SHA-256 hex digest of the key: stable, and safe to print or store."""
    return hashlib.sha256(_as_bytes(key)).hexdigest()


def redact(key: str | bytes) -> str:
    """A display form that never holds the key: `nb_Ab…yz`, or `nb_…` for short keys."""
    text = _as_bytes(key).decode("utf-8", "replace")
    prefix = PREFIX if text.startswith(PREFIX) else ""
    body = text[len(prefix) :]
    if len(body) < _MIN_BODY_TO_SHOW_ENDS:
        return prefix + _ELLIPSIS
    return f"{prefix}{body[:2]}{_ELLIPSIS}{body[-2:]}"


def redact_text(text: str) -> str:
    """`text` with every key-shaped run redacted: for messages that quote outside input."""
    return _KEY_IN_TEXT.sub(lambda match: redact(match.group()), text)
