"""Golden test: the old single-page docs against the current contract list the vendor's changes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import pytest

from nbkit.cli import main
from nbkit.contract.load import CONTRACT_FILE, HISTORY_DIR
from nbkit.diff.change import Change, Level
from nbkit.diff.compare import compare
from nbkit.diff.revision import read_file

REPO: Final = Path(__file__).resolve().parents[2]
EXPECTED: Final = REPO / "tests" / "data" / "expected" / "diff"
HISTORY: Final = HISTORY_DIR / "documentation-php.openapi.yaml"
# Set to rewrite the golden files after a deliberate change to the contract or the rules.
UPDATE: Final = os.environ.get("NBKIT_UPDATE_GOLDEN") == "1"
T2V: Final = "/api/v1/text-to-video.php"
I2V: Final = "/api/v1/image-to-video.php"
STATUS: Final = "/api/v1/video-status.php"


@pytest.fixture(scope="module")
def changes() -> tuple[Change, ...]:
    return compare(read_file(HISTORY), read_file(CONTRACT_FILE))


def _find(changes: tuple[Change, ...], rule_id: str, path: str | None, suffix: str) -> Change:
    found = [
        c for c in changes if c.rule_id == rule_id and c.path == path and c.pointer.endswith(suffix)
    ]
    assert len(found) == 1, (rule_id, path, suffix, found)
    return found[0]


@pytest.mark.parametrize(
    ("rule_id", "path", "suffix", "level", "before", "after"),
    [
        ("request-max-length-loosened", T2V, "/prompt/maxLength", Level.INFO, 500, 2000),
        ("request-max-length-loosened", I2V, "/prompt/maxLength", Level.INFO, 500, 2000),
        ("request-default-changed", T2V, "/resolution/default", Level.WARNING, "720p", "480p"),
        ("request-property-added-optional", T2V, "/video_model", Level.INFO, None, "video_model"),
        (
            "request-property-added-optional",
            T2V,
            "/motion_intensity",
            Level.INFO,
            None,
            "motion_intensity",
        ),
        (
            "request-property-renamed",
            I2V,
            "/properties/image_url",
            Level.BREAKING,
            "image_urls",
            "image_url",
        ),
        ("request-type-changed", I2V, "/image_url/type", Level.BREAKING, "array", "string"),
        (
            "request-type-changed",
            STATUS,
            "/parameters/0/schema/type",
            Level.BREAKING,
            "integer",
            "string",
        ),
        ("response-type-changed", T2V, "/video_id/type", Level.BREAKING, "integer", "string"),
        ("response-property-removed", STATUS, "/properties/status", Level.BREAKING, "status", None),
        (
            "security-preferred-method-changed",
            T2V,
            "/security",
            Level.INFO,
            "apiKey header x-api-key",
            "http bearer",
        ),
        ("security-key-prefix-changed", None, "/pattern", Level.BREAKING, None, "nb_"),
    ],
)
def test_history_diff_lists_the_vendor_change(
    changes: tuple[Change, ...],
    rule_id: str,
    path: str | None,
    suffix: str,
    level: Level,
    before: object,
    after: object,
) -> None:
    change = _find(changes, rule_id, path, suffix)
    assert (change.level, change.before, change.after) == (level, before, after)


def test_history_diff_lists_the_rate_limit_going_from_10_to_30(changes: tuple[Change, ...]) -> None:
    for path in (T2V, I2V):
        change = _find(changes, "rate-limit-raised", path, "/x-nbkit-rate-limit")
        assert change.level is Level.INFO
        assert change.before == {"limit": 10, "window_seconds": 1800}
        assert change.after == {"limit": 30, "window_seconds": 1800}


def test_history_diff_runs_no_auth_rules_without_an_old_auth_table(
    changes: tuple[Change, ...],
) -> None:
    # The auth-schema-message rules judge the 401/403 schemas of the contract itself.
    table_rules = [
        change
        for change in changes
        if change.rule_id.startswith("auth-") and not change.rule_id.startswith("auth-schema-")
    ]
    assert not table_rules


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("table", "history.txt"),
        ("json", "history.json"),
        ("markdown", "history.md"),
        ("junit", "history.xml"),
    ],
)
def test_history_diff_report_matches_golden(
    fmt: str, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["diff", "--format", fmt, str(HISTORY), str(CONTRACT_FILE)])
    out = capsys.readouterr().out
    golden = EXPECTED / name
    if UPDATE:
        golden.write_text(out, encoding="utf-8")
    assert code == 1
    assert out == golden.read_text(encoding="utf-8")
