"""The mock's TLS material: a local CA and a server certificate for 127.0.0.1, made with trustme."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from nbkit.errors import TargetError

__all__ = ["TlsFiles", "make_tls_files"]

CA_FILE: Final = "ca.pem"
CERT_FILE: Final = "server.pem"
KEY_FILE: Final = "server-key.pem"
_PRIVATE: Final = 0o600


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """Where the CA a client must trust, and the server's certificate and key, were written."""

    ca_bundle: Path
    cert_chain: Path
    private_key: Path


def _write(path: Path, data: bytes, mode: int = 0o644) -> None:
    # os.open sets the mode at creation, so the private key is never readable by others.
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def make_tls_files(
    state_dir: Path, *, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
) -> TlsFiles:
    """Make a fresh CA and server certificate (ECDSA, fast) and write them into `state_dir`."""
    import trustme

    ca = trustme.CA(organization_name="nbkit mock")
    leaf = ca.issue_cert(*hosts)
    files = TlsFiles(state_dir / CA_FILE, state_dir / CERT_FILE, state_dir / KEY_FILE)
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        _write(files.ca_bundle, ca.cert_pem.bytes())
        _write(files.cert_chain, b"".join(blob.bytes() for blob in leaf.cert_chain_pems))
        _write(files.private_key, leaf.private_key_pem.bytes(), _PRIVATE)
    except OSError as err:
        raise TargetError(
            f"{state_dir}: cannot write the mock's TLS files ({err.strerror})"
        ) from err
    return files
