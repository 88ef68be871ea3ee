"""Classify the changes between two versions of the contract as breaking, warning or info.

`nbkit.diff.revision.read_side` reads a side, `nbkit.diff.compare.compare` runs
`nbkit.diff.rules.RULES` over both, `nbkit.diff.report.RENDERERS` render the changes.
"""

from __future__ import annotations

from nbkit.diff.change import Change, Direction, Level

__all__ = ["Change", "Direction", "Level"]
