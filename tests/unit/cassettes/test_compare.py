"""Tests for nbkit.cassettes.compare: what changed between two recordings."""

from __future__ import annotations

from pathlib import Path

import yaml

from nbkit.cassettes.cassette import Interaction, parse_cassette
from nbkit.cassettes.compare import diff_interactions, diff_trees

from .conftest import GENERATED, MakeDoc


def _one(document: dict[str, object]) -> Interaction:
    return parse_cassette(document, "c.yaml")[0]


def test_same_answer_no_change(doc: MakeDoc) -> None:
    assert diff_interactions(_one(doc()), _one(doc())) == ()


def test_type_field_and_message_changes(doc: MakeDoc) -> None:
    old = {**GENERATED, "extra": "x"}
    new = {**GENERATED, "video_id": 7, "added": {"n": 1}}
    del new["credits_used"]
    found = diff_interactions(_one(doc(body=old)), _one(doc(body=new)))
    assert found == (
        ("field-removed", "/credits_used (integer)", "-"),
        ("field-removed", "/extra (string)", "-"),
        ("field-added", "-", "/added (object)"),
        ("field-added", "-", "/added/n (integer)"),
        ("type", "/video_id string", "/video_id integer"),
    )


def test_status_and_message(doc: MakeDoc) -> None:
    old = doc(status=401, body={"success": False, "error": "Invalid API key"})
    new = doc(status=403, body={"success": False, "error": "API access requires the API plan"})
    found = diff_interactions(_one(old), _one(new))
    assert found == (
        ("status", "401", "403"),
        ("message", "Invalid API key", "API access requires the API plan"),
    )


def test_body_no_longer_json(doc: MakeDoc) -> None:
    found = diff_interactions(_one(doc()), _one(doc(body="<html>")))
    assert found == (("body-json", "JSON", "not JSON"),)


def test_trees_match_by_cassette_and_request(tmp_path: Path, doc: MakeDoc) -> None:
    for side, video_id in (("old", "vid_aaaa"), ("new", "vid_bbbb")):
        (tmp_path / side).mkdir()
        # Different video ids in the query still match: the server made them.
        status = doc(method="GET", path="/api/v1/video-status.php", query=f"video_id={video_id}",
                     body={"success": False, "error": "Video not found"}, status=404)  # fmt: skip
        (tmp_path / side / "status.yaml").write_text(yaml.safe_dump(status))
    (tmp_path / "old" / "gone.yaml").write_text(yaml.safe_dump(doc()))
    (tmp_path / "new" / "new.yaml").write_text(yaml.safe_dump(doc()))
    found = [(d.cassette, d.change) for d in diff_trees(tmp_path / "old", tmp_path / "new")]
    assert found == [("gone.yaml", "only-in-old"), ("new.yaml", "only-in-new")]


def test_two_files_are_two_recordings_of_one_cassette(tmp_path: Path, doc: MakeDoc) -> None:
    (tmp_path / "old.yaml").write_text(yaml.safe_dump(doc()))
    (tmp_path / "new.yaml").write_text(yaml.safe_dump(doc(status=500, body="oops")))
    found = [
        (d.cassette, d.change) for d in diff_trees(tmp_path / "old.yaml", tmp_path / "new.yaml")
    ]
    assert found == [("new.yaml", "status"), ("new.yaml", "body-json")]
