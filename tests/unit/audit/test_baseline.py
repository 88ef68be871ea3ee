"""Tests for nbkit.audit.baseline: fingerprints and paths only, stable across edits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbkit.audit.baseline import identity, load_baseline, render_baseline, write_baseline
from nbkit.audit.finding import Finding, KeyVerdict, Location
from nbkit.errors import InputError
from nbkit.keys import fingerprint, new_key, redact


def _finding(key: str, path: str, line: int) -> Finding:
    return Finding(
        "nb-api-key", KeyVerdict.KEY, Location(path, line, 1), redact(key), fingerprint(key)
    )


def test_roundtrip_keeps_fingerprint_and_path(tmp_path: Path) -> None:
    key = new_key()
    path = tmp_path / "baseline.json"
    write_baseline(path, [_finding(key, "a.py", 3), _finding(key, "a.py", 9)])
    assert load_baseline(path) == frozenset({(fingerprint(key), "a.py")})


def test_baseline_holds_no_key_and_no_line(tmp_path: Path) -> None:
    key = new_key()
    text = render_baseline([_finding(key, "a.py", 42)])
    assert key[3:] not in text
    assert key[3:9] not in text
    (row,) = json.loads(text)["findings"]
    assert set(row) == {"path", "fingerprint", "rule_id"}


def test_render_is_sorted_and_stable() -> None:
    keys = [new_key() for _ in range(3)]
    findings = [_finding(k, f"p{i}.py", 1) for i, k in enumerate(keys)]
    assert render_baseline(findings) == render_baseline(reversed(findings))


@pytest.mark.parametrize(
    "text,message",
    [("{", "not valid JSON"), ('{"version": 9, "findings": []}', "not an nbkit baseline"),
     ("[]", "not an nbkit baseline"), ('{"version": 1, "findings": [{"path": 1}]}', "fingerprint")],
    ids=["json", "version", "shape", "row"],
)  # fmt: skip
def test_bad_baselines_are_input_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_baseline(path)


def test_missing_baseline_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--update-baseline"):
        load_baseline(tmp_path / "absent.json")


def test_a_key_in_a_path_is_stored_redacted_and_still_matches(tmp_path: Path) -> None:
    key, folder = new_key(), new_key()
    found = _finding(key, f"{folder}/a.env", 1)
    path = tmp_path / "baseline.json"
    write_baseline(path, [found])
    assert folder[3:11] not in path.read_text(encoding="utf-8")
    assert identity(found) in load_baseline(path)
    # A baseline written before paths were redacted matches as well.
    row = {"path": found.location.path, "fingerprint": fingerprint(key), "rule_id": "x"}
    path.write_text(json.dumps({"version": 1, "findings": [row]}), encoding="utf-8")
    assert identity(found) in load_baseline(path)
