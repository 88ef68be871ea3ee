"""Hypothesis strategies for the Nano Banana Video API: keys, auth requests, request bodies.

Usable from any project's tests::

    from hypothesis import given
    from nbkit.strategies import AuthKeys, auth_requests, request_bodies

    @given(auth_requests(AuthKeys.from_env(os.environ)))
    def test_my_gateway(request): ...

    @given(request_bodies("textToVideo"))
    def test_my_client_serialises(body): ...
"""

from __future__ import annotations

from nbkit.strategies.auth import (
    CASES,
    AuthCase,
    AuthKeys,
    AuthRequest,
    Credential,
    auth_requests,
    blank_values,
    keys_without_prefix,
    long_keys,
    padded,
    requests_for,
    unicode_keys,
    unknown_keys,
    well_formed_keys,
    wrong_scheme_values,
)
from nbkit.strategies.bodies import request_bodies

__all__ = [
    "CASES",
    "AuthCase",
    "AuthKeys",
    "AuthRequest",
    "Credential",
    "auth_requests",
    "blank_values",
    "keys_without_prefix",
    "long_keys",
    "padded",
    "request_bodies",
    "requests_for",
    "unicode_keys",
    "unknown_keys",
    "well_formed_keys",
    "wrong_scheme_values",
]
