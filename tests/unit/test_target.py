"""nbkit.target: reading the NB_* variables, mapping contract paths, skip reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbkit.contract import KeyRole, api_prefix, operations
from nbkit.contract.roles import ROLES_FROM_TARGET, AuthKeys
from nbkit.errors import UsageError
from nbkit.keys import new_key
from nbkit.target import Missing, Target, open_target, target_from_env

_BASE = "https://127.0.0.1:9/api/v1/"


def test_api_prefix_is_the_shared_path_prefix() -> None:
    assert all(op.path.startswith(api_prefix()) for op in operations())
    assert api_prefix().endswith("/")


def test_contract_paths_map_onto_the_base_url() -> None:
    target = target_from_env({"NB_BASE_URL": _BASE})
    for op in operations():
        url = target.url(op.path)
        assert url.startswith(_BASE) and url.endswith(op.path.rsplit("/", 1)[1])


def test_base_url_without_trailing_slash_is_accepted() -> None:
    target = target_from_env({"NB_BASE_URL": _BASE.rstrip("/")})
    assert target.base_url == _BASE


def test_base_url_under_a_deeper_path_keeps_it() -> None:
    target = target_from_env({"NB_BASE_URL": "https://127.0.0.1:9/staging/api/v1/"})
    assert target.origin_base == "https://127.0.0.1:9/staging"


def test_url_on_another_base_uses_it() -> None:
    target = target_from_env({"NB_BASE_URL": _BASE, "NB_HTTP_URL": "http://127.0.0.1:9/api/v1/"})
    op = operations()[0]
    assert target.url(op.path, base=target.http_url).startswith("http://127.0.0.1:9/api/v1/")


def test_missing_base_url_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="NB_BASE_URL"):
        target_from_env({})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NB_BASE_URL", "ftp://127.0.0.1:9/api/v1/"),
        ("NB_BASE_URL", "https://127.0.0.1:9/v2/"),
        ("NB_HTTP_URL", "not a url"),
        ("NB_CA_BUNDLE", "/no/such/ca.pem"),
        ("NB_ALLOW_SPEND", "yes"),
    ],
)
def test_malformed_variable_is_a_usage_error_naming_it(name: str, value: str) -> None:
    env = {"NB_BASE_URL": _BASE, name: value}
    with pytest.raises(UsageError, match=name):
        target_from_env(env)


def test_optional_keys_are_read_and_blank_means_unset() -> None:
    key = new_key()
    target = target_from_env({"NB_BASE_URL": _BASE, "NB_API_KEY": key, "NB_API_KEY_NO_PLAN": " "})
    assert target.need(KeyRole.VALID) == key
    assert target.keys.get(KeyRole.NO_PLAN) is None


@pytest.mark.parametrize("role", ROLES_FROM_TARGET, ids=str)
def test_each_role_key_is_read_from_its_variable(role: KeyRole) -> None:
    key = new_key()
    assert role.variable is not None
    target = target_from_env({"NB_BASE_URL": _BASE, role.variable: key})
    assert target.need(role) == key
    assert all(target.keys.get(other) is None for other in ROLES_FROM_TARGET if other is not role)


@pytest.mark.parametrize("role", ROLES_FROM_TARGET, ids=str)
def test_needing_an_unset_key_names_the_variable(role: KeyRole) -> None:
    target = target_from_env({"NB_BASE_URL": _BASE})
    with pytest.raises(Missing, match=str(role.variable)):
        target.need(role)


def test_foreign_video_needs_the_other_key_and_its_video() -> None:
    key = new_key()
    env = {"NB_BASE_URL": _BASE, "NB_API_KEY_OTHER": key}
    with pytest.raises(Missing, match="NB_OTHER_VIDEO_ID"):
        target_from_env(env).need_other_video()
    target = target_from_env({**env, "NB_OTHER_VIDEO_ID": "vid_0123456789ab"})
    assert target.need_other_video() == (key, "vid_0123456789ab")


def test_live_target_without_spend_cannot_spend() -> None:
    target = target_from_env({"NB_BASE_URL": _BASE})
    assert not target.can_spend and not target.is_mock
    with pytest.raises(Missing, match="NB_ALLOW_SPEND"):
        target.need_spend("a generation")
    with pytest.raises(Missing, match="control API"):
        target.need_control("regenerating")
    with pytest.raises(Missing, match="NB_HTTP_URL"):
        target.need_http_url()


def test_allow_spend_lets_a_live_target_spend() -> None:
    assert target_from_env({"NB_BASE_URL": _BASE, "NB_ALLOW_SPEND": "1"}).can_spend


def test_repr_never_holds_a_key() -> None:
    keys = [new_key() for _ in range(4)]
    target = Target(_BASE, keys=AuthKeys(dict(zip(ROLES_FROM_TARGET, keys, strict=False))))
    assert not any(key in repr(target) for key in keys)
    assert not any(key in repr(target.keys) for key in keys)


def test_ca_bundle_is_a_path(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("")
    assert target_from_env({"NB_BASE_URL": _BASE, "NB_CA_BUNDLE": str(ca)}).ca_bundle == ca


def test_open_target_with_a_base_url_does_not_start_the_mock() -> None:
    with open_target({"NB_BASE_URL": _BASE}) as target:
        assert target.base_url == _BASE and target.control is None


def test_open_target_refuses_a_mutant_for_a_live_target() -> None:
    with (
        pytest.raises(UsageError, match="mutant"),
        open_target({"NB_BASE_URL": _BASE}, mutant="accept-any-key"),
    ):
        pass


def test_live_rate_limit_check_needs_its_own_opt_in_beyond_spend() -> None:
    spend = {"NB_BASE_URL": _BASE, "NB_ALLOW_SPEND": "1"}
    with pytest.raises(Missing, match="NB_ALLOW_RATE_LIMIT"):
        target_from_env(spend).need_rate_limit("the check")
    target_from_env({**spend, "NB_ALLOW_RATE_LIMIT": "1"}).need_rate_limit("the check")
    with pytest.raises(Missing, match="NB_ALLOW_SPEND"):
        target_from_env({"NB_BASE_URL": _BASE, "NB_ALLOW_RATE_LIMIT": "1"}).need_rate_limit("x")


def test_rate_limit_cost_is_stated_in_generations() -> None:
    from nbkit.suite.test_lifecycle import live_rate_limit_cost

    assert "generations" in live_rate_limit_cost()


def test_unloadable_ca_bundle_is_a_target_error_naming_it(tmp_path: Path) -> None:
    from nbkit.errors import TargetError
    from nbkit.tls import ssl_context

    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate", encoding="utf-8")
    with pytest.raises(TargetError, match="NB_CA_BUNDLE"):
        ssl_context(bad)
