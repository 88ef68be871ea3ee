from __future__ import annotations

import stat
import subprocess
from pathlib import Path

from nbkit.keys import new_key
from nbkit.mock.server import write_env_file


def test_env_file_is_private_and_sourceable(tmp_path: Path) -> None:
    key = new_key()
    env = {"NB_API_KEY": key, "NB_CA_BUNDLE": str(tmp_path / "dir with space" / "ca.pem")}
    path = write_env_file(tmp_path / "nb.env", env)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    shown = subprocess.run(
        ["sh", "-c", f'. "{path}" && printf %s "$NB_CA_BUNDLE"'],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert shown == env["NB_CA_BUNDLE"]


def test_seeded_users_are_the_key_roles_a_target_gives() -> None:
    # The mock keeps its own table; this is where it must agree with the contract's.
    from nbkit.contract import KeyRole
    from nbkit.contract.roles import ROLES_FROM_TARGET
    from nbkit.mock.server import SEEDED_USERS

    seeded = {user.variable: user for user in SEEDED_USERS}
    # The other user's key and video come from a live target; on the mock, the control API.
    given = {role.variable: role for role in ROLES_FROM_TARGET if role is not KeyRole.OTHER_USER}
    assert set(seeded) == set(given)
    assert seeded[KeyRole.VALID.variable or ""] is SEEDED_USERS[0]
    assert not seeded[KeyRole.INACTIVE.variable or ""].active
    assert seeded[KeyRole.REVOKED.variable or ""].revoked
    assert seeded[KeyRole.NO_PLAN.variable or ""].plan != seeded[KeyRole.VALID.variable or ""].plan
