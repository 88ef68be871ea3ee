"""Tests for nbkit.audit.report.json: fields and their order."""

from __future__ import annotations

import json

from nbkit.audit.finding import Finding, KeyVerdict, Location
from nbkit.audit.report.json import render
from nbkit.keys import fingerprint, new_key, redact


def test_each_finding_carries_the_required_fields_in_order() -> None:
    key = new_key()
    finding = Finding(
        "nb-api-key",
        KeyVerdict.KEY,
        Location("o.zip!i/p", 2, 5, "ab" * 20),
        redact(key),
        fingerprint(key),
    )
    document = json.loads(render([finding]))
    (row,) = document["findings"]
    assert list(row)[:10] == [
        "path",
        "line",
        "column",
        "commit",
        "author",
        "date",
        "rule_id",
        "verdict",
        "redacted",
        "fingerprint",
    ]
    assert row["path"] == "o.zip!i/p"
    assert row["commit"] == "ab" * 20
    assert row["fingerprint"] == fingerprint(key)
    assert document["version"] == 1
