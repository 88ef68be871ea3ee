"""Tests for nbkit.contract.roles: one table of key roles, agreeing with auth.yaml."""

from __future__ import annotations

import pytest

from nbkit.contract import KeyRole, load_auth_table
from nbkit.contract.roles import ROLES_FROM_TARGET, AuthKeys, role_of_placeholder
from nbkit.keys import new_key


@pytest.mark.parametrize("role", list(KeyRole), ids=str)
def test_every_role_names_an_auth_table_condition(role: KeyRole) -> None:
    assert load_auth_table().condition(role.condition).id == role.condition


@pytest.mark.parametrize("role", list(KeyRole), ids=str)
def test_a_placeholder_maps_back_to_its_role(role: KeyRole) -> None:
    if role.placeholder is None:
        assert role is KeyRole.NONE
    else:
        assert role_of_placeholder(role.placeholder) is role


def test_variables_and_placeholders_are_unique() -> None:
    variables = [r.variable for r in ROLES_FROM_TARGET]
    placeholders = [r.placeholder for r in KeyRole if r.placeholder]
    assert len(set(variables)) == len(variables)
    assert len(set(placeholders)) == len(placeholders)
    assert all(v is not None and v.startswith("NB_API_KEY") for v in variables)


def test_keys_from_env_read_each_variable_and_treat_blank_as_unset() -> None:
    keys = {role: new_key() for role in ROLES_FROM_TARGET}
    env = {str(role.variable): key for role, key in keys.items()}
    env[str(KeyRole.REVOKED.variable)] = "  "
    found = AuthKeys.from_env(env)
    assert found.get(KeyRole.REVOKED) is None
    assert all(found.get(r) == k for r, k in keys.items() if r is not KeyRole.REVOKED)
    assert not any(key in repr(found) for key in keys.values())
