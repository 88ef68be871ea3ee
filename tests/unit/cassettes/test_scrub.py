"""Tests for nbkit.cassettes.scrub: no key reaches a cassette, placeholders keep the role."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vcr.request import Request

from nbkit.audit.classify import Context, classify
from nbkit.audit.finding import KeyVerdict
from nbkit.cassettes.scrub import (
    ROLELESS_PLACEHOLDER,
    Scrubber,
    is_placeholder,
    scrub_credential,
    scrub_text,
)
from nbkit.contract import KeyRole
from nbkit.contract.roles import role_of_placeholder
from nbkit.keys import PREFIX, new_key

URI = "https://127.0.0.1:4443/api/v1/text-to-video.php"


def _response(body: str, **headers: str) -> dict[str, object]:
    return {
        "status": {"code": 200, "message": "OK"},
        "headers": {name: [value] for name, value in headers.items()},
        "body": {"string": body.encode()},
    }


def test_key_planted_in_a_response_body_is_scrubbed() -> None:
    planted = new_key()
    body = json.dumps({"success": True, "echo": planted, "note": f"key={planted};"})
    stored = Scrubber().response(_response(body, **{"Content-Length": str(len(body))}))
    text = stored["body"]["string"].decode()
    assert planted not in text
    assert json.loads(text)["echo"] == ROLELESS_PLACEHOLDER
    assert stored["headers"]["Content-Length"] == [str(len(text.encode()))]


def test_a_known_key_echoed_in_a_body_keeps_its_role() -> None:
    key = new_key()
    scrubber = Scrubber({key: KeyRole.REVOKED.placeholder})
    stored = scrubber.response(_response(json.dumps({"key": key})))
    assert json.loads(stored["body"]["string"])["key"] == KeyRole.REVOKED.placeholder


def test_request_credentials_become_role_placeholders() -> None:
    valid, no_plan, malformed = new_key(), new_key(), new_key()[len(PREFIX) :]
    scrubber = Scrubber(
        {
            valid: KeyRole.VALID.placeholder,
            no_plan: KeyRole.NO_PLAN.placeholder,
            malformed: KeyRole.MALFORMED.placeholder,
        }
    )
    request = Request(
        "POST",
        f"{URI}?api_key={malformed}",
        json.dumps({"prompt": f"say {no_plan}"}).encode(),
        {"Authorization": f"Bearer {valid}", "X-API-Key": no_plan, "Accept": "*/*"},
    )
    stored = scrubber.request(request)
    assert stored is not None
    everything = stored.uri + repr(dict(stored.headers)) + stored.body.decode()
    for key in (valid, no_plan, malformed):
        assert key not in everything
    assert stored.headers["Authorization"] == "Bearer nb_PLACEHOLDER_VALID"
    assert stored.headers["X-API-Key"] == "nb_PLACEHOLDER_NO_PLAN"
    assert stored.uri.endswith("?api_key=PLACEHOLDER_MALFORMED")
    assert "nb_PLACEHOLDER_NO_PLAN" in stored.body.decode()


def test_unknown_credentials_become_the_roleless_placeholder() -> None:
    request = Request(
        "GET",
        f"{URI}?api_key=abc",
        None,
        {"Authorization": "Basic dXNlcjpwYXNz", "X-API-Key": "whatever"},
    )
    stored = Scrubber().request(request)
    assert stored is not None
    assert stored.headers["Authorization"] == ROLELESS_PLACEHOLDER
    assert stored.headers["X-API-Key"] == ROLELESS_PLACEHOLDER
    assert stored.uri.endswith(f"api_key={ROLELESS_PLACEHOLDER}")


def test_cookies_and_the_admin_token_are_dropped() -> None:
    request = Request(
        "GET", URI, None, {"Cookie": "session=1", "X-Nbkit-Admin-Token": "t", "Accept": "*/*"}
    )
    stored = Scrubber().request(request)
    assert stored is not None
    assert {name.lower() for name in stored.headers} == {"accept"}
    response = Scrubber().response(_response("{}", **{"Set-Cookie": "a=b", "Date": "x"}))
    assert list(response["headers"]) == ["Date"]


def test_control_api_requests_are_not_recorded() -> None:
    request = Request("POST", "https://127.0.0.1:4443/_nbkit/limits/reset", b"{}", {})
    assert Scrubber().request(request) is None


def test_mock_origin_loses_its_port() -> None:
    scrubber = Scrubber(origins={"https://127.0.0.1:4443": "https://127.0.0.1"})
    stored = scrubber.request(Request("GET", URI, None, {"Host": "127.0.0.1:4443"}))
    assert stored is not None
    assert stored.uri == "https://127.0.0.1/api/v1/text-to-video.php"
    assert stored.headers["Host"] == "127.0.0.1"


@pytest.mark.parametrize("role", [role for role in KeyRole if role.placeholder], ids=str)
def test_placeholders_are_placeholders_to_the_audit(role: KeyRole) -> None:
    placeholder = role.placeholder
    assert is_placeholder(placeholder)
    assert role_of_placeholder(placeholder) is role
    if placeholder.startswith(PREFIX):
        verdict = classify(placeholder[len(PREFIX) :], Context()).verdict
        assert verdict is KeyVerdict.PLACEHOLDER
    assert scrub_text(placeholder, {}) == placeholder


def test_a_key_without_a_role_stands_as_the_unknown_key() -> None:
    # Issue 15: a key scrubbing cannot place in a role becomes nb_PLACEHOLDER_UNKNOWN.
    assert role_of_placeholder(ROLELESS_PLACEHOLDER) is KeyRole.UNKNOWN
    assert (
        classify(ROLELESS_PLACEHOLDER[len(PREFIX) :], Context()).verdict is KeyVerdict.PLACEHOLDER
    )


def test_credential_that_is_not_a_known_key_loses_its_value() -> None:
    assert scrub_credential("not-a-key", {}) == ROLELESS_PLACEHOLDER


@given(before=st.text(max_size=40), after=st.text(max_size=40))
def test_no_generated_key_survives_scrubbing(before: str, after: str) -> None:
    key = new_key()
    assert key not in scrub_text(before + key + after, {})
