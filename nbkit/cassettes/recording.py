"""nbkit's scrubbing and matching for anyone's vcrpy recordings of the API.

A client team records its own client (requests, httpx, urllib3, aiohttp: any
library vcrpy patches) and gets what nbkit's own cassettes get: every key
replaced by its role's placeholder (the roles' `NB_*` variables say which key
is which; a key no variable names becomes the unknown key's placeholder),
cookies dropped, the API's origin written as the documented one, and the key
audit run on the cassette before it is written. Replay matches on the method,
the path, the query without the key, the body and the key's *role*, so a
client whose key differs from the recorder's replays the same cassette.

Plain vcrpy: `my_vcr = nbkit.cassettes.recording.make_vcr()`.
pytest-recording: `pytest_plugins = ["nbkit.cassettes.pytest_recording"]` in conftest.py.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from nbkit.cassettes.scrub import Scrubber
from nbkit.contract import KeyRole, api_prefix, documented_base_url, load_auth_table
from nbkit.contract.roles import ROLES_FROM_TARGET, AuthKeys, role_of_placeholder
from nbkit.errors import InputError
from nbkit.keys import PREFIX
from nbkit.types import JSON

if TYPE_CHECKING:
    import vcr  # type: ignore[import-untyped]
    from vcr.request import Request  # type: ignore[import-untyped]

__all__ = [
    "DOCUMENTED_BASE_URL",
    "MATCH_ON",
    "KeyInCassette",
    "auth_role",
    "before_record_request",
    "before_record_response",
    "make_vcr",
    "match_auth_role",
    "match_body",
    "match_query_without_key",
    "persister",
    "register",
    "vcr_config",
]

# The base URL the API documents: what committed cassettes say they called.
DOCUMENTED_BASE_URL: Final = documented_base_url()
# The named matchers `register` adds, and the whole match list.
QUERY_MATCHER: Final = "nbkit_query"
BODY_MATCHER: Final = "nbkit_body"
ROLE_MATCHER: Final = "nbkit_auth_role"
MATCH_ON: Final = ("method", "path", QUERY_MATCHER, BODY_MATCHER, ROLE_MATCHER)
_METHODS: Final = load_auth_table().methods
_KEY_QUERIES: Final = frozenset(m.name for m in _METHODS if m.location == "query")


class KeyInCassette(InputError):
    """Raised instead of writing a cassette in which the key audit still finds a key."""


def _secrets(env: Mapping[str, str]) -> dict[str, str]:
    """Each key the roles' NB_* variables give -> its role's placeholder."""
    keys = AuthKeys.from_env(env)
    return {
        key: str(role.placeholder)
        for role in ROLES_FROM_TARGET
        if (key := keys.get(role)) is not None and role.placeholder is not None
    }


def _at_base(uri: str, base_url: str) -> str:
    """`uri` moved onto `base_url` when it addresses the API (its path is under /api/v1/)."""
    parts = urlsplit(uri)
    prefix = api_prefix()
    if not parts.path.startswith(prefix):
        return uri
    base = urlsplit(base_url)
    path = base.path.rstrip("/") + "/" + parts.path[len(prefix) :]
    return urlunsplit((base.scheme, base.netloc, path, parts.query, parts.fragment))


def before_record_request(
    env: Mapping[str, str] | None = None, *, base_url: str = DOCUMENTED_BASE_URL
) -> Callable[[Request], Request | None]:
    """vcrpy's request hook: keys by role (from `env`, default os.environ at each call)."""

    def hook(request: Request) -> Request | None:
        scrubber = Scrubber(_secrets(os.environ if env is None else env))
        scrubbed = scrubber.request(request)
        if scrubbed is None:
            return None
        scrubbed.uri = _at_base(scrubbed.uri, base_url)
        for name in list(scrubbed.headers):
            if name.lower() == "host":
                scrubbed.headers[name] = urlsplit(scrubbed.uri).netloc
        return scrubbed

    return hook


def before_record_response(
    env: Mapping[str, str] | None = None,
) -> Callable[[JSON], JSON]:
    """vcrpy's response hook: keys in headers and body scrubbed, cookies dropped."""

    def hook(response: JSON) -> JSON:
        return Scrubber(_secrets(os.environ if env is None else env)).response(response)

    return hook


def _credential(request: Request) -> tuple[str, str | None]:
    """Where the request's key travels (auth.yaml's method id) and its value; none first."""
    headers = {name.lower(): value for name, value in request.headers.items()}
    query = parse_qsl(urlsplit(request.uri).query, keep_blank_values=True)
    for method in _METHODS:
        if method.location == "header":
            value = headers.get(method.name.lower())
        else:
            value = next((v for n, v in query if n == method.name), None)
        if value is not None:
            scheme = method.template != "{key}"
            return method.id, value.partition(" ")[2] if scheme else value
    return "none", None


def auth_role(request: Request, env: Mapping[str, str] | None = None) -> tuple[str, KeyRole]:
    """Where a request's key travels and its role: a placeholder's, an NB_* variable's, or
    the unknown (nb_ key) or malformed (no prefix) role."""
    where, value = _credential(request)
    if value is None:
        return where, KeyRole.NONE
    value = value.strip()
    placed = role_of_placeholder(value)
    if placed is None:
        keys = AuthKeys.from_env(os.environ if env is None else env)
        placed = next((role for role in ROLES_FROM_TARGET if keys.get(role) == value), None)
    if placed is None:
        placed = KeyRole.UNKNOWN if value.startswith(PREFIX) else KeyRole.MALFORMED
    return where, placed


def match_auth_role(r1: Request, r2: Request) -> None:
    """vcrpy matcher: the same credential location and key role (never the key value)."""
    one, two = auth_role(r1), auth_role(r2)
    if one != two:
        raise AssertionError(f"auth {one[0]}/{one[1]} != {two[0]}/{two[1]}")


def _query_without_key(request: Request) -> list[tuple[str, str]]:
    query = parse_qsl(urlsplit(request.uri).query, keep_blank_values=True)
    return sorted((n, v) for n, v in query if n not in _KEY_QUERIES)


def match_query_without_key(r1: Request, r2: Request) -> None:
    """vcrpy matcher: the same query, the key parameter left out (the role matcher judges it)."""
    if _query_without_key(r1) != _query_without_key(r2):
        raise AssertionError("query differs")


def _body(request: Request) -> bytes:
    """A body as the API reads it: none and empty alike, JSON by value (any spacing)."""
    body = request.body
    raw = body.encode("utf-8", "surrogateescape") if isinstance(body, str) else (body or b"")
    try:
        # Re-serialised, not compared as Python values: 1 == True == 1.0 there, not in JSON.
        return json.dumps(json.loads(raw), sort_keys=True).encode() if raw else b""
    except ValueError:
        return raw


def match_body(r1: Request, r2: Request) -> None:
    """vcrpy matcher: the same body, whichever library serialised it (JSON compared by value)."""
    if _body(r1) != _body(r2):
        raise AssertionError("body differs")


def _audit_text(name: str, text: str) -> int:
    """How many keys the key audit finds in `text`, written to a private temporary folder."""
    from nbkit.cassettes.verify import audit_tree

    with tempfile.TemporaryDirectory(prefix="nbkit-cassette-") as folder:
        (Path(folder) / name).write_text(text, encoding="utf-8")
        return len(audit_tree(Path(folder)))


class _AuditingPersister:
    """vcrpy's filesystem persister, refusing to write a cassette the audit finds a key in."""

    @classmethod
    def load_cassette(cls, cassette_path: str, serializer: Any) -> Any:
        from vcr.persisters.filesystem import FilesystemPersister  # type: ignore[import-untyped]

        return FilesystemPersister.load_cassette(cassette_path, serializer)

    @staticmethod
    def save_cassette(cassette_path: str, cassette_dict: Any, serializer: Any) -> None:
        from vcr.serialize import serialize  # type: ignore[import-untyped]

        path = Path(cassette_path)
        data = serialize(cassette_dict, serializer)
        found = _audit_text(path.name or "cassette.yaml", data)
        if found:
            raise KeyInCassette(
                f"{path}: the key audit found {found} key(s) after scrubbing; nothing written"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data, encoding="utf-8")


persister: Final = _AuditingPersister


def vcr_config(*, base_url: str = DOCUMENTED_BASE_URL) -> dict[str, Any]:
    """vcrpy / pytest-recording settings: YAML, nbkit's scrubbing hooks and matchers.

    The matchers are named: `register(vcr)` adds them (and the auditing persister)
    to a vcrpy configuration; `make_vcr()` and the pytest plugin do that for you.
    """
    return {
        "serializer": "yaml",
        "match_on": MATCH_ON,
        "before_record_request": before_record_request(base_url=base_url),
        "before_record_response": before_record_response(),
        "decode_compressed_response": True,
    }


def register(config: vcr.VCR) -> vcr.VCR:
    """Add nbkit's named matchers and its auditing persister to a vcrpy configuration."""
    config.register_matcher(QUERY_MATCHER, match_query_without_key)
    config.register_matcher(BODY_MATCHER, match_body)
    config.register_matcher(ROLE_MATCHER, match_auth_role)
    config.register_persister(persister)
    return config


def make_vcr(*, base_url: str = DOCUMENTED_BASE_URL, **overrides: Any) -> vcr.VCR:
    """A vcrpy configuration with nbkit's scrubbing, matching and audit (`overrides` win)."""
    import vcr

    return register(vcr.VCR(**{**vcr_config(base_url=base_url), **overrides}))
