"""Hostile input: a key planted wherever a user controls text never leaves nbkit whole.

Each test generates keys (base62, base64 with `+/=`, base64url), plants them in
every place a user controls (file content, file and folder names, zip and tar
member names, git author, e-mail and commit message, config values, a baseline,
contract and cassette files and values, failing arguments and variables), runs
the commands in every format and checks that neither the key nor any eight
characters of its body, in any spelling (plain, percent-encoded, escaped), is
in stdout, stderr or a file written. Keys are also planted percent-encoded and
backslash-escaped, as a path can hold them.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Final
from urllib.parse import quote

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nbkit.audit.classify import Context, classify
from nbkit.audit.finding import KeyVerdict
from nbkit.audit.report import RENDERERS
from nbkit.cli import main
from nbkit.diff.report import RENDERERS as DIFF_RENDERERS
from nbkit.keys import BODY_ALPHABET, PREFIX

_REPO: Final = Path(__file__).resolve().parents[2]
_DIFF_FIXTURE: Final = _REPO / "tests" / "data" / "diff" / "request-default-changed"
_CASSETTE: Final = _REPO / "cassettes" / "auth" / "video-status-header-valid.yaml"
_ALPHABETS: Final = {
    "base62": BODY_ALPHABET,
    "base64": BODY_ALPHABET + "+/",
    "base64url": BODY_ALPHABET + "-_",
}
_WINDOW: Final = 8
# Real git repositories and whole commands per example: few examples, no deadline.
_FEW: Final = settings(
    max_examples=2,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
_GIT_ENV: Final = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


@st.composite
def keys(draw: st.DrawFn, alphabet: str = "base62") -> str:
    """A key the audit reports as a key, drawn from the alphabet named."""
    chars = _ALPHABETS[alphabet]
    rnd = draw(st.randoms(use_true_random=False))
    body = "".join(rnd.choice(chars) for _ in range(draw(st.integers(24, 64))))
    assume(classify(body, Context()).verdict is KeyVerdict.KEY)
    if alphabet == "base64":
        # A `+` or `/` inside the body, so the key is not base62 by chance; padding.
        assume(any(ch in "+/" for ch in body[6:-8]))
        body += draw(st.sampled_from(["", "=", "=="]))
    return PREFIX + body


def _percent(key: str) -> str:
    return quote(key, safe="")


def _escaped(key: str) -> str:
    """The key as a C or Python string escapes it: `\\x2b` for `+`, `\\x2f` for `/`."""
    return "".join(f"\\x{ord(ch):02x}" if ch in "+/=" else ch for ch in key)


def _spellings(key: str) -> Iterator[str]:
    body = key[len(PREFIX) :]
    yield key
    for spelled in {body, quote(body, safe=""), quote(body, safe="/"), _escaped(body)}:
        for start in range(len(spelled) - _WINDOW + 1):
            yield spelled[start : start + _WINDOW]
    yield json.dumps(key)[1:-1]


def _assert_no_leak(planted: tuple[str, ...], outputs: Mapping[str, str]) -> None:
    for key in planted:
        for where, text in outputs.items():
            leaked = [form for form in _spellings(key) if form in text]
            # The message names the output only: the test's own log stays free of keys.
            assert not leaked, f"{where}: {len(leaked)} piece(s) of a planted key"


def _nbkit(*args: str | Path, env: Mapping[str, str] | None = None) -> tuple[int, str]:
    """Run `nbkit` in this process; its exit code and everything it wrote."""
    out, err = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main([str(arg) for arg in args])
            except SystemExit as exit_:
                code = int(exit_.code or 0)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return code, out.getvalue() + err.getvalue()


def _process(*args: str | Path, cwd: Path | None = None) -> tuple[int, str]:
    """Run a command in a child process; its exit code and both its streams."""
    result = subprocess.run(
        [str(arg) for arg in args], capture_output=True, text=True, check=False, cwd=cwd
    )
    return result.returncode, result.stdout + result.stderr


@contextmanager
def _scratch() -> Iterator[Path]:
    # Not tmp_path: hypothesis runs several examples in one test call.
    with tempfile.TemporaryDirectory(prefix="nbkit-hostile-") as folder:
        yield Path(folder)


def _plant_tree(tree: Path, key: str, name: str) -> None:
    """The key in content, folder names, file names and archive members, plain and encoded."""
    folder = tree / key  # a base64 key's `/` makes nested folders
    folder.mkdir(parents=True)
    (folder / f"{name}.env").write_text(f"NB_API_KEY={key}\n", encoding="utf-8")
    for spelled in {_percent(key), _escaped(key)}:
        (tree / "encoded" / spelled).mkdir(parents=True)
        (tree / "encoded" / spelled / "config.py").write_text(f'KEY = "{name}"\n', "utf-8")
    with zipfile.ZipFile(tree / "bundle.zip", "w") as archive:
        archive.writestr(f"{key}/{name}.txt", f"token={name}\n")
    data = f"token={key}\n".encode()
    with tarfile.open(tree / "bundle.tar.gz", "w:gz") as archive:
        member = tarfile.TarInfo(f"{name}/{_percent(key)}.txt")
        member.size = len(data)
        archive.addfile(member, io.BytesIO(data))
    # A config value: a skip pattern that names a key.
    (tree / "pyproject.toml").write_text(
        f'[tool.nbkit.audit]\nskip = ["{name}-old/"]\n', encoding="utf-8"
    )


@pytest.mark.parametrize("alphabet", tuple(_ALPHABETS))
def test_audit_of_a_tree_never_prints_a_planted_key(alphabet: str) -> None:
    @_FEW
    @given(key=keys(alphabet), name=keys("base64url"))
    def check(key: str, name: str) -> None:
        with _scratch() as tmp:
            tree = tmp / "tree"
            _plant_tree(tree, key, name)
            outputs: dict[str, str] = {}
            for fmt in RENDERERS:
                code, outputs[f"audit --format {fmt}"] = _nbkit("audit", tree, "--format", fmt)
                assert code == 1
                code, outputs[f"--show-suppressed {fmt}"] = _nbkit(
                    "audit", tree, "--show-suppressed", "--format", fmt
                )
            report = tmp / "report.sarif"
            _, outputs["--output"] = _nbkit("audit", tree, "--format", "sarif", "--output", report)
            outputs["report file"] = report.read_text(encoding="utf-8")
            baseline = tmp / "baseline.json"
            _, outputs["--update-baseline"] = _nbkit(
                "audit", tree, "--baseline", baseline, "--update-baseline"
            )
            outputs["baseline file"] = baseline.read_text(encoding="utf-8")
            # The stored, redacted paths still match: every finding is known next run.
            code, outputs["--baseline"] = _nbkit(
                "audit", tree, "--baseline", baseline, "--show-suppressed", "--verbose"
            )
            assert code == 0, outputs["--baseline"]
            _, outputs["python audit.py"] = _process(
                sys.executable, _REPO / "audit.py", tree, "--format", "json", "--verbose"
            )
        _assert_no_leak((key, name), outputs)

    check()


def _git(repo: Path, *args: str, env: Mapping[str, str]) -> None:
    subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        env={**os.environ, **_GIT_ENV, **env},
    )


@pytest.mark.parametrize("alphabet", tuple(_ALPHABETS))
def test_audit_of_git_history_never_prints_a_planted_key(alphabet: str) -> None:
    @_FEW
    @given(key=keys(alphabet), name=keys("base62"))
    def check(key: str, name: str) -> None:
        with _scratch() as tmp:
            repo = tmp / "repo"
            repo.mkdir()
            who = {
                f"GIT_{role}_{part}": value
                for role in ("AUTHOR", "COMMITTER")
                for part, value in (("NAME", key), ("EMAIL", f"{name}@example.invalid"))
            }
            _git(repo, "init", "-q", env=who)
            (repo / key).mkdir(parents=True)
            (repo / key / f"{name}.py").write_text(f'KEY = "{key}"\n', encoding="utf-8")
            _git(repo, "add", "-A", env=who)
            _git(repo, "commit", "-q", "-m", f"add {key} for {name}", env=who)
            outputs: dict[str, str] = {}
            for fmt in RENDERERS:
                code, outputs[fmt] = _nbkit(
                    "audit", "--git", repo, "--format", fmt, "--show-suppressed"
                )
                assert code == 1
            # A child process too: git's own stderr would reach the same terminal.
            _, outputs["child"] = _process(
                sys.executable, "-m", "nbkit", "audit", "--git", repo, "--format", "sarif"
            )
        _assert_no_leak((key, name), outputs)

    check()


def _plant_contract(folder: Path, key: str, name: str) -> Path:
    """A revision of the diff fixture with the key as a default and as a path."""
    text = (_DIFF_FIXTURE / "revision.yaml").read_text(encoding="utf-8")
    document = yaml.safe_load(text.replace("default: 480p", f"default: '{key}'"))
    document["paths"][f"/videos/{key}"] = {"get": {"responses": {"200": {"description": name}}}}
    folder.mkdir(parents=True, exist_ok=True)
    revision = folder / f"{name}.yaml"
    revision.write_text(yaml.safe_dump(document), encoding="utf-8")
    return revision


@pytest.mark.parametrize("alphabet", tuple(_ALPHABETS))
def test_diff_never_prints_a_planted_key(alphabet: str) -> None:
    @_FEW
    @given(key=keys(alphabet), name=keys("base64url"))
    def check(key: str, name: str) -> None:
        with _scratch() as tmp:
            revision = _plant_contract(tmp / key, key, name)
            base = _DIFF_FIXTURE / "base.yaml"
            outputs: dict[str, str] = {}
            for fmt in DIFF_RENDERERS:
                _, outputs[fmt] = _nbkit("diff", base, revision, "--format", fmt)
            report = tmp / "report.json"
            _, outputs["--output"] = _nbkit(
                "diff", base, revision, "--format", "json", "--output", report
            )
            outputs["report file"] = report.read_text(encoding="utf-8")
        _assert_no_leak((key, name), outputs)

    check()


@pytest.mark.parametrize("alphabet", tuple(_ALPHABETS))
def test_contract_check_never_prints_a_planted_key(alphabet: str) -> None:
    @_FEW
    @given(key=keys(alphabet), name=keys("base62"))
    def check(key: str, name: str) -> None:
        with _scratch() as tmp:
            root = tmp / key
            root.mkdir(parents=True)
            shutil.copytree(_REPO / "contracts", root / "contracts")
            shutil.copytree(_REPO / "schemas", root / "schemas")
            # A value and a broken file, each reported with the root's path.
            (root / "schemas" / "api-key.json").write_text(f'{{"{name}": [\n', encoding="utf-8")
            code, text = _nbkit("contract", "check", "--root", root)
            assert code == 2
        _assert_no_leak((key, name), {"contract check": text})

    check()


@pytest.mark.parametrize("alphabet", tuple(_ALPHABETS))
def test_cassettes_check_never_prints_a_planted_key(alphabet: str) -> None:
    @_FEW
    @given(key=keys(alphabet), name=keys("base64url"))
    def check(key: str, name: str) -> None:
        with _scratch() as tmp:
            folder = tmp / key
            folder.mkdir(parents=True)
            cassette = yaml.safe_load(_CASSETTE.read_text(encoding="utf-8"))
            response = cassette["interactions"][0]["response"]
            body = json.loads(response["body"]["string"])
            # A drift whose recorded value is a key, and a key in the body.
            response["body"]["string"] = json.dumps({**body, "status": key, "debug": name})
            (folder / f"{name}.yaml").write_text(yaml.safe_dump(cassette), encoding="utf-8")
            code, text = _nbkit("cassettes", "check", tmp)
            assert code == 1
        _assert_no_leak((key, name), {"cassettes check": text})

    check()


# Commands that fail on user input that names a key: each returns the argv (and env).
_Failing = Callable[[Path, str], tuple[list[str | Path], dict[str, str]]]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _config(tmp: Path, line: str) -> Path:
    return _write(tmp / "pyproject.toml", f"[tool.nbkit.audit]\n{line}\n")


_FAILING: Final[dict[str, _Failing]] = {
    "audit-missing-path": lambda tmp, key: (["audit", tmp / key], {}),
    "audit-bad-format": lambda tmp, key: (["audit", tmp, "--format", key], {}),
    "audit-missing-baseline": lambda tmp, key: (
        ["audit", tmp, "--baseline", tmp / f"{key}.json"], {}
    ),
    "audit-output-in-missing-folder": lambda tmp, key: (
        ["audit", tmp, "--output", tmp / key / "r.txt"], {}
    ),
    "audit-config-unknown-setting": lambda tmp, key: (
        ["audit", tmp, "--config", _config(tmp, f'"{key}" = 1')],
        {},
    ),
    "audit-config-bad-body": lambda tmp, key: (
        ["audit", tmp, "--config", _config(tmp, f"body = '({key}'")],
        {},
    ),
    "audit-git-not-a-repository": lambda tmp, key: (
        ["audit", "--git", _write(tmp / key / "x", "").parent],
        {},
    ),
    "audit-bad-baseline-row": lambda tmp, key: (
        ["audit", tmp, "--baseline", _write(tmp / key / "b.json", json.dumps({"version": key}))],
        {},
    ),
    "diff-missing-contract": lambda tmp, key: (
        ["diff", tmp / f"{key}.yaml", _DIFF_FIXTURE / "base.yaml"], {}
    ),
    "diff-bad-yaml": lambda tmp, key: (
        ["diff", _write(tmp / key / "c.yaml", f"x: [{key}\n"), _DIFF_FIXTURE / "base.yaml"],
        {},
    ),
    "diff-bad-format": lambda tmp, key: (
        ["diff", _DIFF_FIXTURE / "base.yaml", _DIFF_FIXTURE / "base.yaml", "--format", key],
        {},
    ),
    "contract-missing-root": lambda tmp, key: (["contract", "check", "--root", tmp / key], {}),
    "cassettes-missing-folder": lambda tmp, key: (["cassettes", "check", tmp / key], {}),
    "cassettes-diff-missing": lambda tmp, key: (["cassettes", "diff", tmp / key, tmp], {}),
    "mock-state-dir-is-a-file": lambda tmp, key: (
        ["mock", "--state-dir", _write(tmp / key, "")],
        {},
    ),
    "test-unknown-mutant": lambda tmp, key: (["test", "--mutant", key], {}),
    "test-unreachable-base-url": lambda tmp, key: (
        ["test"], {"NB_BASE_URL": f"https://127.0.0.1:1/{key}/api/v1/", "NB_API_KEY": key}
    ),
    "test-missing-ca-bundle": lambda tmp, key: (
        ["test"],
        {"NB_BASE_URL": "https://127.0.0.1:1/api/v1/", "NB_CA_BUNDLE": f"{tmp / key}.pem"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("place", tuple(_FAILING))
def test_a_failing_command_never_prints_a_key_from_its_input(place: str) -> None:
    # base64: its `+` and `/` end a base62 match early, which the old redaction did, and
    # a `/` makes nested folders of a path. base62 and base64url keys are planted above.
    @_FEW
    @given(key=keys("base64"))
    def check(key: str) -> None:
        with _scratch() as tmp:
            argv, env = _FAILING[place](tmp, key)
            code, text = _nbkit(*argv, env=env)
            assert code == 2, text
        _assert_no_leak((key,), {place: text})

    check()


@pytest.mark.parametrize("alphabet", tuple(_ALPHABETS))
def test_audit_py_and_nbkit_errors_in_a_child_process_hold_no_key(alphabet: str) -> None:
    @_FEW
    @given(key=keys(alphabet))
    def check(key: str) -> None:
        with _scratch() as tmp:
            outputs = {
                "audit.py": _process(sys.executable, _REPO / "audit.py", tmp / key)[1],
                "nbkit": _process(sys.executable, "-m", "nbkit", "audit", "--format", key)[1],
            }
        _assert_no_leak((key,), outputs)

    check()


@pytest.mark.parametrize("alphabet", tuple(_ALPHABETS))
def test_an_internal_error_and_its_debug_traceback_hold_no_key(alphabet: str) -> None:
    import nbkit.cli.audit

    @_FEW
    @given(key=keys(alphabet))
    def check(key: str) -> None:
        def fail(args: argparse.Namespace) -> int:
            raise RuntimeError(f"cannot open {key}")

        # The one thing no input here can do on purpose: fail unexpectedly.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(nbkit.cli.audit, "run", fail)
            code, text = _nbkit("--debug", "audit", ".")
        assert code == 2
        assert "Traceback" in text and "internal error" in text
        _assert_no_leak((key,), {"--debug": text})

    check()
