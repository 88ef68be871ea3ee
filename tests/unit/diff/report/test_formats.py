"""The four report formats render the same changes; RENDERERS lists them all."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import pytest

from nbkit.diff.change import Change, Direction, Level
from nbkit.diff.report import RENDERERS, junit, markdown, table
from nbkit.diff.report import json as json_report

CHANGES = (
    Change(
        "request-pattern-added",
        Level.BREAKING,
        Direction.REQUEST,
        "POST",
        "/v",
        "/paths/~1v/post/requestBody/content/application~1json/schema/properties/a/pattern",
        None,
        "^(a|b)$",
    ),
    Change(
        "request-default-changed",
        Level.WARNING,
        Direction.REQUEST,
        "POST",
        "/v",
        "/p",
        "720p",
        "480p",
    ),
    Change(
        "response-property-added", Level.INFO, Direction.RESPONSE, "POST", "/v", "/q", None, "video"
    ),
)


def test_renderers_list_every_format() -> None:
    assert set(RENDERERS) == {"table", "json", "markdown", "junit"}


@pytest.mark.parametrize("name", ["table", "json", "markdown", "junit"])
def test_every_format_renders_no_changes(name: str) -> None:
    assert RENDERERS[name]((), fail_on=Level.BREAKING).endswith("\n")


def test_table_has_a_row_per_change_and_the_counts() -> None:
    text = table.render(CHANGES, fail_on=Level.WARNING)
    assert text.count("\n") == len(CHANGES) + 4
    assert text.endswith("1 breaking, 1 warning, 1 info (fails at --fail-on warning)\n")
    assert "request body: a.pattern" in text


def test_table_for_no_changes_says_so() -> None:
    assert (
        table.render(())
        == "no changes\n0 breaking, 0 warning, 0 info (passes at --fail-on breaking)\n"
    )


def test_json_round_trips_the_values_unclipped() -> None:
    document = json.loads(json_report.render(CHANGES, fail_on=Level.BREAKING))
    assert document["summary"]["failed"] is True
    assert [change["after"] for change in document["changes"]] == ["^(a|b)$", "480p", "video"]
    assert list(document["changes"][0]) == [
        "rule_id",
        "level",
        "direction",
        "method",
        "path",
        "pointer",
        "before",
        "after",
    ]


def test_markdown_escapes_pipes_and_bolds_breaking() -> None:
    text = markdown.render(CHANGES)
    assert text.startswith(
        "### nbkit diff: 1 breaking, 1 warning, 1 info (fails at --fail-on breaking)\n"
    )
    assert "| **breaking** | `request-pattern-added` |" in text
    assert "`^(a\\|b)$`" in text
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert all(len(re.split(r"(?<!\\)\|", line)) == 8 for line in rows)


def test_junit_fails_cases_that_meet_the_threshold() -> None:
    root = ElementTree.fromstring(junit.render(CHANGES, fail_on=Level.WARNING).encode())
    assert (root.get("tests"), root.get("failures")) == ("3", "2")
    failed = [
        case.get("classname") for case in root.iter("testcase") if case.find("failure") is not None
    ]
    assert failed == ["request-pattern-added", "request-default-changed"]
