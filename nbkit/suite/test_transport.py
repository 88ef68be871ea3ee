"""HTTPS enforcement: the API is HTTPS, and plain HTTP with a valid key is never served.

The documentation says every endpoint enforces HTTPS (API-FACTS 1, P2).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from nbkit.contract import KeyRole, load_auth_table, operation, operations
from nbkit.errors import TargetError
from nbkit.suite.client import Client
from nbkit.suite.oracle import CaseVerdict, free_probe, is_authorized_answer
from nbkit.suite.record import Observation, Recorder

__all__ = ["test_base_url_uses_https", "test_plain_http_is_never_served"]


def test_base_url_uses_https(nb_client: Client) -> None:
    scheme = urlsplit(nb_client.target.base_url).scheme
    if scheme != "https":
        raise AssertionError(f"NB_BASE_URL uses {scheme}://; every endpoint must be HTTPS")


@pytest.mark.parametrize("operation_id", [op.id for op in operations()])
@pytest.mark.parametrize("method_id", [m.id for m in load_auth_table().methods])
def test_plain_http_is_never_served(
    method_id: str, operation_id: str, nb_client: Client, nb_recorder: Recorder
) -> None:
    target = nb_client.target
    http_url = target.need_http_url()
    method = load_auth_table().method(method_id)
    key = target.need(KeyRole.VALID)
    op = operation(operation_id)
    request = method.apply(free_probe(op.id).request(target, base=http_url), key)
    try:
        answer = nb_client.send(request)
    except TargetError:
        observed = "no answer (connection refused or closed)"
        served = False
    else:
        observed = f"{answer.describe()} over plain HTTP"
        served = is_authorized_answer(op, answer)
    verdict = CaseVerdict.FAIL if served else CaseVerdict.PASS
    nb_recorder.add(
        Observation(method.id, "plain-http", "https-only", op.id, "never served", observed, verdict)
    )
    if served:
        raise AssertionError(f"{op.id} over plain HTTP with a valid key was served: {observed}")
