"""`nbkit cassettes check` as the nbkit-cassettes-check pre-commit hook, on a real repository."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from nbkit.contract import KeyRole
from nbkit.keys import new_key

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]


def _hook() -> dict[str, Any]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = [h for h in hooks if h["id"] == "nbkit-cassettes-check"]
    return dict(hook)


def _run_hook(repo: Path, files: list[str]) -> subprocess.CompletedProcess[str]:
    """The hook as pre-commit runs it: the files its `files` pattern keeps, after its entry."""
    hook = _hook()
    kept = [name for name in files if re.search(hook["files"], name)]
    argv = shlex.split(hook["entry"]) + (kept if hook["pass_filenames"] else [])
    # The console script installed next to this interpreter, as pre-commit's own venv has it.
    executable = shutil.which(argv[0], path=str(Path(sys.executable).parent))
    assert executable is not None
    return subprocess.run(
        [executable, *argv[1:]], cwd=repo, capture_output=True, text=True, check=False
    )


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_hook_refuses_a_cassette_with_a_key_and_passes_clean_ones(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    folder = repo / "tests" / "cassettes"
    folder.mkdir(parents=True)
    for name in ("auth/text-to-video-header-valid.yaml", "status/video-status-not-found.yaml"):
        shutil.copy(ROOT / "cassettes" / name, folder / Path(name).name)
    (repo / "notes.txt").write_text("not a cassette\n")
    _git(repo, "add", ".")
    names = ["notes.txt", "tests/cassettes/text-to-video-header-valid.yaml"]
    clean = _run_hook(repo, names)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "1 cassettes" in clean.stderr

    # A cassette edited by hand with a real key where the placeholder was.
    key = new_key()
    leaked = folder / "video-status-not-found.yaml"
    leaked.write_text(leaked.read_text().replace(str(KeyRole.VALID.placeholder), key))
    _git(repo, "add", ".")
    staged = _run_hook(repo, [*names, "tests/cassettes/video-status-not-found.yaml"])
    assert staged.returncode == 1
    assert "video-status-not-found.yaml" in staged.stdout
    assert key not in staged.stdout + staged.stderr


def test_hook_is_declared_with_the_audit_extra() -> None:
    hook = _hook()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert hook["additional_dependencies"] == project["project"]["optional-dependencies"]["audit"]
    assert re.search(hook["files"], "cassettes/auth/x.yaml")
    assert not re.search(hook["files"], "src/settings.yaml")


@pytest.mark.parametrize("bad", ["missing.yaml"])
def test_a_missing_cassette_is_exit_2(tmp_path: Path, bad: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nbkit", "cassettes", "check", bad],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("nbkit: error:")
