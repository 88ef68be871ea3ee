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
