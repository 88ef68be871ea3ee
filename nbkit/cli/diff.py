"""`nbkit diff OLD NEW`: classify the changes between two versions of the contract."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nbkit.errors import UsageError
from nbkit.keys import redact_text

__all__ = ["HELP", "configure", "run"]

HELP = "classify contract changes as breaking, warning or info (exit 1 at --fail-on)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments; the --format choices are the report FORMATS."""
    from nbkit.diff.report import FORMATS

    side = "a contract file, or REF:path read from git (path from the repository root)"
    parser.add_argument("old", metavar="OLD", help=f"the old version: {side}")
    parser.add_argument("new", metavar="NEW", help=f"the new version: {side}")
    parser.add_argument("--format", choices=tuple(FORMATS), default="table", help="report format")
    parser.add_argument(
        "--fail-on",
        choices=("breaking", "warning"),
        default="breaking",
        help="exit 1 when a change is at least this severe (default: breaking)",
    )
    parser.add_argument("--output", type=Path, help="write the report to this file, not stdout")


def run(args: argparse.Namespace) -> int:
    """Read both sides, compare, report; 1 when a change meets --fail-on."""
    from nbkit.diff.change import Level, meets
    from nbkit.diff.compare import compare
    from nbkit.diff.report import FORMATS
    from nbkit.diff.revision import read_side

    old = read_side(args.old)
    new = read_side(args.new)
    fail_on = Level(args.fail_on)
    changes = compare(old, new)
    # A contract's paths and values are the pull request's author's: no key gets out.
    report = redact_text(FORMATS[args.format](changes, fail_on=fail_on))
    if args.output is None:
        sys.stdout.write(report)
    else:
        try:
            args.output.write_text(report, encoding="utf-8")
        except OSError as err:
            raise UsageError(f"{args.output}: cannot write ({err.strerror or err})") from err
    return 1 if any(meets(change.level, fail_on) for change in changes) else 0
