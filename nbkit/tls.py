"""The one TLS context builder, for every client nbkit opens: the target's and the mock's
control client (a module of its own, so that the mock need not import the target)."""

from __future__ import annotations

import ssl
from functools import cache
from pathlib import Path

from nbkit.errors import TargetError

__all__ = ["ssl_context"]


@cache
def ssl_context(ca_bundle: Path | None) -> ssl.SSLContext:
    """The one TLS context builder: trusting `ca_bundle` (NB_CA_BUNDLE), else the system store.

    Cached: loading the system store costs more than a request, and a context is
    safe to share between clients. Raises TargetError for a CA file it cannot load.
    """
    try:
        if ca_bundle is None:
            return ssl.create_default_context()
        return ssl.create_default_context(cafile=str(ca_bundle))
    except (OSError, ssl.SSLError) as err:
        raise TargetError(f"NB_CA_BUNDLE={ca_bundle}: cannot load the CA file ({err})") from err
