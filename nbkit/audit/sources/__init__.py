"""Where audited content comes from: working trees, git history, archives."""

from __future__ import annotations

__all__: list[str] = []
