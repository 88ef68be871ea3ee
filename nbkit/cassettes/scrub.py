"""Scrub keys out of interactions before vcrpy writes them: placeholders that keep the key's role.

The hooks run on every request and response vcrpy is about to store, so no key
reaches the disk: the keys the recorder sent become their role's placeholder
wherever they appear (headers, URL, bodies; an API may echo one), any other
`nb_` key becomes the role-less placeholder, and cookies and the mock's admin
token are dropped.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from nbkit.contract import KeyRole, load_auth_table
from nbkit.keys import PREFIX
from nbkit.types import JSON

if TYPE_CHECKING:
    from vcr.request import Request  # type: ignore[import-untyped]

__all__ = [
    "DROPPED_REQUEST_HEADERS",
    "DROPPED_RESPONSE_HEADERS",
    "ROLELESS_PLACEHOLDER",
    "Scrubber",
    "is_placeholder",
    "scrub_credential",
    "scrub_text",
]

# A key nobody sent on purpose (found in a body or an unexpected header): no role can be
# placed, so it stands as the unknown key's placeholder, never as itself.
ROLELESS_PLACEHOLDER: Final = str(KeyRole.UNKNOWN.placeholder)
_ALL_PLACEHOLDERS: Final = frozenset(role.placeholder for role in KeyRole if role.placeholder)

# Any nb_ token: the prefix, then what a key body can hold. Broader than the audit's rule
# on purpose (any length from 6): scrubbing an identifier costs nothing, missing a key does.
_LEFTOVER: Final = re.compile(re.escape(PREFIX) + r"[A-Za-z0-9_\-+/=.]{6,}")

DROPPED_REQUEST_HEADERS: Final = frozenset({"cookie", "proxy-authorization", "x-nbkit-admin-token"})
DROPPED_RESPONSE_HEADERS: Final = frozenset({"set-cookie", "set-cookie2"})
# Where a credential travels (contracts/auth.yaml): a header holding a scheme and the key,
# headers holding the key alone, and query parameters.
_SCHEME_HEADERS: Final = frozenset(
    m.name.lower()
    for m in load_auth_table().methods
    if m.location == "header" and m.template != "{key}"
)
_KEY_HEADERS: Final = frozenset(
    m.name.lower()
    for m in load_auth_table().methods
    if m.location == "header" and m.template == "{key}"
)
_KEY_QUERIES: Final = frozenset(m.name for m in load_auth_table().methods if m.location == "query")
# The mock's control API: setup requests, never part of a recording.
_CONTROL_PATH: Final = "/_nbkit/"


def is_placeholder(value: str) -> bool:
    """Whether a value is one of the placeholders scrubbing writes."""
    return value in _ALL_PLACEHOLDERS


def _keep_or_replace(match: re.Match[str]) -> str:
    token = match.group(0)
    return token if token in _ALL_PLACEHOLDERS else ROLELESS_PLACEHOLDER


def scrub_text(text: str, secrets: Mapping[str, str]) -> str:
    """`text` with known keys as their placeholders and any other nb_ key as the role-less one."""
    # Longest first, so that a key containing another is replaced whole.
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, secrets[secret])
    return _LEFTOVER.sub(_keep_or_replace, text)


def scrub_credential(value: str, secrets: Mapping[str, str]) -> str:
    """A whole credential value: its placeholder, or the role-less one if it is not a known key."""
    scrubbed = scrub_text(value.strip(), secrets)
    return scrubbed if scrubbed in _ALL_PLACEHOLDERS else ROLELESS_PLACEHOLDER


def _authorization(value: str, secrets: Mapping[str, str]) -> str:
    scheme, _, credential = value.partition(" ")
    if scheme.lower() == "bearer" and credential:
        return f"{scheme} {scrub_credential(credential, secrets)}"
    # Another scheme (Basic, ...) is a credential too, and nothing here can keep its meaning.
    return ROLELESS_PLACEHOLDER


def _scrub_body(body: object, secrets: Mapping[str, str]) -> object:
    if isinstance(body, bytes):
        text = body.decode("utf-8", "surrogateescape")
        return scrub_text(text, secrets).encode("utf-8", "surrogateescape")
    if isinstance(body, str):
        return scrub_text(body, secrets)
    return body


def _scrub_uri(uri: str, secrets: Mapping[str, str], origins: Mapping[str, str]) -> str:
    parts = urlsplit(uri)
    query = [
        (name, scrub_credential(value, secrets) if name in _KEY_QUERIES else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    uri = urlunsplit(parts._replace(query=urlencode(query)))
    for origin, alias in origins.items():
        if uri.startswith(origin + "/"):
            uri = alias + uri[len(origin) :]
    return scrub_text(uri, secrets)


@dataclass(frozen=True, slots=True)
class Scrubber:
    """vcrpy's before_record_request / before_record_response hooks for one recording."""

    # Key sent -> its placeholder. Never shown.
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)
    # Origin as recorded -> origin written (the mock's random port is dropped).
    origins: Mapping[str, str] = field(default_factory=dict)
    # Response header (lower case) -> the value written: a seeded mock's Date, which
    # its HTTP server takes from the wall clock, as the mock's own clock says it.
    response_headers: Mapping[str, str] = field(default_factory=dict)

    def request(self, request: Request) -> Request | None:
        """The request as stored; None (not stored) for the mock's control API."""
        if urlsplit(request.uri).path.startswith(_CONTROL_PATH):
            return None
        headers: dict[str, str] = {}
        for name, value in request.headers.items():
            lower = name.lower()
            if lower in DROPPED_REQUEST_HEADERS:
                continue
            if lower == "host":
                headers[name] = self._host(value)
            elif lower in _SCHEME_HEADERS:
                headers[name] = _authorization(value, self.secrets)
            elif lower in _KEY_HEADERS:
                headers[name] = scrub_credential(value, self.secrets)
            else:
                headers[name] = scrub_text(value, self.secrets)
        request.headers = headers
        request.uri = _scrub_uri(request.uri, self.secrets, self.origins)
        request.body = _scrub_body(request.body, self.secrets)
        return request

    def _host(self, value: str) -> str:
        for origin, alias in self.origins.items():
            if value == urlsplit(origin).netloc:
                return urlsplit(alias).netloc
        return scrub_text(value, self.secrets)

    def response(self, response: JSON) -> JSON:
        """The response as stored: keys scrubbed from headers and body, cookies dropped."""
        response = copy.deepcopy(response)
        headers = response.get("headers") or {}
        kept: dict[str, list[str]] = {}
        for name, values in headers.items():
            if str(name).lower() in DROPPED_RESPONSE_HEADERS:
                continue
            listed = values if isinstance(values, list) else [values]
            fixed = self.response_headers.get(str(name).lower())
            kept[name] = (
                [fixed] if fixed is not None else [scrub_text(str(v), self.secrets) for v in listed]
            )
        body = response.get("body") or {}
        if "string" in body:
            body["string"] = _scrub_body(body["string"], self.secrets)
            size = body["string"]
            length = len(size.encode() if isinstance(size, str) else size or b"")
            for name in kept:
                # A placeholder is shorter or longer than the key it replaced.
                if name.lower() == "content-length":
                    kept[name] = [str(length)]
        response["headers"] = kept
        return response
