"""`nbkit cassettes`: record scrubbed cassettes, check them against the contract, diff two."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Final

__all__ = ["HELP", "configure", "run"]

HELP: Final = "record, check and compare vcrpy cassettes of the API"
_DEFAULT_DIR: Final = Path("cassettes")


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="cassettes_action", metavar="ACTION", required=True)
    record = actions.add_parser(
        "record",
        help="record every scenario (the embedded mock, or the API the NB_* variables name)",
        description="Record every scenario through vcrpy; keys are scrubbed before writing. "
        "With NB_BASE_URL unset, the embedded mock is the target.",
    )
    record.add_argument(
        "--output", type=Path, default=_DEFAULT_DIR, help="cassette folder (default: cassettes)"
    )
    record.add_argument(
        "--host",
        default=None,
        metavar="BASE_URL",
        help="the base URL the cassettes name, whatever was recorded "
        "(default: the documented https://nanobananavideo.com/api/v1/)",
    )
    check = actions.add_parser(
        "check",
        help="check recorded responses against the contract and audit them for keys",
        description="Exit 0 clean, 1 drift or a key found, 2 bad input.",
    )
    # Folders or cassette files: a pre-commit hook passes the staged files.
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[_DEFAULT_DIR],
        metavar="PATH",
        help="cassette folders or files (default: cassettes)",
    )
    diff = actions.add_parser(
        "diff",
        help="what changed between two recordings (status, fields, types, messages)",
        description="Exit 0 when nothing changed, 1 when something did, 2 bad input.",
    )
    diff.add_argument("old", type=Path, metavar="OLD")
    diff.add_argument("new", type=Path, metavar="NEW")


def _base_url(value: str) -> str:
    """A --host value as a base URL: https://host[:port]/path/, the path kept if given."""
    from urllib.parse import urlsplit

    from nbkit.contract import api_prefix
    from nbkit.errors import UsageError

    parts = urlsplit(value if "://" in value else f"https://{value}")
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise UsageError(f"--host: {value!r} is not a base URL such as https://host/api/v1/")
    path = parts.path.rstrip("/") + "/" if parts.path.strip("/") else api_prefix()
    return f"{parts.scheme}://{parts.netloc}{path}"


def _record(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from nbkit.cassettes.record import record
    from nbkit.cassettes.recording import DOCUMENTED_BASE_URL

    results = record(args.output, host=_base_url(args.host or DOCUMENTED_BASE_URL))
    rows = [
        (r.scenario, (args.output / r.cassette).as_posix(), r.status or f"skipped: {r.skipped}")
        for r in results
    ]
    print(tabulate(rows, headers=("scenario", "cassette", "status"), tablefmt="github"))
    written = sum(1 for r in results if r.skipped is None)
    print(f"nbkit: {written} cassettes written, {len(results) - written} skipped", file=sys.stderr)
    return 0


def _check(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from nbkit.cassettes.verify import check_paths

    report = check_paths(args.paths)
    if report.drifts:
        rows = [(d.cassette, d.interaction, d.check, d.expected, d.recorded) for d in report.drifts]
        headers = ("cassette", "interaction", "check", "contract says", "recorded")
        print(tabulate(rows, headers=headers, tablefmt="github"))
    if report.keys:
        # The key itself never leaves the audit: its fingerprint and redacted form only.
        found = [(f"{k.path}:{k.line}", k.fingerprint, k.redacted) for k in report.keys]
        print(
            tabulate(found, headers=("key found in", "fingerprint", "redacted"), tablefmt="github")
        )
    print(
        f"nbkit: {report.cassettes} cassettes, {report.interactions} interactions, "
        f"{len(report.drifts)} drifts, {len(report.keys)} keys",
        file=sys.stderr,
    )
    return 0 if report.clean else 1


def _diff(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from nbkit.cassettes.compare import diff_trees

    differences = diff_trees(args.old, args.new)
    if differences:
        rows = [(d.cassette, d.interaction, d.change, d.old, d.new) for d in differences]
        headers = ("cassette", "interaction", "change", "old", "new")
        print(tabulate(rows, headers=headers, tablefmt="github"))
    print(f"nbkit: {len(differences)} changes", file=sys.stderr)
    return 1 if differences else 0


_ACTIONS: Final = {"record": _record, "check": _check, "diff": _diff}


def run(args: argparse.Namespace) -> int:
    return _ACTIONS[args.cassettes_action](args)
