"""Tests for nbkit.audit.report: RENDERERS and what every format must hold."""

from __future__ import annotations

import pytest

from nbkit.audit.finding import Finding, KeyVerdict, Location, Suppression
from nbkit.audit.report import RENDERERS, renderer
from nbkit.keys import fingerprint, new_key, redact


def _findings(key: str) -> list[Finding]:
    return [
        Finding(
            "nb-api-key", KeyVerdict.KEY, Location("a.py", 3, 7), redact(key), fingerprint(key)
        ),
        Finding(
            "nb-api-key",
            KeyVerdict.KEY,
            Location("dist/x.zip!in/b.env", 1, 1, "c" * 40, "Ann", "2026-01-01"),
            redact(key),
            fingerprint(key),
            "base64",
            Suppression.BASELINE,
            "active",
        ),
    ]


@pytest.mark.parametrize("fmt", tuple(RENDERERS))
def test_no_format_ever_prints_the_key(fmt: str) -> None:
    key = new_key()
    text = renderer(fmt)(_findings(key))
    assert key[3:] not in text
    assert key[3:12] not in text
    assert redact(key) in text


@pytest.mark.parametrize("fmt", tuple(RENDERERS))
def test_every_format_renders_nothing_found(fmt: str) -> None:
    assert renderer(fmt)([]).endswith("\n")


@pytest.mark.parametrize("fmt", tuple(RENDERERS))
def test_rendering_is_deterministic(fmt: str) -> None:
    findings = _findings(new_key())
    assert renderer(fmt)(findings) == renderer(fmt)(list(findings))


def test_lookup_of_a_format_the_audit_does_not_render_fails() -> None:
    for name in ("xml", "junit"):
        with pytest.raises(KeyError):
            renderer(name)


def test_table_shows_location_and_archive_member() -> None:
    text = renderer("table")(_findings(new_key()))
    assert "a.py:3:7" in text and "dist/x.zip!in/b.env:1:1" in text


def test_markdown_is_a_github_table() -> None:
    text = renderer("markdown")(_findings(new_key()))
    assert "| Location" in text and "`a.py:3:7`" in text


@pytest.mark.parametrize("fmt", tuple(RENDERERS))
def test_no_format_prints_a_key_from_a_path_member_author_or_commit(fmt: str) -> None:
    key, folder, member, author = new_key(), new_key(), new_key(), new_key()
    where = Location(f"{folder}/x.zip!{member}.env", 1, 1, "c" * 40, author, "2026-01-01")
    found = Finding("nb-api-key", KeyVerdict.KEY, where, redact(key), fingerprint(key))
    text = renderer(fmt)([found])
    for planted in (key, folder, member, author):
        assert planted[3:11] not in text
    # The whole run is redacted, the path below the folder too. SARIF encodes the `…`.
    assert redact(f"{folder}/x.zip") in text or fmt == "sarif"
