"""`contract check` passes on the shipped contract and names the place of each breakage."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from nbkit.contract import CONTRACTS_DIR, SCHEMAS_DIR
from nbkit.contract.check import CHECKS, run_checks
from nbkit.errors import InputError


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(CONTRACTS_DIR, tmp_path / "contracts")
    shutil.copytree(SCHEMAS_DIR, tmp_path / "schemas")
    return tmp_path


def _edit(relative: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / relative
        text = path.read_text()
        assert old in text, f"fixture out of date: {old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1))

    return edit


OPENAPI = "contracts/nanobanana.openapi.yaml"

# (why, edit, the check that must fail, file, pointer the problem must name)
BREAKAGES = [
    (
        "yaml-syntax-error",
        _edit(OPENAPI, "openapi: 3.1.0", "openapi: [3.1.0"),
        "documents-parse",
        OPENAPI,
        "",
    ),
    (
        "broken-ref",
        _edit(OPENAPI, "../schemas/text-to-video-request.json", "../schemas/nope.json"),
        "refs-resolve",
        OPENAPI,
        "/paths/~1api~1v1~1text-to-video.php/post/requestBody/content/application~1json/schema",
    ),
    (
        "unknown-keyword",
        _edit("schemas/video-options.json", '"maxLength": 2000', '"maxLenght": 2000'),
        "keywords-known",
        "schemas/video-options.json",
        "/$defs/prompt/maxLenght",
    ),
    (
        "schema-example-invalid",
        _edit("schemas/rate-limit.json", '{"count": 1, "limit": 30', '{"count": -1, "limit": 30'),
        "schema-examples-valid",
        "schemas/rate-limit.json",
        "/examples/0",
    ),
    (
        "contract-example-invalid",
        _edit(OPENAPI, "video_id: vid_a1b2c3d4e5f6", "video_id: 123"),
        "contract-examples-valid",
        OPENAPI,
        "/components/responses/Generated/content/application~1json/example",
    ),
    (
        "metaschema-violation",
        _edit("schemas/video-id.json", '"type": "string"', '"type": "strnig"'),
        "schemas-valid",
        "schemas/video-id.json",
        "/type",
    ),
    (
        "openapi-invalid",
        _edit(OPENAPI, "openapi: 3.1.0", "openapi: 3.1.0\nwebhooks: 7"),
        "openapi-valid",
        OPENAPI,
        "/webhooks",
    ),
    (
        "auth-message-not-in-schema",
        _edit("contracts/auth.yaml", "text: Invalid API key format", "text: Bad key format"),
        "auth-table-consistent",
        "contracts/auth.yaml",
        "/outcomes",
    ),
    (
        "auth-method-renamed",
        _edit("contracts/auth.yaml", "name: X-API-Key", "name: X-Api-Token"),
        "auth-table-consistent",
        "contracts/auth.yaml",
        "/methods/1",
    ),
    (
        "conflict-points-nowhere",
        _edit("contracts/conflicts.yaml", "#/$defs/prompt/maxLength", "#/$defs/prompt/max"),
        "conflicts-resolve",
        "contracts/conflicts.yaml",
        "/conflicts/0/where",
    ),
]


def test_shipped_contract_passes_every_check() -> None:
    results = run_checks()
    assert [c.id for c, _ in results] == [c.id for c in CHECKS]
    assert [str(p) for _, found in results for p in found] == []


@pytest.mark.parametrize(
    ("edit", "check_id", "file", "pointer"),
    [row[1:] for row in BREAKAGES],
    ids=[row[0] for row in BREAKAGES],
)
def test_breakage_is_named_by_file_and_pointer(
    tree: Path, edit: Callable[[Path], None], check_id: str, file: str, pointer: str
) -> None:
    edit(tree)
    failed = {check.id: problems for check, problems in run_checks(tree) if problems}
    assert check_id in failed, failed
    assert any(p.path == tree / file and p.pointer.startswith(pointer) for p in failed[check_id]), [
        str(p) for p in failed[check_id]
    ]


def test_check_ids_are_unique_and_kebab_case() -> None:
    ids = [check.id for check in CHECKS]
    assert len(set(ids)) == len(ids)
    assert all(i == i.lower() and " " not in i and "_" not in i for i in ids)


def test_folder_without_contract_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="has no contracts/ and schemas/"):
        run_checks(tmp_path)
