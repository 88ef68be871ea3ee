"""Tests for nbkit.audit.report.sarif: valid SARIF 2.1.0, as GitHub code scanning wants."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from nbkit.audit.classify import CLASSIFIERS
from nbkit.audit.finding import Finding, KeyVerdict, Location, Suppression
from nbkit.audit.report.sarif import render
from nbkit.keys import fingerprint, new_key, redact

SCHEMA = Path(__file__).parents[3] / "data" / "audit" / "sarif-schema-2.1.0.json"


def _findings() -> list[Finding]:
    key = new_key()
    return [
        Finding(
            "nb-api-key",
            KeyVerdict.KEY,
            Location("src/a b.py", 3, 7),
            redact(key),
            fingerprint(key),
        ),
        Finding(
            "nb-api-key",
            KeyVerdict.KEY,
            Location("x.zip!in/c.env", 1, 1, "c" * 40, "A", "2026-01-01"),
            redact(key),
            fingerprint(key),
            "base64",
            Suppression.INLINE,
        ),
        Finding(
            "placeholder-word", KeyVerdict.PLACEHOLDER, Location("d.md", 9, 2), "nb_YO…RE", "0" * 64
        ),
    ]


def test_output_validates_against_the_sarif_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(render(_findings()))
    jsonschema.Draft4Validator.check_schema(schema)
    jsonschema.Draft4Validator(schema).validate(log)


def test_empty_report_validates_too() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(json.loads(render([])))


def test_results_point_at_rules_and_carry_fingerprints() -> None:
    log = json.loads(render(_findings()))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [row.id for row in CLASSIFIERS]
    first, second, third = run["results"]
    assert rules[first["ruleIndex"]]["id"] == first["ruleId"] == "nb-api-key"
    assert first["level"] == "error" and third["level"] == "note"
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/a%20b.py"
    assert second["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "x.zip!in/c.env"
    assert second["suppressions"] == [{"kind": "inSource", "justification": "inline-allow"}]
    assert len(first["partialFingerprints"]["nbkitKeySha256/v1"]) == 64
