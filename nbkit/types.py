"""Aliases and enums shared by more than one part of nbkit."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Any, TypeAlias, TypeVar

__all__ = ["JSON", "Closing", "StrEnum"]

_Closing = TypeVar("_Closing", bound="Closing")

if sys.version_info >= (3, 11):
    from enum import StrEnum
else:  # pragma: no cover - Python 3.10

    class StrEnum(str, Enum):
        """A str-valued Enum, as in Python 3.11."""

        def __str__(self) -> str:
            return str(self.value)


# A decoded JSON or YAML document; narrowed where it is read.
JSON: TypeAlias = Any


class Closing:
    """A context manager that calls its own `close()` on the way out (the HTTP clients)."""

    def __enter__(self: _Closing) -> _Closing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release what the object holds."""
        raise NotImplementedError
