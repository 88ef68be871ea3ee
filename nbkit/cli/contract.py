"""`nbkit contract check`: validate the contract, its schemas, examples and tables."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tabulate import tabulate

__all__ = ["HELP", "configure", "run"]

HELP = "check the contract: OpenAPI, schemas, examples and the auth table"


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help=HELP, description=HELP)
    check.add_argument(
        "--root",
        type=Path,
        default=None,
        help="folder holding contracts/ and schemas/ (default: the ones nbkit ships)",
    )


def run(args: argparse.Namespace) -> int:
    from nbkit.contract.check import DEFAULT_ROOT, run_checks

    results = run_checks(args.root or DEFAULT_ROOT)
    rows = [
        (check.id, check.description, len(problems), "ok" if not problems else "FAIL")
        for check, problems in results
    ]
    print(tabulate(rows, headers=("check", "what", "problems", "verdict")))
    problems = [problem for _, found in results for problem in found]
    for problem in problems:
        print(f"nbkit: error: {problem}", file=sys.stderr)
    return 2 if problems else 0
