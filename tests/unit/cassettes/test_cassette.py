"""Tests for nbkit.cassettes.cassette: reading, and errors naming file and interaction."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nbkit.cassettes.cassette import cassette_files, load_cassette, parse_cassette
from nbkit.cassettes.scenarios import AuthMethod
from nbkit.contract import KeyRole
from nbkit.errors import InputError

from .conftest import MakeDoc


def test_interaction_knows_method_path_credential_and_role(doc: MakeDoc) -> None:
    (item,) = parse_cassette(doc(request_headers={"X-API-Key": ["nb_PLACEHOLDER_NO_PLAN"]}), "c")
    assert (item.method, item.path, item.status) == ("POST", "/api/v1/text-to-video.php", 200)
    assert item.credential == (AuthMethod.HEADER, "nb_PLACEHOLDER_NO_PLAN")
    assert item.role is KeyRole.NO_PLAN
    assert item.label == "#1 POST /api/v1/text-to-video.php (header, no-plan)"


def test_query_key_and_no_key(doc: MakeDoc) -> None:
    (query,) = parse_cassette(doc(query="api_key=PLACEHOLDER_MALFORMED", request_headers={}), "c")
    assert query.credential == (AuthMethod.QUERY, "PLACEHOLDER_MALFORMED")
    assert query.role is KeyRole.MALFORMED
    (none,) = parse_cassette(doc(request_headers={}), "c")
    assert none.role is KeyRole.NONE


def test_a_value_that_is_not_a_placeholder_has_no_role(doc: MakeDoc) -> None:
    (item,) = parse_cassette(doc(request_headers={"X-API-Key": ["something"]}), "c")
    assert item.role is None
    assert "something" not in item.label


def test_not_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("interactions:\n- request: [\n")
    with pytest.raises(InputError, match=r"bad\.yaml: not valid YAML \(line \d+\)"):
        load_cassette(path)


def test_not_a_cassette_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n")
    with pytest.raises(InputError, match=r"list\.yaml: not a vcrpy cassette"):
        load_cassette(path)


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["interactions"][1]["response"]["status"].update(code="two hundred"),
        lambda d: d["interactions"][1].pop("response"),
        lambda d: d["interactions"][1]["request"].update(uri=None),
        lambda d: d["interactions"][1]["response"].update(headers=["x"]),
    ],
    ids=["status-not-integer", "no-response", "uri-missing", "headers-not-mapping"],
)
def test_hand_edited_interaction_is_named(tmp_path: Path, doc: MakeDoc, edit: object) -> None:
    document = doc()
    document["interactions"].append(doc()["interactions"][0])
    edit(document)  # type: ignore[operator]
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(InputError, match=r"edited\.yaml: interaction #2: malformed"):
        load_cassette(path, name="edited.yaml")


def test_cassette_files_sorted_and_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such cassette folder"):
        cassette_files(tmp_path / "nowhere")
    with pytest.raises(InputError, match="no cassettes"):
        cassette_files(tmp_path)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.yaml").write_text("{}")
    (tmp_path / "a.yml").write_text("{}")
    (tmp_path / "notes.txt").write_text("")
    assert cassette_files(tmp_path) == (tmp_path / "a.yml", tmp_path / "b" / "x.yaml")
