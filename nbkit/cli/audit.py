"""`nbkit audit`: find hard-coded nb_ keys in trees, git history, staged changes and archives."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

from nbkit.cli import (
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_OK,
    Parser,
    configure_command,
    parse,
    run_parsed,
)
from nbkit.errors import UsageError
from nbkit.keys import redact_text, redacted_streams
from nbkit.report.formats import add_report_options, write_report

if TYPE_CHECKING:
    from nbkit.audit.scan import Outcome

__all__ = ["HELP", "configure", "main", "run", "summary"]

HELP: Final = "find hard-coded Nano Banana Video keys in files, archives and git history"
# The probe is cheap for the target, but a scan can hold hundreds of keys: stay polite.
_MAX_VERIFY_RATE: Final = 10.0


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the audit's arguments."""
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders ('-' reads stdin)"
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--git", action="store_true", help="scan the git history of each PATH")
    source.add_argument("--staged", action="store_true", help="scan what is about to be committed")
    parser.add_argument(
        "--since", metavar="REV", help="with --git: only what REV..HEAD (or a REV..REV range) adds"
    )
    parser.add_argument("--no-ignore", action="store_true", help="scan files .gitignore excludes")
    add_report_options(parser, "audit")
    parser.add_argument("--baseline", type=Path, metavar="FILE", help="known findings to ignore")
    parser.add_argument(
        "--update-baseline", action="store_true", help="write the current findings to --baseline"
    )
    parser.add_argument(
        "--show-suppressed",
        action="store_true",
        help="also list placeholders, identifiers and allowed keys",
    )
    parser.add_argument(
        "--include-other-vendor", action="store_true", help="report nb_sk_ keys of other services"
    )
    parser.add_argument("--config", type=Path, metavar="FILE", help="pyproject.toml to read")
    parser.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="processes to scan with (default: every core)",
    )
    parser.add_argument(
        "--max-file-size", type=int, default=256 * 1024 * 1024, metavar="BYTES",
        help="read larger files in chunks instead of whole (default 256 MiB)",
    )  # fmt: skip
    parser.add_argument("--verify", action="store_true", help="ask the target API if keys are live")
    parser.add_argument(
        "--verify-rate", type=float, default=2.0, metavar="N", help="probes a second (default 2)"
    )
    parser.add_argument(
        "--verbose", action="store_true", help="name every item not scanned on stderr"
    )


def _reason_label(reason: str) -> str:
    """A problem's reason without its particulars: `cannot read (Permission denied)` counts
    as `cannot read`."""
    return reason.split(" (", 1)[0].split(";", 1)[0]


def summary(outcome: Outcome, *, staged: bool = False) -> tuple[str, bool]:
    """The run's last stderr line (files and bytes scanned, items skipped by reason), and
    whether it is an error: a scan that read nothing fails (a --staged one with nothing
    staged excepted)."""
    counts = Counter(_reason_label(p.reason) for p in outcome.problems)
    skipped = "; skipped nothing"
    if counts:
        reasons = ", ".join(f"{count} {label}" for label, count in sorted(counts.items()))
        skipped = f"; skipped {sum(counts.values())}: {reasons}"
    scanned = f"scanned {outcome.files} file(s), {outcome.bytes_read:,} bytes{skipped}"
    if outcome.files == 0 and not staged:
        return redact_text(f"nbkit: error: read nothing: {scanned}"), True
    return redact_text(f"nbkit: {scanned}"), False


def _config_path(args: argparse.Namespace, paths: tuple[str, ...]) -> Path | None:
    if args.config is not None:
        return Path(args.config)
    first = Path(paths[0])
    folder = first if first.is_dir() else Path()
    candidate = folder / "pyproject.toml"
    return candidate if candidate.is_file() else None


def run(args: argparse.Namespace) -> int:
    """Scan, report, and return 0 (clean), 1 (keys found) or 2 (could not read everything)."""
    from nbkit.audit import baseline as baselines
    from nbkit.audit.allowlist import Config, load_config
    from nbkit.audit.report import renderer
    from nbkit.audit.scan import Options, run_scan

    if args.update_baseline and args.baseline is None:
        raise UsageError("--update-baseline needs --baseline FILE")
    if args.since is not None and not args.git:
        raise UsageError("--since needs --git")
    if args.jobs < 0 or args.max_file_size < 1:
        raise UsageError("--jobs and --max-file-size must be positive")
    if not 0 < args.verify_rate <= _MAX_VERIFY_RATE:
        raise UsageError(f"--verify-rate must be above 0 and at most {_MAX_VERIFY_RATE:g}")
    paths = tuple(args.paths) or (".",)
    config_file = _config_path(args, paths)
    config = load_config(config_file) if config_file is not None else Config()
    known = frozenset[tuple[str, str]]()
    if args.baseline is not None and not args.update_baseline:
        known = baselines.load_baseline(args.baseline)
    options = Options(
        paths=paths,
        git=args.git,
        since=args.since,
        staged=args.staged,
        use_ignore=not args.no_ignore,
        config=config,
        baseline=known,
        include_other_vendor=args.include_other_vendor,
        jobs=args.jobs,
        max_file_size=args.max_file_size,
        collect_keys=args.verify,
        progress=sys.stderr.isatty(),
    )
    outcome = run_scan(options)
    reported = outcome.reported
    shown = outcome.findings if args.show_suppressed else reported
    if args.verify and reported:
        from nbkit.audit.verify import verify_keys

        wanted = {f.fingerprint: outcome.keys[f.fingerprint] for f in reported}
        statuses = verify_keys(wanted, rate=args.verify_rate)
        live = set(reported)
        reported = tuple(replace(f, status=str(statuses[f.fingerprint])) for f in reported)
        shown = tuple(
            replace(f, status=str(statuses[f.fingerprint])) if f in live else f for f in shown
        )
    errors = [p for p in outcome.problems if p.error]
    for problem in outcome.problems:
        if problem.error or args.verbose:
            label = "error" if problem.error else "skipped"
            line = f"nbkit: {label}: {problem.path}: {problem.reason}"
            print(redact_text(line), file=sys.stderr)
    # An empty range (a branch with no commits of its own) reads nothing, rightly.
    last, empty = summary(outcome, staged=args.staged or args.since is not None)
    if args.update_baseline:
        baselines.write_baseline(args.baseline, reported)
        print(f"nbkit: wrote {len(reported)} finding(s) to {args.baseline}", file=sys.stderr)
        print(last, file=sys.stderr)
        return EXIT_ERROR if errors or empty else EXIT_OK
    write_report(renderer(args.format)(shown), args.output)
    sys.stdout.flush()
    print(last, file=sys.stderr)
    if errors or empty:
        return EXIT_ERROR
    return EXIT_FAILED if reported else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """`python audit.py`: this command alone, with `nbkit`'s messages and exit codes.

    Building only this parser keeps the other sub-commands' imports out of the
    audit's start-up time, which matters in pre-commit hooks and benchmarks.
    """
    parser = Parser(prog="audit.py", description=HELP)
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    configure_command(parser, sys.modules[__name__], "audit")
    with redacted_streams():
        return run_parsed(parse(parser, argv))
