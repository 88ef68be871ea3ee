from __future__ import annotations

import ssl
import stat
from pathlib import Path

from nbkit.mock.tls import make_tls_files


def test_files_are_written_and_the_key_is_private(tmp_path: Path) -> None:
    files = make_tls_files(tmp_path / "state")
    assert files.ca_bundle.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    assert stat.S_IMODE(files.private_key.stat().st_mode) == 0o600
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(files.cert_chain, files.private_key)


def test_each_run_makes_a_fresh_ca(tmp_path: Path) -> None:
    first = make_tls_files(tmp_path).ca_bundle.read_bytes()
    assert make_tls_files(tmp_path).ca_bundle.read_bytes() != first
