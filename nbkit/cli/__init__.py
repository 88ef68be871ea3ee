"""The `nbkit` command: parses the sub-command, prints errors, picks the exit code.

Each sub-command is a module of this package with `HELP`, `configure(parser)`
and `run(args) -> int`; `COMMANDS` lists them in the order `--help` shows.
Exit codes: 0 clean, 1 findings / breaking changes / contract failures,
2 usage or input error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Final

from nbkit.errors import NbkitError
from nbkit.keys import redact_text

__all__ = [
    "COMMANDS",
    "EXIT_ERROR",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "Parser",
    "main",
    "run_parsed",
]

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_ERROR: Final = 2
EXIT_INTERRUPTED: Final = 130

# Sub-command name -> module under nbkit.cli; modules import their heavy
# dependencies inside run(), so `nbkit --help` stays fast.
COMMANDS: Final = (
    ("contract", "contract"),
    ("mock", "mock"),
    ("test", "test"),
    ("audit", "audit"),
    ("diff", "diff"),
    ("cassettes", "cassettes"),
)


class Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line, the nbkit way."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_ERROR, f"nbkit: error: {message} (see {self.prog} --help)\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="nbkit", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module_name in COMMANDS:
        module = importlib.import_module(f"nbkit.cli.{module_name}")
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP)
        module.configure(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one sub-command; return its exit code."""
    return run_parsed(_build_parser().parse_args(argv))


def run_parsed(args: argparse.Namespace) -> int:
    """Call `args.run(args)`; print errors as one line (keys redacted) and pick the exit code."""
    try:
        return int(args.run(args))
    except NbkitError as err:
        print(f"nbkit: error: {redact_text(str(err))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("nbkit: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
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
