from __future__ import annotations

import hashlib
import pickle
from decimal import Decimal

import pytest

from nbkit.keys import PREFIX
from nbkit.mock.accounts import PLANS, AccountStore, find_plan, has_api_access


def test_only_the_api_plan_has_access_by_default() -> None:
    allowed = [
        p.id for p in PLANS if has_api_access(p, api_plans=frozenset({"api"}), threshold_eur=None)
    ]
    assert allowed == ["api"]


def test_the_literal_89_eur_rule_refuses_every_plan() -> None:
    # API-FACTS C11: taken literally, the 89 EUR threshold refuses the 59.99 plan too.
    threshold = Decimal("89")
    assert not any(has_api_access(p, api_plans=frozenset(), threshold_eur=threshold) for p in PLANS)


def test_api_plan_costs_the_documented_price() -> None:
    assert find_plan("api").price_eur == Decimal("59.99")
    assert find_plan("api").name == "API / Build"


def test_unknown_plan_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="free, basic, pro, api"):
        find_plan("enterprise")


def test_created_key_is_found_and_has_the_prefix() -> None:
    store = AccountStore()
    user, key = store.create(plan=find_plan("api"))
    assert key.startswith(PREFIX)
    assert store.find(key.encode()) == user


def test_store_keeps_no_key_only_digests() -> None:
    store = AccountStore()
    user, key = store.create(plan=find_plan("api"))
    new = store.regenerate(user.id)
    held = pickle.dumps(store)
    assert key.encode() not in held
    assert new.encode() not in held
    assert store.get(user.id).key_digest == hashlib.sha256(new.encode()).digest()
    assert key not in repr(store.users())


def test_regenerated_key_is_refused_at_once() -> None:
    store = AccountStore()
    user, old = store.create(plan=find_plan("api"))
    new = store.regenerate(user.id)
    assert store.find(old.encode()) is None
    assert store.find(new.encode()) == store.get(user.id)


def test_retired_key_is_found_only_when_asked() -> None:
    store = AccountStore()
    user, old = store.create(plan=find_plan("api"))
    store.regenerate(user.id)
    found = store.find(old.encode(), include_retired=True)
    assert found is not None
    assert found.id == user.id


def test_plan_and_activity_changes_are_kept() -> None:
    store = AccountStore()
    user, _ = store.create(plan=find_plan("free"))
    store.set_plan(user.id, find_plan("pro"))
    store.set_active(user.id, False)
    changed = store.get(user.id)
    assert (changed.plan.id, changed.active) == ("pro", False)
