"""Who is calling: the key a request carries and the documented checks on it (API-FACTS 3).

Checks, in the documented order, each answered with its documented message:
no usable credential (401), a key without the `nb_` prefix (401), a key that
is unknown, regenerated since, or whose user is inactive (401), a plan
without API access (403).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote_to_bytes

from nbkit.keys import PREFIX_BYTES
from nbkit.mock.accounts import AccountStore, Plan, User
from nbkit.mock.mutants import Behaviour

__all__ = [
    "Denied",
    "authenticate",
    "extract_key",
    "query_values",
]

MISSING_GENERATION: Final = "Missing or invalid Authorization header"
MISSING_STATUS: Final = "API key required"
INVALID_FORMAT: Final = "Invalid API key format"
INVALID_KEY: Final = "Invalid API key"
PLAN_REQUIRED: Final = (
    "API access requires the API plan (\u20ac59.99/mo). Please upgrade your subscription."
)
_BEARER: Final = b"bearer"
_WHITESPACE: Final = b" \t"


@dataclass(frozen=True, slots=True)
class Denied:
    """A refused request: status and message of the error envelope."""

    status: int
    message: str


def query_values(query_string: bytes, name: str) -> list[bytes]:
    """Every value of a query parameter, percent-decoded to bytes, in order."""
    wanted = name.encode()
    values = []
    for pair in query_string.split(b"&"):
        field, _, value = pair.partition(b"=")
        if unquote_to_bytes(field.replace(b"+", b" ")) == wanted:
            values.append(unquote_to_bytes(value.replace(b"+", b" ")))
    return values


def _bearer_key(value: bytes) -> bytes | None:
    # RFC 7235: the scheme name is case-insensitive; the key is what follows
    # the first run of spaces.
    scheme, _, rest = value.strip(_WHITESPACE).partition(b" ")
    key = rest.strip(_WHITESPACE)
    return key if scheme.lower() == _BEARER and key else None


def extract_key(
    headers: Sequence[tuple[bytes, bytes]],
    query_string: bytes,
    *,
    read_x_api_key: bool = True,
    read_query: bool = True,
) -> bytes | None:
    """The key a request carries, or None when it carries none or a malformed one.

    The documentation calls the three methods equivalent (API-FACTS 3.1) and
    does not say which wins when several are given. This mock decides:
    `Authorization: Bearer <key>` first, then `X-API-Key`, then `?api_key=`.
    An `Authorization` header that is present but not of the form
    `Bearer <key>` is a failure of its own (the "invalid Authorization header"
    of the documented message), whatever else the request carries. Header
    names are case-insensitive (the server lower-cases them). A credential
    given twice (two headers, or two query parameters) is treated as
    malformed, since the mock cannot know which one was meant. Empty values
    count as absent.
    """
    authorization = [value for name, value in headers if name == b"authorization"]
    if authorization:
        return _bearer_key(authorization[0]) if len(authorization) == 1 else None
    if read_x_api_key:
        x_api_key = [value for name, value in headers if name == b"x-api-key"]
        if len(x_api_key) > 1:
            return None
        if x_api_key and x_api_key[0].strip(_WHITESPACE):
            return x_api_key[0]
    if read_query and query_string:
        from_query = query_values(query_string, "api_key")
        if len(from_query) == 1 and from_query[0]:
            return from_query[0]
    return None


def authenticate(
    key: bytes | None,
    *,
    store: AccountStore,
    has_access: Callable[[Plan], bool],
    missing_message: str,
    behaviour: Behaviour,
    fallback_user_id: str | None = None,
) -> User | Denied:
    """The calling user, or why the request is refused, in the documented order."""
    if key is None:
        return Denied(401, behaviour.missing_credential_message or missing_message)
    if not key.startswith(PREFIX_BYTES):
        return Denied(401, behaviour.format_message or INVALID_FORMAT)
    user = store.find(key, include_retired=behaviour.keep_old_keys)
    if user is None and behaviour.accept_any_key and fallback_user_id is not None:
        user = store.get(fallback_user_id)
    if user is None or not (user.active or behaviour.accept_inactive):
        return Denied(401, INVALID_KEY)
    if not has_access(user.plan):
        return Denied(behaviour.plan_denied_status, PLAN_REQUIRED)
    return user
