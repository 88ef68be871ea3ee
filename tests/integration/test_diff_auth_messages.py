"""A documented auth message changed in schemas/auth-error.json, in auth.yaml, or both: breaking."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Final

import pytest

from nbkit.contract.load import CONTRACT_FILE
from nbkit.diff.change import Level
from nbkit.diff.compare import compare
from nbkit.diff.revision import read_file

REPO: Final = CONTRACT_FILE.parents[1]
AUTH_ERROR: Final = Path("schemas") / "auth-error.json"
AUTH_TABLE: Final = Path("contracts") / "auth.yaml"


def _a_message() -> str:
    """A wording that both auth.yaml and auth-error.json document (read, not restated)."""
    table = (REPO / AUTH_TABLE).read_text(encoding="utf-8")
    schema = (REPO / AUTH_ERROR).read_text(encoding="utf-8")
    for line in table.splitlines():
        text = line.strip().removeprefix("- text:").strip().strip('"')
        if line.strip().startswith("- text:") and f'"{text}"' in schema:
            return text
    raise AssertionError("no message shared by auth.yaml and auth-error.json")


@pytest.mark.parametrize(
    "where",
    [(AUTH_ERROR,), (AUTH_TABLE,), (AUTH_ERROR, AUTH_TABLE)],
    ids=["schema", "auth-table", "both"],
)
def test_a_changed_auth_message_is_a_breaking_auth_change(
    where: tuple[Path, ...], tmp_path: Path
) -> None:
    shutil.copytree(REPO / "contracts", tmp_path / "contracts")
    shutil.copytree(REPO / "schemas", tmp_path / "schemas")
    message = _a_message()
    for relative in where:
        path = tmp_path / relative
        text = path.read_text(encoding="utf-8")
        assert message in text
        path.write_text(text.replace(message, f"{message} (reworded)"), encoding="utf-8")
    changes = compare(
        read_file(CONTRACT_FILE), read_file(tmp_path / "contracts" / CONTRACT_FILE.name)
    )
    breaking = {c.rule_id for c in changes if c.level is Level.BREAKING}
    assert breaking & {"auth-message-removed", "auth-schema-message-removed"}, changes
    assert all(c.rule_id.startswith("auth-") for c in changes), changes
