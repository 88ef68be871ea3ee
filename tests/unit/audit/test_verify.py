"""Tests for nbkit.audit.verify: probe answers judged by the auth table, and safety checks."""

from __future__ import annotations

import pytest

from nbkit.audit.verify import KEY_STATUSES, KeyStatus, probe_url, status_of, verify_keys
from nbkit.contract import load_auth_table
from nbkit.errors import UsageError
from nbkit.keys import fingerprint, new_key

TABLE = load_auth_table()


@pytest.mark.parametrize("outcome_id", sorted(KEY_STATUSES))
def test_each_documented_refusal_gives_its_key_status(outcome_id: str) -> None:
    outcome = TABLE.outcomes[outcome_id]
    assert outcome.status is not None
    for message in outcome.messages:
        assert status_of(outcome.status, message.text) is KEY_STATUSES[outcome_id]


def test_every_refusal_outcome_has_a_key_status() -> None:
    refusals = {o.id for o in TABLE.outcomes.values() if o.status is not None}
    assert refusals == set(KEY_STATUSES)


def test_answer_past_the_auth_check_means_active() -> None:
    assert status_of(404, "Video not found") is KeyStatus.ACTIVE
    assert status_of(400, "video_id parameter is required") is KeyStatus.ACTIVE


def test_undocumented_refusal_or_failure_is_unknown() -> None:
    assert status_of(401, "Unauthorized") is KeyStatus.UNKNOWN
    assert status_of(500, "boom") is KeyStatus.UNKNOWN
    assert status_of(429, None) is KeyStatus.UNKNOWN


def test_probe_url_joins_the_base() -> None:
    assert probe_url("https://h/api/v1").endswith(
        "/api/v1/video-status.php?video_id=vid_000000000000"
    )
    assert probe_url("https://h/api/v1/") == probe_url("https://h/api/v1")


def test_plain_http_is_refused_before_any_request() -> None:
    key = new_key()
    with pytest.raises(UsageError, match="not HTTPS") as caught:
        verify_keys({fingerprint(key): key.encode()}, base_url="http://127.0.0.1:9/api/v1/")
    assert key[3:] not in str(caught.value)
