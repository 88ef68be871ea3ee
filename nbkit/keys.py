"""What a Nano Banana Video key looks like: prefix, new keys, fingerprint, redaction.

The documentation gives only the prefix (API-FACTS 3.2); length and alphabet
are not documented, so nbkit generates base62 bodies of a fixed length and
the audit's body rule is configurable.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import secrets
import string
import sys
import threading
from collections.abc import Iterator
from typing import Final, TextIO

__all__ = [
    "BODY_ALPHABET",
    "BODY_LENGTH",
    "PREFIX",
    "PREFIX_BYTES",
    "RedactingWriter",
    "fingerprint",
    "new_key",
    "redact",
    "redact_text",
    "redacted_streams",
]

PREFIX: Final = "nb_"
PREFIX_BYTES: Final = PREFIX.encode()
BODY_ALPHABET: Final = string.ascii_letters + string.digits
BODY_LENGTH: Final = 40
# Below this body length the first and last characters reveal too much.
_MIN_BODY_TO_SHOW_ENDS: Final = 12
_ELLIPSIS: Final = "…"


def _escaped(char: str) -> str:
    """A regex for char written plainly, percent-encoded or backslash-escaped, once or more."""
    code = ord(char)
    return (
        f"(?:{re.escape(char)}"
        f"|(?i:%(?:25)*{code:02x}|\\\\+x{code:02x}|\\\\+u{code:04x})"  # %5F, \x5f, \u005f
        f"|\\\\+{code:03o})"  # git's octal quoting: \137
    )


# Anything key-shaped in free text. The body is wider than any key-body rule the audit
# can be configured with (base64's `+/=`, base64url's `-_`, `.` and `~`), and each
# character may sit percent-encoded (a SARIF uri, a URL) or backslash-escaped (JSON,
# a C or Python string, git's quoting), so that no spelling of a key slips through. An
# escape may itself be encoded again (`%255F` in a SARIF uri of an encoded path, `\\x2b`
# in JSON of an escaped string): any number of `25`s and backslashes.
_UNIT: Final = (
    r"(?:[A-Za-z0-9_\-+/=.~]"  # a body character
    r"|%(?:25)*[0-9A-Fa-f]{2}"  # percent-encoded
    r"|\\+(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[0-7]{3}|[/+=_.~-]))"  # escaped
)
_PREFIX_IN_TEXT: Final = re.compile("".join(_escaped(char) for char in PREFIX))
# The lookahead lets the engine skip to a possible start; text with no `%` and no `\\`
# holds only plain spellings, found at the speed of a literal search.
_KEY_IN_TEXT: Final = re.compile(r"(?=[n%\\])" + _PREFIX_IN_TEXT.pattern + _UNIT + "+")
_PLAIN_KEY_IN_TEXT: Final = re.compile(re.escape(PREFIX) + _UNIT + "+")
_UNITS: Final = re.compile(_UNIT)
# What a unit may decode to and still be part of the key: `%20` or `\u2026` ends it.
_BODY_CHARS: Final = frozenset(string.ascii_letters + string.digits + "_-+/=.~")
# One escape inside a run, as _UNIT allows them: its hex or octal code, or the character.
_ESCAPE: Final = re.compile(
    r"%(?:25)*(?P<hex>[0-9A-Fa-f]{2})"
    r"|\\+(?:[x](?P<hex2>[0-9A-Fa-f]{2})|[uU](?P<hex4>[0-9A-Fa-f]{4}(?:[0-9A-Fa-f]{4})?)"
    r"|(?P<octal>[0-7]{3})|(?P<plain>.))"
)
# Shorter bodies are not keys under any body rule worth the name: left as they are.
_MIN_BODY_TO_REDACT: Final = 6
# A name, not a key: parts of one-case letters with optional trailing digits, or short
# numbers (`nb_samples_per_epoch`, `nb_utils/io.py`, `nb_v1.2.3`). Random keys mix
# cases and digits, and the audit never reports such a body as a key either.
_NAME_PART: Final = re.compile(r"[a-z]*[0-9]*|[A-Z]*[0-9]*")
_NAME_SEPARATORS: Final = re.compile(r"[_\-./=]")
_MAX_NUMBER_PART: Final = 3
# A word longer than this is a key in a one-case alphabet, not a name: redacted.
_MAX_NAME_PART: Final = 24


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


def _unescape(match: re.Match[str]) -> str:
    if match["plain"] is not None:
        return match["plain"]
    if match["octal"] is not None:
        return chr(int(match["octal"], 8))
    code = int(match["hex"] or match["hex2"] or match["hex4"], 16)
    return chr(code) if code <= sys.maxunicode else "?"


def _is_name(body: str) -> bool:
    for part in _NAME_SEPARATORS.split(body):
        if not _NAME_PART.fullmatch(part):
            return False
        if (part.isdigit() and len(part) > _MAX_NUMBER_PART) or len(part) > _MAX_NAME_PART:
            return False
    return True


def _redact_run(match: re.Match[str]) -> tuple[str, int]:
    """The display form of the key-shaped run at match, and where the run ends."""
    text = match.string
    start = end = match.start() + len(_PREFIX_IN_TEXT.match(match.group())[0])  # type: ignore[index]
    body: list[str] = []
    for unit in _UNITS.finditer(text, start, match.end()):
        char = _ESCAPE.sub(_unescape, unit.group())
        if char not in _BODY_CHARS:
            break
        body.append(char)
        end = unit.end()
    plain = "".join(body)
    escaped = len(plain) != end - start
    run = text[match.start() : end]
    if len(plain) < _MIN_BODY_TO_REDACT or (not escaped and _is_name(plain)):
        return run, end
    # The whole run, a path below a folder named after a key too: the end of a base64
    # key (`…/word`, `…/word.json`) looks like a path, so no part of a run is kept.
    return redact(PREFIX + plain), end


def redact_text(text: str) -> str:
    """`text` with every key-shaped run redacted: for every string that leaves the process.

    A run is `nb_` and six or more key-body characters, any of them percent-encoded
    or backslash-escaped; names such as `nb_samples_per_epoch` stay. Idempotent.
    """
    escaped = "%" in text or "\\" in text
    if not escaped and PREFIX not in text:
        return text  # the common case, at the cost of one substring search
    key_in_text = _KEY_IN_TEXT if escaped else _PLAIN_KEY_IN_TEXT
    parts: list[str] = []
    done = 0
    while (match := key_in_text.search(text, done)) is not None:
        shown, end = _redact_run(match)
        parts += (text[done : match.start()], shown)
        done = end
    parts.append(text[done:])
    return "".join(parts)


class RedactingWriter(io.TextIOBase):
    """A text stream that writes to another one with every key-shaped run redacted.

    Text is passed on a line at a time (and at flush), so a key written in pieces is
    still seen whole; a key never spans a line.
    """

    def __init__(self, target: TextIO) -> None:
        super().__init__()
        self._target = target
        self._pending = ""
        self._lock = threading.Lock()

    @property
    def target(self) -> TextIO:
        """The stream written to."""
        return self._target

    @property
    def encoding(self) -> str:  # type: ignore[override]
        """The target's encoding."""
        return self._target.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        """The target's error handler."""
        return self._target.errors

    def writable(self) -> bool:
        """Always: this is an output stream."""
        return True

    def isatty(self) -> bool:
        """Whether the target is a terminal (progress bars ask)."""
        return self._target.isatty()

    def fileno(self) -> int:
        """The target's file descriptor."""
        return self._target.fileno()

    def write(self, text: str) -> int:
        """Pass on every complete line of text, redacted; keep the rest for later."""
        with self._lock:
            pending = self._pending + text
            cut = max(pending.rfind("\n"), pending.rfind("\r")) + 1
            if cut:
                self._target.write(redact_text(pending[:cut]))
            self._pending = pending[cut:]
        return len(text)

    def flush(self) -> None:
        """Pass on what is held back, redacted, and flush the target."""
        with self._lock:
            if self._pending:
                self._target.write(redact_text(self._pending))
                self._pending = ""
        self._target.flush()


@contextlib.contextmanager
def redacted_streams() -> Iterator[None]:
    """Within the block, sys.stdout and sys.stderr redact every key-shaped run."""
    saved = sys.stdout, sys.stderr
    writers = RedactingWriter(saved[0]), RedactingWriter(saved[1])
    sys.stdout, sys.stderr = writers
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        for writer in writers:
            with contextlib.suppress(OSError, ValueError):
                writer.flush()
