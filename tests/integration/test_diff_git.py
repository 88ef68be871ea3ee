"""`nbkit diff REF:path` on real git repositories: refs into schemas/ are read at that revision."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Final

import pytest

from nbkit.cli import main

REPO: Final = Path(__file__).resolve().parents[2]
CONTRACT: Final = "contracts/nanobanana.openapi.yaml"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=nbkit", "-c", "user.email=nbkit@example.invalid", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository holding contracts/ and schemas/ as committed, cwd set to it."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(REPO / "contracts", root / "contracts")
    shutil.copytree(REPO / "schemas", root / "schemas")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "contract")
    monkeypatch.chdir(root)
    return root


def _edit_json(path: Path, edit: dict[str, object], *keys: str) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    node = document
    for key in keys:
        node = node[key]
    node.update(edit)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


def _diff(
    capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, list[dict[str, object]], str]:
    code = main(["diff", "--format", "json", *argv])
    captured = capsys.readouterr()
    changes = json.loads(captured.out)["changes"] if captured.out else []
    return code, changes, captured.err


def test_head_against_unchanged_tree_has_no_changes(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _diff(capsys, f"HEAD:{CONTRACT}", CONTRACT)[:2] == (0, [])


def test_schema_edit_in_the_tree_is_compared_with_the_schema_at_head(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit_json(repo / "schemas" / "video-options.json", {"maxLength": 1000}, "$defs", "prompt")
    code, changes, _ = _diff(capsys, f"HEAD:{CONTRACT}", CONTRACT)
    assert code == 1
    assert {(c["rule_id"], c["before"], c["after"]) for c in changes} == {
        ("request-max-length-tightened", 2000, 1000)
    }
    assert len(changes) == 2  # text-to-video and image-to-video share the prompt


def test_two_revisions_are_both_read_from_git(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit_json(repo / "schemas" / "api-key.json", {"pattern": "^sk_\\S+$"})
    _git(repo, "commit", "-q", "-am", "new key prefix")
    # The working tree is reset to the old prefix: only the two commits may count.
    _git(repo, "checkout", "-q", "HEAD~1", "--", "schemas/api-key.json")
    code, changes, _ = _diff(capsys, f"HEAD~1:{CONTRACT}", f"HEAD:{CONTRACT}")
    assert code == 1
    assert [(c["rule_id"], c["before"], c["after"]) for c in changes] == [
        ("security-key-prefix-changed", "nb_", "sk_")
    ]


def test_auth_table_beside_the_contract_is_read_at_the_revision(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    auth = repo / "contracts" / "auth.yaml"
    auth.write_text(
        auth.read_text(encoding="utf-8").replace(
            "text: Invalid API key format", "text: Bad key format"
        ),
        encoding="utf-8",
    )
    code, changes, _ = _diff(capsys, f"HEAD:{CONTRACT}", CONTRACT)
    assert code == 1
    assert [(c["rule_id"], c["pointer"]) for c in changes] == [
        ("auth-message-added", "/outcomes/invalid-format/messages"),
        ("auth-message-removed", "/outcomes/invalid-format/messages"),
    ]


def test_path_relative_to_a_subdirectory_with_dot_slash(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "contracts")
    assert _diff(capsys, "HEAD:./nanobanana.openapi.yaml", "nanobanana.openapi.yaml")[:2] == (0, [])


@pytest.mark.parametrize(
    ("side", "expected"),
    [
        (f"no-such-branch:{CONTRACT}", "no-such-branch: no such git revision"),
        ("HEAD:contracts/missing.yaml", "HEAD:contracts/missing.yaml: not in git"),
    ],
)
def test_missing_revision_or_path_is_a_one_line_error(
    repo: Path, capsys: pytest.CaptureFixture[str], side: str, expected: str
) -> None:
    code, changes, err = _diff(capsys, side, CONTRACT)
    assert (code, changes) == (2, [])
    assert err.startswith(f"nbkit: error: {expected}")
    assert err.count("\n") == 1


def test_schema_missing_at_the_revision_is_a_one_line_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _git(repo, "rm", "-q", "schemas/video-id.json")
    _git(repo, "commit", "-q", "-m", "drop a schema")
    _git(repo, "checkout", "-q", "HEAD~1", "--", "schemas/video-id.json")
    code, _, err = _diff(capsys, f"HEAD:{CONTRACT}", CONTRACT)
    assert code == 2
    assert "cannot resolve $ref 'video-id.json' (in revision HEAD)" in err
    assert err.count("\n") == 1


def test_outside_a_repository_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    monkeypatch.chdir(outside)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, _, err = _diff(capsys, f"HEAD:{CONTRACT}", str(REPO / CONTRACT))
    assert code == 2
    assert err.count("\n") == 1
