"""Reading a side from a file: validation, the auth table beside it, the key schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbkit.diff.revision import read_file, read_side
from nbkit.errors import InputError

CONTRACT = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_auth_table_beside_the_contract_is_read(tmp_path: Path) -> None:
    contract = _write(tmp_path / "contracts" / "c.yaml", CONTRACT)
    _write(tmp_path / "contracts" / "auth.yaml", "outcomes: {}\n")
    assert read_file(contract).auth == {"outcomes": {}}


def test_explicit_auth_path_wins_and_none_without_a_table(tmp_path: Path) -> None:
    contract = _write(tmp_path / "c.yaml", CONTRACT)
    assert read_file(contract).auth is None
    other = _write(tmp_path / "other.auth.yaml", "conditions: []\n")
    assert read_file(contract, auth_path=other).auth == {"conditions": []}


def test_auth_table_that_is_not_a_mapping_is_an_input_error(tmp_path: Path) -> None:
    contract = _write(tmp_path / "c.yaml", CONTRACT)
    _write(tmp_path / "auth.yaml", "- a list\n")
    with pytest.raises(InputError, match="not an auth decision table"):
        read_file(contract)


def test_key_schema_comes_from_components_first(tmp_path: Path) -> None:
    text = CONTRACT + "components: {schemas: {ApiKey: {type: string, pattern: '^nb_'}}}\n"
    snapshot = read_file(_write(tmp_path / "contracts" / "c.yaml", text))
    assert (snapshot.key_schema, snapshot.key_pointer) == (
        {"type": "string", "pattern": "^nb_"},
        "/components/schemas/ApiKey",
    )


def test_key_schema_falls_back_to_the_schemas_folder(tmp_path: Path) -> None:
    contract = _write(tmp_path / "contracts" / "c.yaml", CONTRACT)
    assert read_file(contract).key_schema is None
    _write(tmp_path / "schemas" / "api-key.json", json.dumps({"pattern": "^nb_"}))
    snapshot = read_file(contract)
    assert (snapshot.key_schema, snapshot.key_pointer) == (
        {"pattern": "^nb_"},
        "../schemas/api-key.json#",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("swagger: '2.0'\npaths: {}\n", "not an OpenAPI 3 document"),
        ("[1, 2]\n", "not an OpenAPI 3 document"),
        ("openapi: 3.1.0\npaths: [a]\n", "`paths` is not a mapping"),
    ],
)
def test_non_openapi_documents_are_input_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_file(_write(tmp_path / "c.yaml", text))


def test_an_existing_file_with_a_colon_in_its_name_is_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "v1:c.yaml", CONTRACT)
    monkeypatch.chdir(tmp_path)
    assert read_side("v1:c.yaml").document["openapi"] == "3.1.0"
