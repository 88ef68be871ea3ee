"""nbkit.report.formats: one table of formats, one pair of options, one way a report leaves."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import stat
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from nbkit.audit.report import RENDERERS as AUDIT_RENDERERS
from nbkit.cli import Parser
from nbkit.cli.test import REPORT_OPTIONS
from nbkit.diff.report import RENDERERS as DIFF_RENDERERS
from nbkit.errors import UsageError
from nbkit.keys import new_key, redact
from nbkit.report.formats import (
    DEFAULT_FORMAT,
    FORMATS,
    Command,
    add_report_options,
    format_names,
    write_report,
)

_README = Path(__file__).parents[3] / "README.md"
# Each command's renderers, keyed by the shared names.
_RENDERED: dict[Command, frozenset[str]] = {
    "audit": frozenset(AUDIT_RENDERERS),
    "diff": frozenset(DIFF_RENDERERS),
    "test": frozenset(REPORT_OPTIONS),
}


def test_format_names_are_unique_and_every_format_has_a_command() -> None:
    names = [row.name for row in FORMATS]
    assert len(set(names)) == len(names)
    assert all(row.commands and row.description for row in FORMATS)


@pytest.mark.parametrize("command", tuple(_RENDERED))
def test_each_command_renders_exactly_the_formats_the_table_gives_it(command: Command) -> None:
    assert frozenset(format_names(command)) == _RENDERED[command]
    assert DEFAULT_FORMAT in format_names(command)


def test_the_readme_table_lists_every_format_and_its_commands() -> None:
    # | `name` (default) | what it writes | audit | diff | test |, a mark `yes` or empty
    cell = r"\s*(\w*)\s*\|"
    row = re.compile(rf"\| `(\w+)`(?: \(default\))? \| ([^|]+) \|{cell}{cell}{cell}")
    listed: dict[str, tuple[str, frozenset[str]]] = {}
    for line in _README.read_text(encoding="utf-8").splitlines():
        if found := row.fullmatch(line):
            marks = zip(_RENDERED, found.groups()[2:], strict=True)
            listed[found[1]] = (found[2], frozenset(command for command, yes in marks if yes))
    assert listed == {r.name: (r.description, r.commands) for r in FORMATS}


def _parser(command: Command) -> argparse.ArgumentParser:
    parser = Parser(prog=f"nbkit {command}")
    add_report_options(parser, command)
    return parser


@pytest.mark.parametrize("command", tuple(_RENDERED))
def test_options_default_to_table_on_stdout(command: Command) -> None:
    args = _parser(command).parse_args([])
    assert (args.format, args.output) == (DEFAULT_FORMAT, None)
    args = _parser(command).parse_args(["--format", format_names(command)[-1], "--output", "r"])
    assert (args.format, args.output) == (format_names(command)[-1], Path("r"))


@pytest.mark.parametrize("command", tuple(_RENDERED))
def test_every_format_of_the_command_is_in_its_help(command: Command) -> None:
    text = " ".join(_parser(command).format_help().split())
    for row in FORMATS:
        assert (f"{row.name}: " in text or f"{row.name} (default): " in text) == (
            command in row.commands
        )


@pytest.mark.parametrize("command", tuple(_RENDERED))
@given(value=st.text(min_size=1).filter(lambda v: not v.startswith("-")))
def test_an_unsupported_format_is_the_same_one_line_error_in_every_command(
    command: Command, value: str
) -> None:
    assume(value not in format_names(command))
    err = io.StringIO()
    with pytest.raises(SystemExit) as caught, contextlib.redirect_stderr(err):
        _parser(command).parse_args(["--format", value])
    assert caught.value.code == 2
    assert err.getvalue().startswith(
        f"nbkit: error: argument --format: nbkit {command} writes no {value!r} report; "
    )
    assert err.getvalue().count("\n") == 1


@pytest.mark.parametrize("command", tuple(_RENDERED))
def test_the_error_names_the_command_and_its_choices(
    command: Command, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = next(row.name for row in FORMATS if command not in row.commands)
    with pytest.raises(SystemExit):
        _parser(command).parse_args(["--format", missing])
    err = capsys.readouterr().err
    choices = ", ".join(format_names(command))
    assert err == (
        f"nbkit: error: argument --format: nbkit {command} writes no {missing!r} report; "
        f"choose {choices} (see nbkit {command} --help)\n"
    )


def test_stdout_gets_the_report_with_keys_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    key = new_key()
    write_report(f"found {key}\n", None)
    assert capsys.readouterr().out == f"found {redact(key)}\n"


def test_a_file_gets_the_report_redacted_and_replaces_the_old_one(tmp_path: Path) -> None:
    key = new_key()
    output = tmp_path / "report.txt"
    output.write_text("an older and longer report\n" * 10, encoding="utf-8")
    write_report(f"found {key}\n", output)
    assert output.read_text(encoding="utf-8") == f"found {redact(key)}\n"
    assert os.listdir(tmp_path) == ["report.txt"]


def test_a_symlinked_output_replaces_the_file_it_points_to(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text("old\n", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to("real.txt")
    write_report("new\n", tmp_path / "link.txt")
    assert (tmp_path / "link.txt").is_symlink()
    assert (tmp_path / "real.txt").read_text(encoding="utf-8") == "new\n"


def test_a_new_report_file_gets_the_mode_of_any_new_file(tmp_path: Path) -> None:
    mask = os.umask(0o027)
    try:
        write_report("x\n", tmp_path / "report.txt")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "report.txt").stat().st_mode) == 0o640


def test_an_unwritable_output_is_a_usage_error_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot write the report"):
        write_report("x\n", tmp_path / "missing" / "report.txt")
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(UsageError, match=f"{folder}: cannot write the report"):
        write_report("x\n", folder)
    assert sorted(os.listdir(tmp_path)) == ["folder"] and not os.listdir(folder)


def test_a_stream_is_written_to_not_replaced(tmp_path: Path) -> None:
    # /dev/stdout-style outputs: a device cannot be renamed over; it takes the text.
    with pytest.raises(UsageError, match="/dev/full: cannot write the report"):
        write_report("x\n" * 10_000, Path("/dev/full"))
    write_report("x\n", Path(os.devnull))
