"""Reading documents and resolving refs across files."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbkit.contract import CONTRACT_FILE, dereference, read_document
from nbkit.contract.openapi import load_openapi, operations
from nbkit.errors import InputError


def test_contract_has_no_ref_left_after_dereference() -> None:
    assert '"$ref"' not in repr(load_openapi()).replace("'", '"')


def test_refs_into_schemas_are_inlined() -> None:
    text_to_video = next(op for op in operations() if op.id == "textToVideo")
    assert text_to_video.request_schema["properties"]["prompt"]["maxLength"] == 2000


def test_broken_ref_names_file_and_pointer(tmp_path: Path) -> None:
    doc = tmp_path / "a.yaml"
    doc.write_text("paths:\n  /x:\n    schema: {$ref: 'missing.json'}\n")
    with pytest.raises(InputError) as caught:
        dereference(read_document(doc), base_uri=doc.as_uri())
    assert str(caught.value) == f"{doc}#/paths/~1x/schema: cannot resolve $ref 'missing.json'"


def test_recursive_ref_is_left_in_place(tmp_path: Path) -> None:
    doc = tmp_path / "tree.json"
    doc.write_text('{"properties": {"child": {"$ref": "#"}}, "type": "object"}')
    resolved = dereference(read_document(doc), base_uri=doc.as_uri())
    assert resolved["properties"]["child"] == {"$ref": "#"}


def test_sibling_keywords_of_a_ref_are_kept(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text('{"type": "string", "description": "b"}')
    doc = tmp_path / "a.json"
    doc.write_text('{"$ref": "b.json", "description": "a"}')
    assert dereference(read_document(doc), base_uri=doc.as_uri()) == {
        "type": "string",
        "description": "a",
    }


def test_yaml_error_names_file_and_line(tmp_path: Path) -> None:
    doc = tmp_path / "bad.yaml"
    doc.write_text("a: [1, 2\nb: 3\n")
    with pytest.raises(InputError, match=r"bad.yaml: not valid YAML or JSON \(line 2"):
        read_document(doc)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_document(tmp_path / "nope.yaml")


def test_contract_file_ships_with_the_package() -> None:
    assert CONTRACT_FILE.is_file()
