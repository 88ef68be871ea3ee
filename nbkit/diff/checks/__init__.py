"""The pure functions behind the diff rules, one module per part of the contract."""

from __future__ import annotations

__all__: list[str] = []
