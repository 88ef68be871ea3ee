"""Tests for nbkit.audit.sources.history: raw object parsing."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nbkit.audit.sources.history import (
    _changes,
    _read_batch,
    commit_message,
    message,
    parse_range,
    split_objects,
)
from nbkit.errors import UsageError


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


@pytest.mark.parametrize(
    ("spec", "revs"),
    [
        ("main", ("main", "HEAD")),
        ("origin/main..HEAD~2", ("origin/main", "HEAD~2")),
        ("v1..", ("v1", "HEAD")),
        ("..topic", ("HEAD", "topic")),
        ("abc123", ("abc123", "HEAD")),
    ],
)
def test_parse_range_reads_git_log_forms(spec: str, revs: tuple[str, str]) -> None:
    assert parse_range(spec) == revs


revision = st.text(st.characters(blacklist_characters="."), min_size=1, max_size=12)


@given(option=revision.map(lambda text: "-" + text), other=revision, where=st.integers(0, 2))
def test_parse_range_rejects_every_option_looking_revision(
    option: str, other: str, where: int
) -> None:
    spec = [option, f"{option}..{other}", f"{other}..{option}"][where]
    with pytest.raises(UsageError, match="is not a revision"):
        parse_range(spec)


@given(st.text(max_size=12), st.sampled_from("\n\r\t\x00\x1b"), st.text(max_size=12))
def test_parse_range_rejects_control_characters(head: str, control: str, tail: str) -> None:
    with pytest.raises(UsageError):
        parse_range(head + control + tail)


def test_changes_reads_plain_and_combined_raw_lines() -> None:
    plain = b"H\0A\0D\0\n:100644 100644 " + b"1" * 40 + b" " + b"2" * 40 + b" M\0a.py\0"
    merge = b"H\0A\0D\0\0::100644 100644 100644 " + b"1" * 40 + b" " + b"2" * 40 + b" "
    merge += b"3" * 40 + b" MM\0b.py\0"
    assert [(meta[-2][:1], path) for meta, path in _changes(plain.split(b"\0"))] == [
        (b"2", b"a.py")
    ]
    assert [(meta[-2][:1], path) for meta, path in _changes(merge.split(b"\0"))] == [
        (b"3", b"b.py")
    ]
