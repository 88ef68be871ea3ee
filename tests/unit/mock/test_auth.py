from __future__ import annotations

import pytest

from nbkit.keys import new_key
from nbkit.mock.accounts import AccountStore, Plan, find_plan
from nbkit.mock.auth import Denied, authenticate, extract_key, query_values
from nbkit.mock.mutants import Behaviour


def _headers(**named: str) -> list[tuple[bytes, bytes]]:
    return [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in named.items()]


def test_bearer_key_is_extracted() -> None:
    key = new_key()
    assert extract_key(_headers(authorization=f"Bearer {key}"), b"") == key.encode()


def test_bearer_scheme_is_case_insensitive() -> None:
    key = new_key()
    assert extract_key(_headers(authorization=f"bEaReR  {key} "), b"") == key.encode()


@pytest.mark.parametrize("value", ["Token abc", "Bearer", "Bearer   ", "", "Basic dXNlcg=="])
def test_authorization_not_bearer_is_no_credential(value: str) -> None:
    assert extract_key(_headers(authorization=value, x_api_key=new_key()), b"") is None


def test_precedence_is_authorization_then_header_then_query() -> None:
    a, b, c = new_key(), new_key(), new_key()
    query = f"api_key={c}".encode()
    assert extract_key(_headers(authorization=f"Bearer {a}", x_api_key=b), query) == a.encode()
    assert extract_key(_headers(x_api_key=b), query) == b.encode()
    assert extract_key([], query) == c.encode()


def test_credential_given_twice_is_malformed() -> None:
    key = new_key()
    twice = [(b"x-api-key", key.encode()), (b"x-api-key", key.encode())]
    assert extract_key(twice, b"") is None
    assert extract_key([], f"api_key={key}&api_key={key}".encode()) is None


def test_empty_values_count_as_absent() -> None:
    assert extract_key(_headers(x_api_key=" "), b"api_key=") is None


def test_disabled_methods_are_ignored() -> None:
    key = new_key()
    assert extract_key(_headers(x_api_key=key), b"", read_x_api_key=False) is None
    assert extract_key([], f"api_key={key}".encode(), read_query=False) is None


def test_query_values_are_percent_decoded() -> None:
    assert query_values(b"video_id=vid%5Fab&x=1&video_id=2", "video_id") == [b"vid_ab", b"2"]


def _store() -> tuple[AccountStore, dict[str, str]]:
    store = AccountStore()
    api, api_key = store.create(plan=find_plan("api"))
    _, pro_key = store.create(plan=find_plan("pro"))
    _, off_key = store.create(plan=find_plan("api"), active=False)
    old_user, old_key = store.create(plan=find_plan("api"))
    store.regenerate(old_user.id)
    keys = {"api": api_key, "pro": pro_key, "inactive": off_key, "revoked": old_key, "id": api.id}
    return store, keys


def _api_only(plan: Plan) -> bool:
    return plan.id == "api"


@pytest.mark.parametrize(
    ("which", "status", "message"),
    [
        (None, 401, "MISSING"),
        ("sk-abc", 401, "Invalid API key format"),
        (" nb_abc", 401, "Invalid API key format"),
        ("unknown", 401, "Invalid API key"),
        ("inactive", 401, "Invalid API key"),
        ("revoked", 401, "Invalid API key"),
        (
            "pro",
            403,
            "API access requires the API plan (\u20ac59.99/mo). Please upgrade your subscription.",
        ),
    ],
    ids=["missing", "no-prefix", "leading-space", "unknown", "inactive", "revoked", "no-plan"],
)
def test_checks_follow_the_documented_order(which: str | None, status: int, message: str) -> None:
    store, keys = _store()
    key = None if which is None else keys.get(which, new_key() if which == "unknown" else which)
    result = authenticate(
        None if key is None else key.encode(),
        store=store,
        has_access=_api_only,
        missing_message="MISSING",
        behaviour=Behaviour(),
    )
    assert result == Denied(status, message)


def test_valid_key_gives_its_user() -> None:
    store, keys = _store()
    result = authenticate(
        keys["api"].encode(),
        store=store,
        has_access=_api_only,
        missing_message="MISSING",
        behaviour=Behaviour(),
    )
    assert not isinstance(result, Denied)
    assert result.id == keys["id"]
