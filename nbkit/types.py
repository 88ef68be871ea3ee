"""Aliases and enums shared by more than one part of nbkit."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Any, TypeAlias

__all__ = ["JSON", "StrEnum"]

if sys.version_info >= (3, 11):
    from enum import StrEnum
else:  # pragma: no cover - Python 3.10

    class StrEnum(str, Enum):
        """A str-valued Enum, as in Python 3.11."""

        def __str__(self) -> str:
            return str(self.value)


# A decoded JSON or YAML document; narrowed where it is read.
JSON: TypeAlias = Any
