"""The `nbkit` command: parses the sub-command, prints errors, picks the exit code.

Each sub-command is a module of this package with `HELP`, `configure(parser)`
and `run(args) -> int`; `COMMANDS` lists them in the order `--help` shows.
Exit codes: 0 clean, 1 findings / breaking changes / contract failures,
2 usage or input error, 130 interrupted. Everything a command writes to stdout
and stderr (reports, progress, warnings, errors, tracebacks) passes through
`nbkit.keys.redacted_streams`, the one boundary where output leaves the process.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import sys
from collections.abc import Sequence
from typing import Any, Final

from nbkit.errors import NbkitError
from nbkit.keys import redact_text, redacted_streams

__all__ = [
    "COMMANDS",
    "EXIT_ERROR",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "Parser",
    "configure_command",
    "main",
    "parse",
    "run_parsed",
]

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_ERROR: Final = 2
EXIT_INTERRUPTED: Final = 130
_DESCRIPTION: Final = (
    "Contract tests, a reference mock, cassettes, a key audit and a contract diff "
    "for the Nano Banana Video API."
)

# Sub-command name -> module under nbkit.cli, and the extra its dependencies come
# with (None: the base install); modules import their heavy dependencies inside
# run(), so `nbkit --help` stays fast.
COMMANDS: Final = (
    ("contract", "contract", None),
    ("mock", "mock", "suite"),
    ("test", "test", "suite"),
    ("audit", "audit", "audit"),
    ("diff", "diff", None),
    ("cassettes", "cassettes", "suite"),
)


class Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line, the nbkit way."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_ERROR, f"nbkit: error: {message} (see {self.prog} --help)\n")


def configure_command(parser: argparse.ArgumentParser, module: Any, extra: str | None) -> None:
    """Give parser a command module's options and run function.

    Without the command's extra installed, the command still shows in --help and
    running it says what to install, instead of every other command failing too.
    """
    parser.set_defaults(run=module.run, extra=extra, missing=None)
    try:
        module.configure(parser)
    except ModuleNotFoundError as missing:
        parser.set_defaults(missing=missing)


def parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """parse_args, except that a command whose extra is missing takes any arguments."""
    args, unknown = parser.parse_known_args(argv)
    if unknown and getattr(args, "missing", None) is None:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def _version() -> str:
    """The installed distribution's version (its metadata), or say it is not installed."""
    try:
        return importlib.metadata.version("nbkit")
    except importlib.metadata.PackageNotFoundError:
        return "(not installed)"


def _build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="nbkit", description=_DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"nbkit {_version()}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module_name, extra in COMMANDS:
        module = importlib.import_module(f"nbkit.cli.{module_name}")
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP)
        configure_command(sub, module, extra)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one sub-command; return its exit code. No key reaches stdout or stderr."""
    with redacted_streams():
        return run_parsed(parse(_build_parser(), argv))


def run_parsed(args: argparse.Namespace) -> int:
    """Call `args.run(args)`; print errors as one line (keys redacted) and pick the exit code."""
    try:
        if getattr(args, "missing", None) is not None:
            raise args.missing
        return int(args.run(args))
    except NbkitError as err:
        print(f"nbkit: error: {redact_text(str(err))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("nbkit: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ModuleNotFoundError as err:
        extra = getattr(args, "extra", None)
        install = f"pip install 'nbkit[{extra}]'" if extra else "pip install nbkit"
        print(f"nbkit: error: {err.name or err} is not installed: {install}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as err:
        if args.debug:
            import traceback

            traceback.print_exc()
        print(
            f"nbkit: internal error: {type(err).__name__}: {redact_text(str(err))}"
            " (rerun with --debug)",
            file=sys.stderr,
        )
        return EXIT_ERROR
