"""`nbkit diff OLD NEW`: classify the changes between two versions of the contract."""

from __future__ import annotations

import argparse

from nbkit.report.formats import add_report_options, write_report

__all__ = ["HELP", "configure", "run"]

HELP = "classify contract changes as breaking, warning or info (exit 1 at --fail-on)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments; --format and --output are every command's."""
    side = "a contract file, or REF:path read from git (path from the repository root)"
    parser.add_argument("old", metavar="OLD", help=f"the old version: {side}")
    parser.add_argument("new", metavar="NEW", help=f"the new version: {side}")
    add_report_options(parser, "diff")
    parser.add_argument(
        "--fail-on",
        choices=("breaking", "warning"),
        default="breaking",
        help="exit 1 when a change is at least this severe (default: breaking)",
    )


def run(args: argparse.Namespace) -> int:
    """Read both sides, compare, report; 1 when a change meets --fail-on."""
    from nbkit.diff.change import Level, meets
    from nbkit.diff.compare import compare
    from nbkit.diff.report import RENDERERS
    from nbkit.diff.revision import read_side

    old = read_side(args.old)
    new = read_side(args.new)
    fail_on = Level(args.fail_on)
    changes = compare(old, new)
    # A contract's paths and values are the pull request's author's: write_report redacts.
    write_report(RENDERERS[args.format](changes, fail_on=fail_on), args.output)
    return 1 if any(meets(change.level, fail_on) for change in changes) else 0
