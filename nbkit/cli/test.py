"""`nbkit test`: run the contract suite against a target and report how it conforms."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Final

from nbkit.errors import TargetError, UsageError
from nbkit.report.formats import add_report_options, write_report

if TYPE_CHECKING:
    from nbkit.target import Target

__all__ = ["HELP", "REPORT_OPTIONS", "configure", "run"]

HELP: Final = (
    "run the contract suite against the API the NB_* variables name "
    "(none set: the embedded mock); exit 0 conforms, 1 deviates, 2 usage error"
)
# pytest's exit codes: 0 all passed, 1 some failed, 5 nothing collected.
_PYTEST_OK: Final = 0
_PYTEST_FAILED: Final = 1
_PYTEST_NO_TESTS: Final = 5
# The suite's renderers: --format name (nbkit.report.formats) -> the pytest option
# that writes the report in that format.
REPORT_OPTIONS: Final = {"table": "--nb-report", "markdown": "--nb-summary", "junit": "--junitxml"}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        choices=("ci", "thorough"),
        default="ci",
        help="hypothesis profile: ci (default, fast) or thorough (10x the examples)",
    )
    add_report_options(parser, "test")
    parser.add_argument("--junit-xml", type=Path, metavar="FILE", help="also write JUnit XML here")
    parser.add_argument(
        "--summary",
        type=Path,
        metavar="FILE",
        help="also write the Markdown report here (and append it to $GITHUB_STEP_SUMMARY when set)",
    )
    parser.add_argument(
        "-k", dest="keyword", metavar="EXPR", help="run only the checks matching EXPR (pytest -k)"
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        metavar="N",
        help="send at most N requests (default: the profile's budget)",
    )
    parser.add_argument(
        "--mutant",
        metavar="ID",
        help="run against the embedded mock with this deliberate deviation (see nbkit mock)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list every check")


def _check_arguments(args: argparse.Namespace) -> None:
    from nbkit.target import target_from_env

    if os.environ.get("NB_BASE_URL", "").strip():
        # A malformed variable is a usage error before any check runs.
        target = target_from_env(os.environ)
        if args.mutant is not None:
            raise UsageError("--mutant needs the embedded mock: unset NB_BASE_URL")
        _reach(target)
    if args.mutant is not None:
        from nbkit.mock.mutants import find_mutant

        find_mutant(args.mutant)
    if args.max_requests is not None and args.max_requests < 1:
        raise UsageError("--max-requests must be 1 or more")


def _reach(target: Target) -> None:
    """One keyless request, so an unreachable target is a usage error, not 136 failures."""
    from nbkit.contract import Request
    from nbkit.suite.client import Budget, Client

    try:
        with Client(target, Budget(1)) as client:
            client.send(Request("GET", target.base_url))
    except TargetError as err:
        raise TargetError(f"{err}; check NB_BASE_URL and NB_CA_BUNDLE") from None


def run(args: argparse.Namespace) -> int:
    _check_arguments(args)
    import pytest

    from nbkit.suite import SUITE_DIR

    with tempfile.TemporaryDirectory(prefix="nbkit-test-") as scratch:
        # An empty ini of our own, so the caller's pytest configuration stays out.
        ini = Path(scratch) / "pytest.ini"
        ini.write_text("[pytest]\n", encoding="utf-8")
        # Every report file pytest writes lands here first, then leaves through write_report
        # (keys redacted, written whole): the --format one, and the --junit-xml and --summary
        # copies.
        targets: dict[str, list[Path | None]] = {args.format: [args.output]}
        for name, extra in (("junit", args.junit_xml), ("markdown", args.summary)):
            if extra is not None:
                targets.setdefault(name, []).append(extra)
        reports = {name: Path(scratch) / f"report.{name}" for name in targets}
        argv = [
            str(SUITE_DIR),
            "-c", str(ini),
            "--rootdir", str(SUITE_DIR),
            "-p", "nbkit.pytest_plugin",
            "-p", "no:cacheprovider",
            "-p", "no:randomly",
            # Checking the arguments imported what pytest would otherwise rewrite.
            "-W", "ignore::pytest.PytestAssertRewriteWarning",
            "--nb-profile", args.profile,
            *(f"{REPORT_OPTIONS[name]}={path}" for name, path in reports.items()),
            "-rfEs",  # name every failure, error and skip with its reason
            "--tb=short",  # no frame arguments, which could hold a key
            "-v" if args.verbose else "-q",
        ]  # fmt: skip
        if args.keyword:
            argv += ["-k", args.keyword]
        if args.max_requests is not None:
            argv += ["--nb-max-requests", str(args.max_requests)]
        if args.mutant is not None:
            argv += ["--nb-mutant", args.mutant]
        # stdout carries only the report; pytest's progress goes to stderr.
        with contextlib.redirect_stdout(sys.stderr):
            code = int(pytest.main(argv))
        for name, path in reports.items():
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                for output in targets[name]:
                    write_report(text, output)
    if code == _PYTEST_NO_TESTS:
        raise UsageError(f"-k {args.keyword!r} selects no check")
    if code in (_PYTEST_OK, _PYTEST_FAILED):
        return code
    return 2
