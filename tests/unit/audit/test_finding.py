"""Tests for nbkit.audit.finding: values that never hold a key, printable paths."""

from __future__ import annotations

from nbkit.audit.finding import Finding, KeyVerdict, Location, ScanProblem, display_path, for_output
from nbkit.keys import fingerprint, new_key, redact


def test_finding_repr_holds_no_key() -> None:
    key = new_key()
    finding = Finding(
        "nb-api-key", KeyVerdict.KEY, Location("a.py", 1, 1), redact(key), fingerprint(key)
    )
    assert key[3:] not in repr(finding)
    assert key[3:] not in str(finding)


def test_sort_key_orders_path_line_column_rule() -> None:
    def make(path: str, line: int, column: int, rule: str) -> Finding:
        return Finding(rule, KeyVerdict.KEY, Location(path, line, column), "nb_…", "0" * 64)

    items = [make("b", 1, 1, "x"), make("a", 2, 1, "x"), make("a", 1, 5, "x"), make("a", 1, 5, "a")]
    ordered = sorted(items, key=lambda f: f.sort_key)
    assert [(f.location.path, f.location.line, f.location.column, f.rule_id) for f in ordered] == [
        ("a", 1, 5, "a"),
        ("a", 1, 5, "x"),
        ("a", 2, 1, "x"),
        ("b", 1, 1, "x"),
    ]


def test_display_path_escapes_newlines_and_bad_bytes() -> None:
    assert display_path("plain/path.py") == "plain/path.py"
    assert display_path("new\nline.txt") == "new\\nline.txt"
    assert display_path(b"bad\xffname") == "bad\\xffname"
    assert display_path("bad\udcffname") == "bad\\xffname"


def test_for_output_redacts_every_string_field_and_keeps_the_rest() -> None:
    key, folder, author = new_key(), new_key(), new_key()
    where = Location(f"{folder}/a.env", 3, 1, "c" * 40, author, "2026-01-01")
    finding = Finding("nb-api-key", KeyVerdict.KEY, where, redact(key), fingerprint(key))
    shown = for_output(finding)
    assert shown.location == Location(
        redact(f"{folder}/a.env"), 3, 1, "c" * 40, redact(author), "2026-01-01"
    )
    assert shown.verdict is KeyVerdict.KEY
    assert (shown.redacted, shown.fingerprint) == (redact(key), fingerprint(key))
    clean = Finding("nb-api-key", KeyVerdict.KEY, Location("a.py", 1, 1), redact(key), "f")
    assert for_output(clean) is clean
    problem = ScanProblem(f"{folder}/x.zip", "corrupt")
    assert for_output(problem) == ScanProblem(redact(f"{folder}/x.zip"), "corrupt")
