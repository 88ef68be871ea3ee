"""Tests for nbkit.audit.verify: the status table and its safety checks."""

from __future__ import annotations

import pytest

from nbkit.audit.verify import OUTCOMES, KeyStatus, probe_url, status_of, verify_keys
from nbkit.errors import UsageError
from nbkit.keys import fingerprint, new_key


@pytest.mark.parametrize("row", OUTCOMES, ids=[str(row.http_status) for row in OUTCOMES])
def test_each_status_row(row: object) -> None:
    assert status_of(row.http_status) is row.status  # type: ignore[attr-defined]


def test_unlisted_status_is_unknown() -> None:
    assert status_of(500) is KeyStatus.UNKNOWN
    assert status_of(429) is KeyStatus.UNKNOWN


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
