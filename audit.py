"""`python audit.py [PATH ...]`: the key audit, the same code and exit codes as `nbkit audit`."""

from __future__ import annotations

import sys
from pathlib import Path

__all__: list[str] = []

if __name__ == "__main__":
    # Run from a checkout without installing: the package sits beside this file.
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from nbkit.cli.audit import main

    sys.exit(main())
