"""Every command's --output: written whole or not at all, and the same --format error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Final

import pytest

from nbkit.keys import new_key

ROOT: Final = Path(__file__).parents[2]
_HISTORY: Final = ROOT / "contracts" / "history" / "documentation-php.openapi.yaml"
_CONTRACT: Final = ROOT / "contracts" / "nanobanana.openapi.yaml"
_LIMIT: Final = 4096
# The command under a file-size limit: a write past it fails with EFBIG (SIGXFSZ ignored),
# a real failure part-way through writing the report.
_LIMITED: Final = f"""
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, ({_LIMIT}, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
from nbkit.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _arguments(command: str, tmp_path: Path) -> list[str]:
    if command == "audit":
        tree = tmp_path / "tree"
        tree.mkdir()
        (tree / "keys.txt").write_text("\n".join(new_key() for _ in range(200)))
        return ["audit", "--jobs", "1", str(tree)]
    return ["diff", str(_HISTORY), str(_CONTRACT)]


@pytest.mark.parametrize("command", ["audit", "diff"])
def test_a_report_that_cannot_be_written_whole_leaves_the_old_one(
    command: str, tmp_path: Path
) -> None:
    output = tmp_path / "out" / "report.json"
    output.parent.mkdir()
    output.write_text("the previous report\n", encoding="utf-8")
    argv = [*_arguments(command, tmp_path), "--format", "json", "--output", str(output)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", _LIMITED, *argv], capture_output=True, text=True, env=env
    )
    assert result.returncode == 2, result.stderr
    assert f"nbkit: error: {output}: cannot write the report (File too large)" in result.stderr
    assert output.read_text(encoding="utf-8") == "the previous report\n"
    assert os.listdir(output.parent) == ["report.json"]
    # Without the limit the same run replaces it.
    full = subprocess.run([sys.executable, "-m", "nbkit", *argv], capture_output=True, text=True)
    assert full.returncode == 1, full.stderr
    assert output.stat().st_size > _LIMIT and output.read_text().startswith("{")


@pytest.mark.parametrize(
    ("argv", "choices"),
    [
        (["audit", "--format", "junit", "."], "table, json, sarif, markdown"),
        (["diff", "--format", "sarif", "a", "b"], "table, json, markdown, junit"),
        (["test", "--format", "json"], "table, markdown, junit"),
    ],
)
def test_an_unsupported_format_is_one_error_in_every_command(argv: list[str], choices: str) -> None:
    result = subprocess.run([sys.executable, "-m", "nbkit", *argv], capture_output=True, text=True)
    command, wanted = argv[0], argv[2]
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"nbkit: error: argument --format: nbkit {command} writes no {wanted!r} report; "
        f"choose {choices} (see nbkit {command} --help)\n"
    )
