"""The auth decision table as loaded from contracts/auth.yaml."""

from __future__ import annotations

import pytest

from nbkit.contract import AUTH_TABLE_FILE, load_auth_table
from nbkit.contract.auth_table import parse_auth_table
from nbkit.contract.load import read_document

TABLE = load_auth_table()


def test_three_methods_are_documented() -> None:
    assert {(m.location, m.name) for m in TABLE.methods} == {
        ("header", "Authorization"),
        ("header", "X-API-Key"),
        ("query", "api_key"),
    }


def test_bearer_method_renders_the_scheme() -> None:
    assert TABLE.method("bearer").render("k") == "Bearer k"


def test_status_endpoint_alone_accepts_api_key_required() -> None:
    assert "API key required" in TABLE.expect("no-credential", "getVideoStatus").messages
    assert "API key required" not in TABLE.expect("no-credential", "textToVideo").messages


@pytest.mark.parametrize("condition", [c.id for c in TABLE.conditions])
def test_each_condition_expects_a_documented_status(condition: str) -> None:
    expectation = TABLE.expect(condition, "textToVideo")
    assert expectation.status in (None, 401, 403)
    assert bool(expectation.messages) == (expectation.status is not None)


def test_expectation_rejects_wrong_message_and_status() -> None:
    expectation = TABLE.expect("key-without-prefix", "textToVideo")
    assert expectation.accepts(401, "Invalid API key format")
    assert not expectation.accepts(401, "Invalid API key")
    assert not expectation.accepts(403, "Invalid API key format")


def test_authorized_expectation_rejects_any_refusal() -> None:
    expectation = TABLE.expect("valid-key", "getVideoStatus")
    assert expectation.accepts(404, "Video not found")
    assert not expectation.accepts(401, "Invalid API key")
    assert not expectation.accepts(403, "API access requires the API plan")


def test_condition_with_unknown_outcome_is_rejected() -> None:
    document = read_document(AUTH_TABLE_FILE)
    document["conditions"][0]["outcome"] = "teapot"
    with pytest.raises(ValueError, match=r"/conditions/0/outcome"):
        parse_auth_table(document)
