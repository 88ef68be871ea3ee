"""A mock started on its own is a mock: its env file gives the suite the control API."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from nbkit.errors import UsageError
from nbkit.mock import serve, write_env_file
from nbkit.target import open_target


def _read_env_file(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = shlex.split(value)[0]
    return env


def test_env_file_of_a_separate_mock_makes_a_mock_target(tmp_path: Path) -> None:
    with serve(state_dir=tmp_path / "state") as mock:
        env = _read_env_file(write_env_file(tmp_path / "nb.env", mock.env))
        assert Path(env["NB_CA_BUNDLE"]).is_absolute()
        with open_target(env) as target:
            assert target.is_mock and target.can_spend
            control = target.need_control("moving the clock")
            control.reset_limits()


def test_control_url_without_its_token_is_a_usage_error(tmp_path: Path) -> None:
    with serve(state_dir=tmp_path / "state") as mock:
        env = {k: v for k, v in mock.env.items() if k != "NB_MOCK_ADMIN_TOKEN"}
        with pytest.raises(UsageError, match="NB_MOCK_ADMIN_TOKEN"), open_target(env):
            pass


def test_live_target_has_no_control(tmp_path: Path) -> None:
    with open_target({"NB_BASE_URL": "https://127.0.0.1:9/api/v1/"}) as target:
        assert not target.is_mock
