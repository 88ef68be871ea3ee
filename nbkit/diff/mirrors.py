"""Which response rule mirrors each request rule, or why a request rule has none.

Most schema rules come in pairs: the same change judged on what the client
sends and on what it receives. `mirror_of` names the pair; WAIVERS say why a
request rule has no response mirror.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from nbkit.diff.change import Direction
from nbkit.diff.pair import Rule

__all__ = ["MIRRORS", "WAIVERS", "mirror_of"]

# Request rules whose mirror is not simply `response-` + the rest of the id.
MIRRORS: Final[Mapping[str, str]] = {
    "request-param-removed": "response-header-removed",
    "request-param-added-required": "response-header-added",
    "request-param-added-optional": "response-header-added",
    "request-param-became-required": "response-header-became-required",
    "request-param-became-optional": "response-header-became-optional",
    "request-property-refused": "response-property-removed",
    "request-property-added-required": "response-property-added",
    "request-property-added-optional": "response-property-added",
}

_W_OP: Final = (
    "an operation is one request and its responses; its removal or addition is reported once"
)

_W_RATE: Final = (
    "a rate limit bounds what the client sends; what it receives shows in"
    " the rate_limit body schema and the X-RateLimit-* headers"
)

_W_SEC: Final = (
    "credentials travel only in requests; the auth-* rules judge the errors the client receives"
)

_W_BODY: Final = (
    "a response body has no `required` flag; its statuses, media types and schema are judged"
)

_W_SERVER: Final = "a server is where requests go; a response has no server of its own"

_W_REN: Final = (
    "a response header cannot be matched across a rename;"
    " response-header-removed and response-header-added report it"
)

# Request rules with no response mirror, and why.
WAIVERS: Final[Mapping[str, str]] = {
    "operation-removed": _W_OP,
    "operation-added": _W_OP,
    "rate-limit-lowered": _W_RATE,
    "rate-limit-raised": _W_RATE,
    "rate-limit-policy-changed": _W_RATE,
    "request-param-renamed": _W_REN,
    "request-body-became-required": _W_BODY,
    "request-body-became-optional": _W_BODY,
    "server-removed": _W_SERVER,
    "server-added": _W_SERVER,
    "security-requirement-tightened": _W_SEC,
    "security-requirement-loosened": _W_SEC,
    "security-scheme-removed": _W_SEC,
    "security-scheme-renamed": _W_SEC,
    "security-scheme-changed": _W_SEC,
    "security-scheme-added": _W_SEC,
    "security-api-key-query-dropped": _W_SEC,
    "security-api-key-header-dropped": _W_SEC,
    "security-method-dropped": _W_SEC,
    "security-method-added": _W_SEC,
    "security-preferred-method-changed": _W_SEC,
    "security-key-prefix-changed": _W_SEC,
    "security-key-pattern-changed": _W_SEC,
}


def mirror_of(rule: Rule) -> str | None:
    """The id of the response rule that judges the same change as a request rule."""
    if rule.direction is not Direction.REQUEST or rule.id in WAIVERS:
        return None
    return MIRRORS.get(rule.id, rule.id.replace("request-", "response-", 1))
