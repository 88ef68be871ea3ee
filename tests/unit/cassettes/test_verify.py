"""Tests for nbkit.cassettes.verify: cassettes judged by the conformance checks; key audit."""

from __future__ import annotations

from pathlib import Path

import yaml

from nbkit.cassettes.cassette import parse_cassette
from nbkit.cassettes.verify import Drift, check_interaction, check_tree
from nbkit.keys import fingerprint, new_key

from .conftest import GENERATED, MakeDoc


def _drifts(document: dict[str, object]) -> list[tuple[str, str, str]]:
    (item,) = parse_cassette(document, "c.yaml")
    return [(d.check, d.expected, d.recorded) for d in check_interaction(item)]


def test_documented_answer_has_no_drift(doc: MakeDoc) -> None:
    assert _drifts(doc()) == []


def test_integer_video_id_is_exactly_one_drift(doc: MakeDoc) -> None:
    found = _drifts(doc(body={**GENERATED, "video_id": 123}))
    assert found == [("body-schema", "/video_id type: string", "123 (integer)")]


def test_changed_auth_message_is_one_drift_not_two(doc: MakeDoc) -> None:
    body = {"success": False, "error": "Key not valid"}
    found = _drifts(doc(request_headers={"x-api-key": ["nb_PLACEHOLDER_REVOKED"]}, status=401,
                        body=body, headers={}))  # fmt: skip
    assert found == [("auth-answer", "401 Invalid API key", "401 Key not valid")]


def test_valid_key_refused_is_drift(doc: MakeDoc) -> None:
    body = {"success": False, "error": "Invalid API key"}
    found = _drifts(doc(status=401, body=body, headers={}))
    assert [f[0] for f in found] == ["auth-answer"]


def test_undocumented_status(doc: MakeDoc) -> None:
    found = _drifts(doc(status=418, body={"success": False, "error": "teapot"}, headers={}))
    assert found[0] == ("status-documented", "status 200 / 400 / 401 / 403 / 405 / 429 / 500",
                        "status 418")  # fmt: skip


def test_missing_rate_limit_header_and_retry_after(doc: MakeDoc) -> None:
    found = _drifts(doc(headers={"x-ratelimit-limit": ["30"], "x-ratelimit-reset": ["1"]}))
    assert found == [("required-headers", "header X-RateLimit-Remaining", "absent")]
    limited = {
        "success": False,
        "error": "Rate limit exceeded.",
        "rate_limit": {**GENERATED["rate_limit"], "count": 30, "remaining": 0},
    }
    found = _drifts(doc(status=429, body=limited))
    assert ("required-headers", "header Retry-After", "absent") in found


def test_wrong_method_must_be_405(doc: MakeDoc) -> None:
    body = {"success": False, "error": "Method not allowed"}
    assert _drifts(doc(method="GET", status=405, body=body, headers={})) == []
    found = _drifts(doc(method="GET", status=200, headers={}))
    assert found[0][:2] == ("status-documented", "status 405")


def test_not_json_and_unknown_path(doc: MakeDoc) -> None:
    assert _drifts(doc(body="<html>oops</html>", headers={}))[0][0] == "body-json"
    assert _drifts(doc(path="/api/v1/other.php"))[0] == (
        "operation-documented",
        "a documented path",
        "POST /api/v1/other.php",
    )


def test_tree_reports_a_planted_key_by_fingerprint_only(tmp_path: Path, doc: MakeDoc) -> None:
    planted = new_key()
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "clean.yaml").write_text(yaml.safe_dump(doc()))
    (tmp_path / "g" / "leak.yaml").write_text(yaml.safe_dump(doc(body={**GENERATED, "k": planted})))
    report = check_tree(tmp_path)
    assert (report.cassettes, report.interactions) == (2, 2)
    assert [(k.path.endswith("leak.yaml"), k.fingerprint) for k in report.keys] == [
        (True, fingerprint(planted))
    ]
    assert planted not in repr(report)
    assert not report.clean


def test_drift_names_cassette_and_interaction(tmp_path: Path, doc: MakeDoc) -> None:
    (tmp_path / "x.yaml").write_text(yaml.safe_dump(doc(body={**GENERATED, "video_id": 1})))
    (drift,) = check_tree(tmp_path).drifts
    assert drift == Drift(
        "x.yaml",
        "#1 POST /api/v1/text-to-video.php (bearer, valid)",
        "body-schema",
        "/video_id type: string",
        "1 (integer)",
    )


def test_success_to_a_body_the_contract_refuses_is_a_drift(doc: MakeDoc) -> None:
    found = _drifts(doc(request_body="{}"))
    assert [check for check, _, _ in found] == ["refused-request-served"]
