"""Tests for nbkit.audit.sources.history: raw object parsing."""

from __future__ import annotations

import io

from nbkit.audit.sources.history import _read_batch, commit_message, message, split_objects


def test_commit_message_gives_author_date_and_message_offset() -> None:
    raw = (
        b"tree " + b"a" * 40 + b"\n"
        b"author Ada Lovelace <ada@example.invalid> 1767323045 +0130\n"
        b"committer C <c@example.invalid> 1767323045 +0000\n\n"
        b"subject line\n\nbody\n"
    )
    author, date, offset = commit_message(raw)
    assert author == "Ada Lovelace"
    assert date == "2026-01-02T04:34:05+01:30"
    assert raw[offset:] == b"subject line\n\nbody\n"
    assert message(raw) == raw[offset:]


def test_an_object_without_a_blank_line_has_no_message() -> None:
    raw = b"tree x\nauthor A <a@x> 0 +0000\n"
    assert message(raw) == b"" == raw[commit_message(raw)[2] :]


def test_split_objects_keeps_the_listing_order_in_runs_of_about_equal_bytes() -> None:
    objects = [(f"o{n}", "blob", size) for n, size in enumerate([5, 5, 5, 5, 10, 1, 1])]
    chunks = split_objects(objects, 2)
    assert chunks == [["o0", "o1", "o2", "o3"], ["o4", "o5", "o6"]]
    assert split_objects(objects, 1) == [[oid for oid, _, _ in objects]]


def test_tag_objects_use_the_tagger() -> None:
    raw = b"object x\ntype commit\ntag v1\ntagger T <t@x> 0 -0500\n\nrelease\n"
    author, date, offset = commit_message(raw)
    assert (author, date, raw[offset:]) == ("T", "1969-12-31T19:00:00-05:00", b"release\n")


def test_batch_output_is_split_into_objects() -> None:
    stream = io.BytesIO(b"abc blob 3\nxyz\nmissing-id missing\ndef commit 0\n\n")
    objects = [(o.oid, o.kind, o.data) for o in _read_batch(stream)]
    assert objects == [("abc", "blob", b"xyz"), ("def", "commit", b"")]
