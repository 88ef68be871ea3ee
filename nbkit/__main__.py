"""`python -m nbkit` runs the nbkit command."""

from __future__ import annotations

import sys

from nbkit.cli import main

sys.exit(main())
