"""Reading documents and resolving refs across files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nbkit.contract import CONTRACT_FILE, dereference, read_document
from nbkit.contract.load import MAX_ALIAS_NODES, MAX_DEPTH, parse_document
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


def _laughs(width: int, levels: int) -> str:
    lines = ["l0: &l0 [x]"]
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def _replayed(width: int, levels: int) -> int:
    """Parse events the aliases replay: level k replays `width` copies of level k-1."""
    events = [3]  # l0: sequence start, scalar, sequence end
    for _ in range(levels):
        events.append(2 + width * events[-1])
    return sum(width * events[level - 1] for level in range(1, levels + 1))


def _expansion(width: int, levels: int) -> object:
    value: object = ["x"]
    for _ in range(levels):
        value = [value] * width
    return value


@settings(max_examples=40, deadline=None)
@given(width=st.integers(1, 12), levels=st.integers(0, 12))
def test_alias_expansion_is_bounded(width: int, levels: int) -> None:
    replayed = _replayed(width, levels)
    assume(replayed < MAX_ALIAS_NODES // 2 or replayed > 2 * MAX_ALIAS_NODES)
    text = _laughs(width, levels)
    if replayed > MAX_ALIAS_NODES:
        with pytest.raises(InputError, match="aliases expand to more than"):
            parse_document(text, name="bomb.yaml")
    else:
        document = parse_document(text, name="bomb.yaml")
        assert document[f"l{levels}"] == _expansion(width, levels)


@given(depth=st.integers(1, 3 * MAX_DEPTH), flow=st.booleans())
def test_nesting_deeper_than_the_bound_is_refused(depth: int, flow: bool) -> None:
    text = "[" * depth + "]" * depth if flow else '{"a": ' * depth + "1" + "}" * depth
    if depth > MAX_DEPTH:
        with pytest.raises(InputError, match="nested deeper than"):
            parse_document(text, name="deep.json")
    else:
        parse_document(text, name="deep.json")
        parse_document(text.replace('"a"', "a"), name="deep.yaml")  # as YAML flow


def test_several_yaml_documents_are_refused() -> None:
    with pytest.raises(InputError, match="more than one YAML document"):
        parse_document("- a\n---\n- b\n", name="two.yaml")
    assert parse_document("---\n- a\n", name="one.yaml") == ["a"]


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(InputError, match=r"dup\.yaml: not valid YAML or JSON"):
        parse_document("a: 1\na: 2\n", name="dup.yaml")


def test_tags_build_no_objects() -> None:
    text = "a: !!python/object/apply:os.system ['false']\n"
    assert parse_document(text, name="tag.yaml") == {"a": ["false"]}


def test_merge_key_is_refused_not_dropped() -> None:
    text = "base: &b {type: string}\nfield:\n  <<: *b\n  maxLength: 3\n"
    with pytest.raises(InputError, match=r"merge\.yaml: uses a YAML merge key"):
        parse_document(text, name="merge.yaml")


def test_byte_order_mark_is_not_part_of_the_first_key() -> None:
    assert parse_document("\ufeffa: 1\n".encode(), name="bom.yaml") == {"a": 1}


def test_syntax_error_names_the_line() -> None:
    with pytest.raises(InputError, match=r"bad\.yaml: not valid YAML or JSON \(line 3, column"):
        parse_document("a: 1\nb: [1, 2\nc: 3\n", name="bad.yaml")
