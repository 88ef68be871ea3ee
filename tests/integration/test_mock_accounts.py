"""Accounts over real HTTPS: regeneration, inactive users, plan changes, the price rule, control."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from nbkit.errors import TargetError, UsageError
from nbkit.mock import ControlClient, MockSettings, RunningMock, serve


@pytest.fixture(scope="module")
def client(mock: RunningMock) -> Iterator[httpx.Client]:
    context = ssl.create_default_context(cafile=str(mock.ca_bundle))
    with httpx.Client(base_url=mock.base_url, verify=context) as http:
        yield http


def _generate(client: httpx.Client, key: str) -> httpx.Response:
    return client.post(
        "text-to-video.php", json={"prompt": "p"}, headers={"Authorization": f"Bearer {key}"}
    )


def test_regenerated_key_is_refused_at_once_and_the_new_one_works(
    mock: RunningMock, client: httpx.Client
) -> None:
    created = mock.control.create_user(plan="api")
    assert _generate(client, created.key).status_code == 200
    renewed = mock.control.regenerate_key(created.user.id)
    old = _generate(client, created.key)
    assert (old.status_code, old.json()["error"]) == (401, "Invalid API key")
    assert _generate(client, renewed.key).status_code == 200


def test_deactivated_user_is_refused_until_reactivated(
    mock: RunningMock, client: httpx.Client
) -> None:
    created = mock.control.create_user(plan="api")
    mock.control.deactivate(created.user.id)
    refused = _generate(client, created.key)
    assert (refused.status_code, refused.json()["error"]) == (401, "Invalid API key")
    mock.control.activate(created.user.id)
    assert _generate(client, created.key).status_code == 200


@pytest.mark.parametrize("plan", ["free", "basic", "pro"])
def test_plan_change_grants_and_removes_access(
    mock: RunningMock, client: httpx.Client, plan: str
) -> None:
    created = mock.control.create_user(plan=plan)
    assert _generate(client, created.key).status_code == 403
    assert mock.control.set_plan(created.user.id, "api").api_access
    assert _generate(client, created.key).status_code == 200
    mock.control.set_plan(created.user.id, plan)
    assert _generate(client, created.key).status_code == 403


def test_new_key_repr_is_redacted(mock: RunningMock) -> None:
    created = mock.control.create_user()
    assert created.key not in repr(created)
    assert created.key not in str(created)


def test_control_api_refuses_without_the_admin_token(mock: RunningMock) -> None:
    wrong = ControlClient(mock.origin, admin_token="not-the-token", ca_bundle=mock.ca_bundle)
    with wrong, pytest.raises(TargetError, match="401"):
        wrong.users()


def test_control_api_rejects_unknown_plans_and_users(mock: RunningMock) -> None:
    with pytest.raises(TargetError, match="400"):
        mock.control.create_user(plan="enterprise")
    with pytest.raises(TargetError, match="404"):
        mock.control.regenerate_key("usr_nobody")


def test_control_lists_mutants_and_settings(mock: RunningMock) -> None:
    assert "accept-any-key" in {m for m, _ in mock.control.mutants()}
    info = mock.control.info()
    assert (info["rate_limit"], info["window_seconds"], info["mutant"]) == (30, 1800, None)


def test_literal_89_eur_rule_refuses_even_the_api_plan(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    settings = MockSettings(plan_threshold_eur=Decimal("89"))
    with serve(state_dir=tmp_path_factory.mktemp("strict"), settings=settings) as strict:
        context = ssl.create_default_context(cafile=str(strict.ca_bundle))
        with httpx.Client(base_url=strict.base_url, verify=context) as http:
            response = _generate(http, strict.env["NB_API_KEY"])
    assert response.status_code == 403


def test_busy_port_is_a_target_error(
    mock: RunningMock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    busy = int(mock.origin.rsplit(":", 1)[1])
    with (
        pytest.raises(TargetError, match="pick another port"),
        serve(state_dir=tmp_path_factory.mktemp("busy"), http_port=0, port=busy),
    ):
        pass


def test_unknown_mutant_is_a_usage_error(tmp_path_factory: pytest.TempPathFactory) -> None:
    with (
        pytest.raises(UsageError, match="no-such"),
        serve(state_dir=tmp_path_factory.mktemp("bad"), mutant="no-such"),
    ):
        pass
