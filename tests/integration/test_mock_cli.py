"""`nbkit mock` end to end: it starts, writes a private env file, serves, and stops on Ctrl-C."""

from __future__ import annotations

import os
import shlex
import signal
import ssl
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from nbkit.cli import main


def _start(tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "nbkit", "mock", "--state-dir", str(tmp_path / "state"), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _read_env(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = shlex.split(value)[0]
    return env


def _wait_for_env_line(process: subprocess.Popen[str]) -> list[str]:
    assert process.stdout is not None
    lines = []
    for line in process.stdout:  # blocks until the server prints, no sleeping
        lines.append(line)
        if "env file" in line:
            return lines
    errors = process.stderr.read() if process.stderr else ""
    pytest.fail(f"nbkit mock exited early: {process.wait()} {errors}")


@pytest.mark.parametrize(
    ("stop", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 0)], ids=["ctrl-c", "sigterm"]
)
def test_cli_serves_and_stops_cleanly(tmp_path: Path, stop: signal.Signals, code: int) -> None:
    env_file = tmp_path / "target.env"
    process = _start(tmp_path, "--env-file", str(env_file), "--http-port", "0", "--rate-limit", "2")
    try:
        printed = "".join(_wait_for_env_line(process))
        assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
        env = _read_env(env_file)
        context = ssl.create_default_context(cafile=env["NB_CA_BUNDLE"])
        with httpx.Client(base_url=env["NB_BASE_URL"], verify=context) as client:
            headers = {"Authorization": f"Bearer {env['NB_API_KEY']}"}
            statuses = [
                client.post("text-to-video.php", json={"prompt": "p"}, headers=headers).status_code
                for _ in range(3)
            ]
        assert statuses == [200, 200, 429]
        assert httpx.get(env["NB_HTTP_URL"] + "text-to-video.php").status_code == 403
    finally:
        process.send_signal(stop)
        out, err = process.communicate(timeout=30)
    assert process.returncode == code
    keys = [v for k, v in env.items() if k.startswith("NB_API_KEY")]
    assert not any(key in printed + out + err for key in keys)
    assert "Traceback" not in err


def test_cli_rejects_an_unknown_mutant(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["mock", "--mutant", "no-such-mutant"])
    assert exit_info.value.code == 2
    assert "no-such-mutant" in capsys.readouterr().err


def test_cli_rejects_a_bad_rate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["mock", "--state-dir", str(tmp_path), "--error-rate", "2"])
    assert code == 2
    assert "--error-rate" in capsys.readouterr().err


def test_cli_state_dir_must_be_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    assert main(["mock", "--state-dir", str(not_a_dir)]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_env_file_is_not_world_readable_even_with_a_loose_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        from nbkit.mock import write_env_file

        path = write_env_file(tmp_path / "e.env", {"NB_BASE_URL": "https://127.0.0.1:1/api/v1/"})
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_cli_without_state_dir_removes_its_temporary_state_on_exit(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "nbkit", "mock"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    try:
        printed = "".join(_wait_for_env_line(process))
        (state_dir,) = [p for p in tmp_path.iterdir() if p.name.startswith("nbkit-mock-")]
        assert str(state_dir) in printed and any(state_dir.iterdir())
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    assert process.returncode == 0
    assert not state_dir.exists()
