"""The audit against real git repositories built in the test: history and staged changes."""

from __future__ import annotations

import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from nbkit.audit.scan import Options, run_scan
from nbkit.cli import main
from nbkit.keys import fingerprint, new_key

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DATE = "2026-01-02T03:04:05+00:00"


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Ada Lovelace")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "ada@example.invalid")
        monkeypatch.setenv(f"GIT_{role}_DATE", DATE)


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, check=True, text=True
    )
    return result.stdout.strip()


def _commit(repo: Path, message: str, files: dict[str, bytes | None]) -> str:
    for name, data in files.items():
        path = repo / name
        if data is None:
            _git(repo, "rm", "-q", "--", name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        _git(repo, "add", "--", name)
    _git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return _git(repo, "rev-parse", "HEAD")


def _zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.usefixtures("git_env")
def test_history_finds_deleted_branch_rotated_archived_and_message_keys(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _git(tmp_path, "init", "-q", "-b", "main", str(repo))
    deleted, branch, old, new, archived, message, odd = (new_key() for _ in range(7))
    c1 = _commit(repo, "add client", {"app/client.py": f"import x\nKEY = '{deleted}'\n".encode()})
    _commit(repo, "remove key", {"app/client.py": None})
    c3 = _commit(repo, "settings", {"settings.py": f"K = '{old}'\nK2 = '{old}'\n".encode()})
    c4 = _commit(repo, "rotate", {"settings.py": f"# rotated\nK = '{new}'\n".encode()})
    c5 = _commit(
        repo, f"oops {message}", {"dist/b.zip": _zip("conf/app.env", f"NB={archived}".encode())}
    )
    c6 = _commit(repo, "odd name", {"odd\nname.txt": odd.encode()})
    _git(repo, "checkout", "-q", "-b", "feature")
    c7 = _commit(repo, "feature", {".env": f"NB_API_KEY={branch}\n".encode()})
    _git(repo, "checkout", "-q", "main")
    _commit(repo, "cleanup", {"dist/b.zip": None, "settings.py": None})

    outcome = run_scan(Options(paths=(str(repo),), git=True))
    got = {
        f.fingerprint: (
            f.location.path,
            f.location.line,
            f.location.commit,
            f.location.author,
            f.location.date,
        )
        for f in outcome.reported
    }
    assert got == {
        fingerprint(deleted): ("app/client.py", 2, c1, "Ada Lovelace", DATE),
        fingerprint(old): ("settings.py", 2, c3, "Ada Lovelace", DATE),
        fingerprint(new): ("settings.py", 2, c4, "Ada Lovelace", DATE),
        fingerprint(archived): ("dist/b.zip!conf/app.env", 1, c5, "Ada Lovelace", DATE),
        fingerprint(message): ("<commit message>", 1, c5, "Ada Lovelace", DATE),
        fingerprint(odd): ("odd\\nname.txt", 1, c6, "Ada Lovelace", DATE),
        fingerprint(branch): (".env", 1, c7, "Ada Lovelace", DATE),
    }
    # The old key sits twice in its introducing commit: both lines are reported.
    assert len(outcome.reported) == 8


@pytest.mark.usefixtures("git_env")
def test_history_cli_json_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    _git(tmp_path, "init", "-q", str(repo))
    key = new_key()
    commit = _commit(repo, "one", {"a.txt": key.encode()})
    _commit(repo, "two", {"a.txt": b"clean"})
    assert main(["audit", "--git", "--format", "json", str(repo)]) == 1
    (row,) = json.loads(capsys.readouterr().out)["findings"]
    assert (row["path"], row["commit"], row["line"]) == ("a.txt", commit, 1)
    assert key[3:] not in json.dumps(row)


def test_history_outside_a_repository_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "--git", str(tmp_path)]) == 2
    assert "not a git repository" in capsys.readouterr().err


@pytest.mark.usefixtures("git_env")
def test_staged_scans_only_what_is_about_to_be_committed(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _git(tmp_path, "init", "-q", str(repo))
    committed, staged, unstaged = new_key(), new_key(), new_key()
    _commit(repo, "base", {"old.py": f"K = '{committed}'\n".encode()})
    (repo / "new.py").write_text(f"K = '{staged}'\n")
    _git(repo, "add", "new.py")
    (repo / "new.py").write_text(f"K = '{unstaged}'\n")
    (repo / "untracked.py").write_text(f"K = '{unstaged}'\n")
    outcome = run_scan(Options(paths=(str(repo),), staged=True))
    assert [(f.location.path, f.fingerprint) for f in outcome.reported] == [
        ("new.py", fingerprint(staged))
    ]


@pytest.mark.usefixtures("git_env")
def test_staged_with_nothing_staged_is_clean(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _git(tmp_path, "init", "-q", str(repo))
    _commit(repo, "base", {"a.py": b"x = 1\n"})
    previous = Path.cwd()
    os.chdir(repo)
    try:
        assert main(["audit", "--staged"]) == 0
    finally:
        os.chdir(previous)


def _hook() -> dict[str, Any]:
    import yaml

    hooks = yaml.safe_load((Path(__file__).parents[2] / ".pre-commit-hooks.yaml").read_text())
    (hook,) = [h for h in hooks if h["id"] == "nbkit-audit"]
    return dict(hook)


def _run_hook(repo: Path, files: list[str]) -> subprocess.CompletedProcess[str]:
    """The hook as pre-commit runs it: its entry with the file names appended, in the repo."""
    hook = _hook()
    argv = shlex.split(hook["entry"]) + (files if hook["pass_filenames"] else [])
    executable = shutil.which(argv[0])
    assert executable is not None
    return subprocess.run(
        [executable, *argv[1:]], cwd=repo, capture_output=True, text=True, check=False
    )


@pytest.mark.usefixtures("git_env")
def test_pre_commit_hook_refuses_a_staged_key_and_checks_all_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _git(tmp_path, "init", "-q", str(repo))
    (repo / "clean.py").write_text("x = 1\n")
    (repo / ".gitignore").write_text("settings.py\n")
    (repo / "settings.py").write_text(f"KEY = '{new_key()}'\n")
    _git(repo, "add", "clean.py", ".gitignore")
    _git(repo, "add", "-f", "settings.py")
    # A commit: pre-commit passes the staged files.
    staged = _run_hook(repo, ["clean.py", "settings.py"])
    assert staged.returncode == 1, staged.stderr
    assert "settings.py:1" in staged.stdout
    # `pre-commit run --all-files` after the commit, nothing staged: every tracked file,
    # the ignored-but-tracked one too.
    _git(repo, "commit", "-q", "-m", "settings")
    tracked = _git(repo, "ls-files").split()
    assert _run_hook(repo, tracked).returncode == 1
    assert _run_hook(repo, ["clean.py"]).returncode == 0


def test_pre_commit_hook_is_declared() -> None:
    hook = _hook()
    # pre-commit installs the repository without extras: the hook lists the audit's own.
    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert hook["additional_dependencies"] == project["project"]["optional-dependencies"]["audit"]


@pytest.mark.usefixtures("git_env")
def test_big_history_gives_the_same_findings_with_workers(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _git(tmp_path, "init", "-q", str(repo))
    keys = [new_key() for _ in range(3)]
    stream: list[bytes] = []
    content = b""
    for mark in range(1, 1101):
        content += f"line {mark}\n".encode()
        if mark in (10, 500, 1000):
            content += f"K = '{keys[(mark // 500)]}'\n".encode()
        head = f"commit refs/heads/main\nmark :{mark}\ncommitter A <a@x.invalid> {mark} +0000\n"
        stream.append(head.encode() + b"data 2\nc\n")
        if mark > 1:
            stream.append(f"from :{mark - 1}\n".encode())
        stream.append(b"M 100644 inline f.txt\ndata %d\n" % len(content) + content + b"\n\n")
    subprocess.run(
        ["git", "-C", str(repo), "fast-import", "--quiet"], input=b"".join(stream), check=True
    )
    serial = run_scan(Options(paths=(str(repo),), git=True, jobs=1))
    parallel = run_scan(Options(paths=(str(repo),), git=True, jobs=2))
    assert serial.findings == parallel.findings
    # Each key sits in hundreds of blobs but is reported once, where it was introduced.
    got = sorted((f.location.line, f.fingerprint) for f in parallel.reported)
    assert got == [
        (11, fingerprint(keys[0])),
        (502, fingerprint(keys[1])),
        (1003, fingerprint(keys[2])),
    ]


@pytest.mark.usefixtures("git_env")
def test_history_blobs_over_the_size_limit_are_scanned_in_chunks(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _git(tmp_path, "init", "-q", str(repo))
    key = new_key()
    big = b"x = 1\n" * 1000 + key.encode()
    _commit(repo, "big", {"big.txt": big, "small.txt": key.encode()})
    outcome = run_scan(Options(paths=(str(repo),), git=True, max_file_size=1000))
    assert [(f.location.path, f.location.line) for f in outcome.reported] == [
        ("big.txt", 1001),
        ("small.txt", 1),
    ]
    assert outcome.problems == ()
