"""Tests for nbkit.cassettes.record that need no server: the 500 seed and the request matchers."""

from __future__ import annotations

import pytest
from vcr.request import Request

from nbkit.cassettes.record import MATCH_ON, _credential_matcher, _seed_for_500
from nbkit.mock import Faults
from nbkit.mock.faults import FaultInjector


@pytest.mark.parametrize("count", [1, 3])
def test_seed_gives_only_500s(count: int) -> None:
    injector = FaultInjector(Faults(error_rate=1.0, seed=_seed_for_500(count)))
    assert [injector.error_status() for _ in range(count)] == [500] * count


def test_credential_matcher_tells_roles_apart() -> None:
    uri = "https://127.0.0.1/api/v1/text-to-video.php"
    valid = Request("POST", uri, b"", {"Authorization": "Bearer nb_PLACEHOLDER_VALID"})
    same = Request("POST", uri, b"", {"authorization": "Bearer nb_PLACEHOLDER_VALID"})
    revoked = Request("POST", uri, b"", {"Authorization": "Bearer nb_PLACEHOLDER_REVOKED"})
    header = Request("POST", uri, b"", {"X-API-Key": "nb_PLACEHOLDER_VALID"})
    _credential_matcher(valid, same)
    for other in (revoked, header):
        with pytest.raises(AssertionError):
            _credential_matcher(valid, other)
    assert "credential" in MATCH_ON
