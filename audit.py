"""`python audit.py [PATH ...]`: the key audit, the same code and exit codes as `nbkit audit`."""

from __future__ import annotations

import os
import sys

__all__: list[str] = []

if __name__ == "__main__":
    # Run from a checkout without installing: the package sits beside this file.
    sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
    from nbkit.cli.audit import main

    code = main()
    # Freeing a large scan's objects one by one at exit takes tens of milliseconds, a
    # tenth of a whole scan; everything is written by now. (mypy ends the same way.)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)
