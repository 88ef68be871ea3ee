"""nbkit.strategies: key shapes, labels from auth.yaml, placement per method, no key in a repr."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbkit.contract import load_auth_table, validator
from nbkit.contract.auth_table import Condition
from nbkit.contract.roles import ROLES_FROM_TARGET
from nbkit.keys import PREFIX, new_key
from nbkit.strategies.auth import (
    CASES,
    LONG_MIN,
    AuthCase,
    AuthKeys,
    AuthRequest,
    auth_requests,
    blank_values,
    keys_without_prefix,
    long_keys,
    padded,
    requests_for,
    unicode_keys,
    unknown_keys,
    well_formed_keys,
    wrong_scheme_values,
)

_FAST = settings(max_examples=25, deadline=None, database=None)


def _keys() -> AuthKeys:
    return AuthKeys({role: new_key() for role in ROLES_FROM_TARGET})


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_case_is_labelled_with_an_auth_table_id(case: AuthCase) -> None:
    table = load_auth_table()
    ids = {c.id for c in table.conditions} | {q.id for q in table.open_questions}
    assert case.label in ids


def test_case_ids_are_unique() -> None:
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_case_uses_documented_methods(case: AuthCase) -> None:
    methods = case.methods
    assert methods is None or set(methods) <= {m.id for m in load_auth_table().methods}


@_FAST
@given(well_formed_keys())
def test_well_formed_key_matches_the_key_schema(key: str) -> None:
    assert validator("api-key").is_valid(key)


@_FAST
@given(unknown_keys())
def test_unknown_key_is_well_formed(key: str) -> None:
    assert key.startswith(PREFIX) and validator("api-key").is_valid(key)


@_FAST
@given(keys_without_prefix())
def test_key_without_prefix_never_starts_with_it(value: str) -> None:
    assert value and not value.startswith(PREFIX) and not any(c.isspace() for c in value)


@_FAST
@given(unicode_keys())
def test_unicode_key_has_prefix_non_ascii_and_no_whitespace(key: str) -> None:
    body = key[len(PREFIX) :]
    assert key.startswith(PREFIX)
    assert any(ord(c) > 0x7F for c in body)
    assert validator("api-key").is_valid(key)


@_FAST
@given(unicode_keys(control=True))
def test_unicode_key_for_queries_may_hold_control_characters(key: str) -> None:
    assert key.startswith(PREFIX) and validator("api-key").is_valid(key)


@settings(max_examples=5, deadline=None, database=None)
@given(long_keys())
def test_long_key_is_kilobytes_and_well_formed(key: str) -> None:
    assert len(key) >= LONG_MIN and validator("api-key").is_valid(key)


@_FAST
@given(blank_values())
def test_blank_value_is_empty_or_whitespace(value: str) -> None:
    assert not value.strip()


@_FAST
@given(padded(st.just("x")))
def test_padded_value_has_whitespace_around_it(value: str) -> None:
    assert value.strip() == "x" and value != "x"


@_FAST
@given(st.data())
def test_wrong_scheme_is_never_bearer_and_a_key(data: st.DataObject) -> None:
    key = new_key()
    value = data.draw(wrong_scheme_values(key))
    scheme, _, rest = value.partition(" ")
    assert not (scheme.lower() == "bearer" and rest.strip())


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_without_its_key_is_not_generated(case: AuthCase) -> None:
    needs = case.needs
    methods = case.methods or (None,)
    strategy = requests_for(case, methods[0], AuthKeys())
    assert (strategy is None) == (needs is not None)


@_FAST
@given(st.data())
def test_request_places_credentials_where_its_methods_say(data: st.DataObject) -> None:
    table = load_auth_table()
    request: AuthRequest = data.draw(auth_requests(_keys()))
    places = {(m.location, m.name) for m in table.methods}
    assert all((c.location, c.name) in places for c in request.credentials)
    if request.method in {m.id for m in table.methods} and request.case != "two-places":
        method = table.method(request.method)
        assert all(c.name == method.name for c in request.credentials)


@_FAST
@given(st.data())
def test_repr_of_a_request_never_holds_a_key(data: st.DataObject) -> None:
    keys = _keys()
    request: AuthRequest = data.draw(auth_requests(keys))
    text = repr(request)
    assert keys.by_role
    for key in keys.by_role.values():
        assert key not in text
    for credential in request.credentials:
        if len(credential.value) > 16:
            assert credential.value not in text


def test_keys_repr_never_holds_a_key() -> None:
    keys = _keys()
    assert all(key not in repr(keys) for key in keys.by_role.values())


@_FAST
@given(st.data())
def test_no_credential_case_sends_nothing(data: st.DataObject) -> None:
    case = next(c for c in CASES if c.id == "no-credential")
    strategy = requests_for(case, None, _keys())
    assert strategy is not None
    request = data.draw(strategy)
    assert request.credentials == () and request.headers() == [] and request.params() == []


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_methods_agree_with_the_condition_of_its_label(case: AuthCase) -> None:
    table = load_auth_table()
    condition = next((c for c in table.conditions if c.id == case.label), None)
    if condition is None:
        assert case.label in {q.id for q in table.open_questions}
    elif not condition.methods:
        assert case.methods is None
    else:
        assert case.methods is not None and set(case.methods) <= set(condition.methods)


def _variants(description: str) -> tuple[str, ...]:
    # The variants a condition names: the comma-separated list in its parentheses.
    inside = re.search(r"\(([^)]*)\)", description)
    return () if inside is None else tuple(v.strip() for v in inside.group(1).split(","))


@pytest.mark.parametrize(
    "condition", load_auth_table().conditions, ids=[c.id for c in load_auth_table().conditions]
)
def test_every_condition_and_variant_has_a_case_for_every_method(condition: Condition) -> None:
    from nbkit.suite.test_lifecycle import PLANS_WITHOUT_API

    cases = [c for c in CASES if c.label == condition.id]
    wanted = set(condition.methods) if condition.methods else {"none"}
    for variant in _variants(condition.description) or (None,):
        if variant is not None and variant.lower() in PLANS_WITHOUT_API:
            continue  # a plan: the key lifecycle walk uses each one with every method
        drawn = [c for c in cases if variant is None or c.variant == variant]
        methods = {m for c in drawn for m in (c.methods or ("none",))}
        assert wanted <= methods, f"{condition.id} ({variant}): no case for {wanted - methods}"


def test_plan_variants_are_the_plans_the_lifecycle_walk_uses() -> None:
    from nbkit.suite.test_lifecycle import PLANS_WITHOUT_API

    plan = load_auth_table().condition("plan-without-api-access")
    assert {v.lower() for v in _variants(plan.description)} == set(PLANS_WITHOUT_API)


def test_unknown_method_id_is_a_value_error_naming_the_choices() -> None:
    with pytest.raises(ValueError, match="bearer"):
        requests_for(CASES[1], "smoke-signal", AuthKeys())
    with pytest.raises(ValueError, match="bearer"):
        auth_requests(methods=("smoke-signal",))
