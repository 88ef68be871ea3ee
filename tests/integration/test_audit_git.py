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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


def _range_scan(repo: Path, since: str) -> dict[str, tuple[str, str | None]]:
    outcome = run_scan(Options(paths=(str(repo),), git=True, since=since))
    return {f.fingerprint: (f.location.path, f.location.commit) for f in outcome.reported}


@pytest.mark.usefixtures("git_env")
def test_range_reports_only_what_its_commits_add(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _git(tmp_path, "init", "-q", "-b", "main", str(repo))
    before, kept, in_file, in_message, added_and_removed, after = (new_key() for _ in range(6))
    _commit(repo, "old", {"old.py": f"K = '{before}'\n".encode()})
    base = _commit(repo, "kept", {"kept.py": f"K = '{kept}'\n".encode()})
    c1 = _commit(repo, "edit", {"kept.py": f"K = '{kept}'\n# edited\n".encode(), "x": b"1"})
    c2 = _commit(repo, f"msg {in_message}", {"app.py": f"K = '{in_file}'\n".encode()})
    c3 = _commit(repo, "tmp", {"tmp.py": added_and_removed.encode()})
    _commit(repo, "rm", {"tmp.py": None})
    got = _range_scan(repo, base)
    # kept.py's key was there at the base: the edited blob holds it, but it is not new.
    assert fingerprint(kept) not in got and fingerprint(before) not in got
    assert got == {
        fingerprint(in_file): ("app.py", c2),
        fingerprint(in_message): ("<commit message>", c2),
        fingerprint(added_and_removed): ("tmp.py", c3),
    }
    assert c1 not in {commit for _, commit in got.values()}
    # BASE..TIP: a tip before the last commits leaves them out.
    _commit(repo, "later", {"later.py": after.encode()})
    assert _range_scan(repo, f"{base}..{c2}") == {
        fingerprint(in_file): ("app.py", c2),
        fingerprint(in_message): ("<commit message>", c2),
    }
    assert fingerprint(after) in _range_scan(repo, f"{c3}..")
    # The full history still reports every key.
    full = run_scan(Options(paths=(str(repo),), git=True))
    assert {fingerprint(k) for k in (before, kept, after)} <= {f.fingerprint for f in full.reported}


@pytest.mark.usefixtures("git_env")
def test_range_reports_a_key_readded_with_the_same_blob(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _git(tmp_path, "init", "-q", "-b", "main", str(repo))
    key = new_key()
    data = f"K = '{key}'\n".encode()
    _commit(repo, "add", {"conf.py": data})
    base = _commit(repo, "remove", {"conf.py": None})
    readded = _commit(repo, "restore", {"conf.py": data})
    # The blob is older than the range, but the range puts the key back in the tree.
    assert _range_scan(repo, base) == {fingerprint(key): ("conf.py", readded)}
    assert _git(repo, "rev-parse", "HEAD:conf.py") == _git(repo, "rev-parse", "HEAD~2:conf.py")


@pytest.mark.usefixtures("git_env")
def test_range_attributes_a_merge_to_the_commit_that_made_each_change(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _git(tmp_path, "init", "-q", "-b", "main", str(repo))
    on_main, on_branch, in_merge = new_key(), new_key(), new_key()
    fork = _commit(repo, "base", {"a.py": b"a = 1\n", "b.py": b"b = 1\n"})
    _git(repo, "checkout", "-q", "-b", "pr")
    branch_commit = _commit(repo, "pr work", {"pr.py": f"K = '{on_branch}'\n".encode()})
    _git(repo, "checkout", "-q", "main")
    main_tip = _commit(repo, "main work", {"main.py": f"K = '{on_main}'\n".encode()})
    _git(repo, "checkout", "-q", "pr")
    # The PR merges main in and, in the merge itself, edits a file: an "evil merge".
    _git(repo, "merge", "-q", "--no-commit", "main")
    (repo / "b.py").write_text(f"K = '{in_merge}'\n")
    _git(repo, "add", "b.py")
    _git(repo, "commit", "-q", "-m", "merge main")
    merge = _git(repo, "rev-parse", "HEAD")
    # The CI's base is main's tip: main's key came with the merge but is not the PR's.
    assert _range_scan(repo, f"{main_tip}..pr") == {
        fingerprint(on_branch): ("pr.py", branch_commit),
        fingerprint(in_merge): ("b.py", merge),
    }
    # From the fork point, main's commit is in the range, and its key is its own.
    assert _range_scan(repo, fork)[fingerprint(on_main)] == ("main.py", main_tip)


@pytest.mark.usefixtures("git_env")
def test_an_empty_range_is_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    _git(tmp_path, "init", "-q", "-b", "main", str(repo))
    head = _commit(repo, "one", {"a.txt": new_key().encode()})
    assert main(["audit", "--git", "--since", head, str(repo)]) == 0
    assert main(["audit", "--git", "--since", "HEAD..HEAD", str(repo)]) == 0
    assert "scanned 0 file(s)" in capsys.readouterr().err


@pytest.mark.usefixtures("git_env")
@pytest.mark.parametrize(
    ("since", "named"),
    [
        ("no-such-branch", "'no-such-branch'"),
        ("main..nope", "'nope'"),
        ("--output=/tmp/pwned", "'--output=/tmp/pwned'"),
        ("-p", "'-p'"),
        ("main..--all", "'--all'"),
        ("HEAD\nnbkit: clean", "'HEAD\\nnbkit: clean'"),
        ("main...HEAD", "symmetric"),
        ("a.txt", "'a.txt'"),  # a path is no commit
    ],
)
def test_a_bad_revision_is_one_error_line_that_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], since: str, named: str
) -> None:
    repo = tmp_path / "repo"
    _git(tmp_path, "init", "-q", "-b", "main", str(repo))
    _commit(repo, "one", {"a.txt": b"x\n"})
    assert main(["audit", "--git", f"--since={since}", str(repo)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("nbkit: error: ")
    assert named in err
    assert not (tmp_path / "pwned").exists()


@pytest.mark.usefixtures("git_env")
def test_a_base_beyond_a_shallow_clone_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, shallow = tmp_path / "repo", tmp_path / "shallow"
    _git(tmp_path, "init", "-q", "-b", "main", str(repo))
    base = _commit(repo, "one", {"a.txt": b"x\n"})
    _commit(repo, "two", {"b.txt": b"y\n"})
    _git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    assert main(["audit", "--git", "--since", base, str(shallow)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"'{base}' is not a commit" in err and "shallow" in err
    # With the history fetched, the same range scans.
    _git(shallow, "fetch", "-q", "--unshallow")
    assert main(["audit", "--git", "--since", base, str(shallow)]) == 0


_STEP = st.tuples(st.integers(0, 1), st.sampled_from(["add0", "add1", "add2", "drop", "edit"]))


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(_STEP, min_size=2, max_size=8), data=st.data())
@pytest.mark.usefixtures("git_env")
def test_a_range_reports_each_key_at_the_first_range_commit_that_adds_it_to_a_file(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[int, str]], data: st.DataObject
) -> None:
    """Random linear histories against a model: a key is the range's where a commit of the
    range puts it in a file whose previous version lacked it, and is reported there once."""
    repo = tmp_path_factory.mktemp("history") / "repo"
    _git(repo.parent, "init", "-q", "-b", "main", str(repo))
    keys = [new_key() for _ in range(3)]
    files: list[list[str]] = [[], []]
    commits = [_commit(repo, "root", {"f0.py": b"", "f1.py": b""})]
    added: list[set[tuple[int, str]]] = []  # per commit: the (file, key) pairs it adds
    for number, (index, action) in enumerate(steps):
        before = set(files[index])
        if action == "drop":
            files[index] = [line for line in files[index] if not line.startswith("K")]
        elif action == "edit":
            files[index].append(f"x = {number}")
        else:
            files[index].append(f"K = '{keys[int(action[-1])]}'")
        text = "\n".join(files[index]) + "\n"
        commits.append(_commit(repo, f"c{number}", {f"f{index}.py": text.encode()}))
        added.append(
            {(index, line.split("'")[1]) for line in set(files[index]) - before if "'" in line}
        )
    base = data.draw(st.integers(0, len(steps) - 1))
    expected: dict[tuple[str, str], str] = {}
    for commit, pairs in zip(commits[base + 1 :], added[base:], strict=True):
        for index, key in pairs:
            expected.setdefault((fingerprint(key), f"f{index}.py"), commit)
    outcome = run_scan(Options(paths=(str(repo),), git=True, since=commits[base]))
    got = {(f.fingerprint, f.location.path): f.location.commit for f in outcome.reported}
    assert got == expected


def test_since_without_git_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "--since", "HEAD~1", str(tmp_path)]) == 2
    assert "--since needs --git" in capsys.readouterr().err
