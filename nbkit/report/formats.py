"""The report formats every command knows, and the `--format`/`--output` options built from them.

`FORMATS` is the one table: each row is a `--format` name, what it writes and
the commands that write it. Each command keeps its render functions in its own
report package, keyed by these names; `add_report_options` gives its parser the
same two options, help and errors as every other command; `write_report` is the
one way a report leaves: keys redacted, and a file written whole or not at all.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from nbkit.errors import UsageError
from nbkit.keys import redact_text

__all__ = [
    "DEFAULT_FORMAT",
    "FORMATS",
    "Command",
    "ReportFormat",
    "add_report_options",
    "format_names",
    "replace_file",
    "write_report",
]

Command = Literal["audit", "diff", "test"]
DEFAULT_FORMAT: Final = "table"


@dataclass(frozen=True, slots=True)
class ReportFormat:
    """One `--format` name: what the report holds, and the commands that write it."""

    name: str
    description: str
    commands: frozenset[Command]


FORMATS: Final = (
    ReportFormat("table", "a plain-text table for people", frozenset({"audit", "diff", "test"})),
    ReportFormat("json", "one JSON document", frozenset({"audit", "diff"})),
    ReportFormat("sarif", "SARIF 2.1.0 for GitHub code scanning", frozenset({"audit"})),
    ReportFormat(
        "markdown",
        "Markdown for a pull-request comment or a job summary",
        frozenset({"audit", "diff", "test"}),
    ),
    ReportFormat("junit", "JUnit XML for a CI test report", frozenset({"diff", "test"})),
)


def format_names(command: Command) -> tuple[str, ...]:
    """The `--format` names command writes, in table order."""
    return tuple(row.name for row in FORMATS if command in row.commands)


def _parse_format(command: Command) -> Callable[[str], str]:
    """argparse's `type` for --format: the name, or the one error every command gives."""
    names = format_names(command)

    def parse(value: str) -> str:
        if value not in names:
            raise argparse.ArgumentTypeError(
                f"nbkit {command} writes no {value!r} report; choose {', '.join(names)}"
            )
        return value

    return parse


def add_report_options(parser: argparse.ArgumentParser, command: Command) -> None:
    """Add `--format` (this command's rows of FORMATS) and `--output` to parser."""
    rows = [row for row in FORMATS if command in row.commands]
    described = "; ".join(
        f"{row.name}{' (default)' if row.name == DEFAULT_FORMAT else ''}: {row.description}"
        for row in rows
    )
    parser.add_argument(
        "--format",
        type=_parse_format(command),
        default=DEFAULT_FORMAT,
        metavar="{" + ",".join(row.name for row in rows) + "}",
        help=f"report format: {described}",
    )
    parser.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="write the report to FILE instead of stdout, whole or not at all",
    )


def write_report(text: str, output: Path | None) -> None:
    """Write a report to output (stdout when None), every key-shaped run redacted.

    A file is written beside its target and renamed over it, so a failed write
    leaves the previous report as it was and no partial one.
    """
    shown = redact_text(text)
    if output is None:
        sys.stdout.write(shown)
        return
    try:
        if output.exists() and not output.is_file() and not output.is_dir():
            # A stream such as /dev/stdout cannot be replaced, only written to.
            output.write_text(shown, encoding="utf-8")
        else:
            # A symlink keeps pointing where it did: its target is the file replaced.
            replace_file(output.resolve(), shown.encode("utf-8"))
    except OSError as err:
        raise UsageError(f"{output}: cannot write the report ({err.strerror or err})") from err


def replace_file(path: Path, data: bytes) -> None:
    """Write data to a new file in path's folder, then rename it over path: whole or not at all.

    Raises OSError, the new file removed, when it cannot.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        # mkstemp makes the file private; a report gets the mode any new file would.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    # Reading the umask means setting it; the CLI writes its report on one thread.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
