"""`nbkit cassettes record / check / diff` end to end against the embedded mock."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nbkit.cassettes.scenarios import SCENARIOS
from nbkit.keys import fingerprint, new_key


def _nbkit(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nbkit", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("recorded") / "cassettes"
    result = _nbkit("cassettes", "record", "--output", out)
    assert result.returncode == 0, result.stderr
    assert f"{len(SCENARIOS)} cassettes written, 0 skipped" in result.stderr
    return out


@pytest.fixture
def copy(recorded: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(recorded, tmp_path / "cassettes"))


def _edit_body(path: Path, change: dict[str, object]) -> None:
    document = yaml.safe_load(path.read_text())
    body = document["interactions"][0]["response"]["body"]
    body["string"] = json.dumps({**json.loads(body["string"]), **change})
    path.write_text(yaml.safe_dump(document))


def test_fresh_recording_checks_clean(recorded: Path) -> None:
    result = _nbkit("cassettes", "check", recorded)
    assert result.returncode == 0, result.stdout
    assert f"{len(SCENARIOS)} cassettes, {len(SCENARIOS)} interactions, 0 drifts, 0 keys" in (
        result.stderr
    )


def test_check_fails_on_a_planted_key_without_printing_it(copy: Path) -> None:
    planted = new_key()
    _edit_body(copy / "auth" / "video-status-header-valid.yaml", {"debug": planted})
    result = _nbkit("cassettes", "check", copy)
    assert result.returncode == 1
    assert planted not in result.stdout + result.stderr
    assert fingerprint(planted) in result.stdout
    assert "auth/video-status-header-valid.yaml" in result.stdout


def test_check_reports_exactly_the_drift_made(copy: Path) -> None:
    _edit_body(copy / "auth" / "text-to-video-bearer-valid.yaml", {"video_id": 123})
    _edit_body(copy / "status" / "video-status-not-found.yaml", {"error": "No such video"})
    result = _nbkit("cassettes", "check", copy)
    assert result.returncode == 1
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")][1:]
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]
    assert cells == [
        [
            "auth/text-to-video-bearer-valid.yaml",
            "#1 POST /api/v1/text-to-video.php (bearer, valid)",
            "body-schema",
            "/video_id type: string",
            "123 (integer)",
        ],
        [
            "status/video-status-not-found.yaml",
            "#1 GET /api/v1/video-status.php (bearer, valid)",
            "body-schema",
            "/error const: Video not found",
            "No such video (string)",
        ],
    ]
    assert "2 drifts, 0 keys" in result.stderr


def test_corrupt_cassette_is_one_line_naming_file_and_interaction(copy: Path) -> None:
    path = copy / "generation" / "text-to-video-rate-limited.yaml"
    document = yaml.safe_load(path.read_text())
    document["interactions"][0]["response"]["status"] = "429"
    path.write_text(yaml.safe_dump(document))
    result = _nbkit("cassettes", "check", copy)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(
        "nbkit: error: generation/text-to-video-rate-limited.yaml: interaction #1"
    )


def test_unreadable_yaml_is_exit_2(copy: Path) -> None:
    (copy / "auth" / "text-to-video-none-none.yaml").write_text("interactions: [\n")
    result = _nbkit("cassettes", "check", copy)
    assert result.returncode == 2
    assert "auth/text-to-video-none-none.yaml: not valid YAML (line" in result.stderr


def test_diff_shows_what_changed(recorded: Path, copy: Path) -> None:
    assert _nbkit("cassettes", "diff", recorded, copy).returncode == 0
    _edit_body(copy / "auth" / "text-to-video-bearer-valid.yaml", {"video_id": 123})
    _edit_body(copy / "status" / "video-status-not-found.yaml", {"error": "No such video"})
    result = _nbkit("cassettes", "diff", recorded, copy)
    assert result.returncode == 1
    assert "| type " in result.stdout and "/video_id integer" in result.stdout
    assert "| message " in result.stdout and "No such video" in result.stdout
    assert "nbkit: 2 changes" in result.stderr


def test_audit_of_a_recording_finds_nothing(recorded: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, str(root / "audit.py"), str(recorded)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def _uris(root: Path) -> set[str]:
    return {
        interaction["request"]["uri"]
        for path in root.rglob("*.yaml")
        for interaction in yaml.safe_load(path.read_text())["interactions"]
    }


def test_recordings_name_the_documented_base_url(recorded: Path) -> None:
    uris = _uris(recorded)
    assert uris
    assert all(uri.startswith("https://nanobananavideo.com/api/v1/") for uri in uris)
    assert not any("127.0.0.1" in path.read_text() for path in recorded.rglob("*.yaml"))


def test_host_chooses_another_base_url(tmp_path: Path) -> None:
    out = tmp_path / "staging"
    result = _nbkit("cassettes", "record", "--output", out, "--host", "staging.example.test:8443")
    assert result.returncode == 0, result.stderr
    assert all(uri.startswith("https://staging.example.test:8443/api/v1/") for uri in _uris(out))
    bad = _nbkit("cassettes", "record", "--output", out, "--host", "ftp://x/?q=1")
    assert bad.returncode == 2 and bad.stderr.startswith("nbkit: error: --host")


def test_re_recording_changes_no_byte(recorded: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert _nbkit("cassettes", "record", "--output", again).returncode == 0
    first = {p.relative_to(recorded): p.read_bytes() for p in recorded.rglob("*.yaml")}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*.yaml")}
    assert len(first) == len(SCENARIOS)
    assert [name for name in first if first[name] != second.get(name)] == []
