"""Checks on security schemes, the methods each operation accepts, and the key's pattern.

oasdiff reports security changes as informational; for this API they decide
whether a client can call at all, so most of these rules are breaking.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from nbkit.diff.pair import Delta, Pair
from nbkit.types import JSON

__all__ = [
    "ANONYMOUS",
    "API_KEY_HEADER",
    "API_KEY_QUERY",
    "key_pattern_changed",
    "key_prefix",
    "key_prefix_changed",
    "method_of",
    "security_api_key_header_dropped",
    "security_api_key_query_dropped",
    "security_method_added",
    "security_method_dropped",
    "security_preferred_method_changed",
    "security_requirement_loosened",
    "security_requirement_tightened",
    "security_scheme_added",
    "security_scheme_changed",
    "security_scheme_removed",
    "security_scheme_renamed",
]

# The two key methods the issue singles out (API-FACTS 3.1: X-API-Key header, api_key query).
API_KEY_HEADER: Final = "apiKey header x-api-key"
API_KEY_QUERY: Final = "apiKey query api_key"
# An empty requirement `{}` lets a request through without credentials.
ANONYMOUS: Final = "anonymous"

# A literal run at the start of an anchored pattern: letters, digits, `_`, `-`, escaped marks.
_LITERAL: Final = re.compile(r"\^((?:[A-Za-z0-9_-]|\\[^A-Za-z0-9])*)")
_QUANTIFIERS: Final = frozenset("?*+{")


def method_of(scheme: JSON) -> str:
    """How a scheme puts the credential on the wire, e.g. `http bearer`; names are not part."""
    if not isinstance(scheme, Mapping):
        return "unknown"
    kind = str(scheme.get("type", "unknown"))
    if kind == "http":
        return f"http {str(scheme.get('scheme', '')).lower()}"
    if kind == "apiKey":
        where = str(scheme.get("in", ""))
        name = str(scheme.get("name", ""))
        # Header names are case-insensitive on the wire; query names are not.
        return f"apiKey {where} {name.lower() if where == 'header' else name}"
    return kind


def security_scheme_removed(pair: Pair) -> Delta | None:
    """A scheme is gone from components.securitySchemes."""
    if pair.before is None or pair.after is not None:
        return None
    return Delta(pair.before_name, None)


def security_scheme_added(pair: Pair) -> Delta | None:
    """A new scheme in components.securitySchemes."""
    if pair.before is not None or pair.after is None:
        return None
    return Delta(None, pair.after_name)


def security_scheme_renamed(pair: Pair) -> Delta | None:
    """The same scheme under a new name: requirements and generated clients name it."""
    if pair.before is None or pair.after is None or pair.before_name == pair.after_name:
        return None
    return Delta(pair.before_name, pair.after_name)


def security_scheme_changed(pair: Pair) -> Delta | None:
    """A scheme kept its name but sends the credential another way."""
    if pair.before is None or pair.after is None:
        return None
    before, after = method_of(pair.before), method_of(pair.after)
    return None if before == after else Delta(before, after)


def _requirements(value: JSON) -> list[frozenset[str]]:
    """An operation's requirements: each the set of methods a request must all use."""
    if not isinstance(value, list):
        return []
    return [frozenset(map(str, entry)) for entry in value if isinstance(entry, list)]


def _methods(value: JSON) -> list[str]:
    """Every method any requirement uses, in the order they are listed."""
    found: list[str] = []
    for entry in value if isinstance(value, list) else ():
        for method in entry if isinstance(entry, list) else ():
            if str(method) not in found:
                found.append(str(method))
    return found


def _listed(requirements: list[frozenset[str]]) -> JSON:
    return [sorted(entry) for entry in requirements]


def _credentials(entry: frozenset[str]) -> frozenset[str]:
    # `anonymous` asks for nothing: the empty set of credentials.
    return entry - {ANONYMOUS}


def _unmet(wanted: JSON, offered: JSON) -> list[frozenset[str]]:
    """Requirements of `wanted` whose credentials satisfy no requirement of `offered`.

    A client that sends the credentials of such a requirement is let through by
    one side and turned away by the other.
    """
    options = [_credentials(entry) for entry in _requirements(offered)]
    return [
        entry
        for entry in _requirements(wanted)
        if not any(option <= _credentials(entry) for option in options)
    ]


def security_requirement_tightened(pair: Pair) -> Delta | None:
    """Credentials that were enough for the operation no longer are (an OR became an AND)."""
    known = set(_methods(pair.after))
    # A requirement that lost a method altogether is the method rules' to report.
    lost = [entry for entry in _unmet(pair.before, pair.after) if entry <= known]
    return Delta(_listed(lost), _listed(_requirements(pair.after))) if lost else None


def security_requirement_loosened(pair: Pair) -> Delta | None:
    """Credentials that were not enough for the operation now are (an AND became an OR)."""
    known = set(_methods(pair.before))
    new = [entry for entry in _unmet(pair.after, pair.before) if entry <= known]
    return Delta(_listed(_requirements(pair.before)), _listed(new)) if new else None


def _gone(pair: Pair) -> list[str]:
    """Methods no longer accepted whose loss turns away a client that used them.

    A method dropped from a requirement that another requirement still covers
    (`bearer AND key` became `key`) locks nobody out.
    """
    after = _methods(pair.after)
    unmet = _unmet(pair.before, pair.after)
    return [
        method
        for method in _methods(pair.before)
        if method not in after and any(method in entry for entry in unmet)
    ]


def _dropped(pair: Pair, method: str) -> Delta | None:
    return Delta(method, None) if method in _gone(pair) else None


def security_api_key_query_dropped(pair: Pair) -> Delta | None:
    """The operation no longer accepts the key in the `api_key` query parameter."""
    return _dropped(pair, API_KEY_QUERY)


def security_api_key_header_dropped(pair: Pair) -> Delta | None:
    """The operation no longer accepts the key in the `X-API-Key` header."""
    return _dropped(pair, API_KEY_HEADER)


def security_method_dropped(pair: Pair) -> Delta | None:
    """The operation no longer accepts another method (bearer, or no credentials at all)."""
    gone = [method for method in _gone(pair) if method not in (API_KEY_QUERY, API_KEY_HEADER)]
    return Delta(gone, None) if gone else None


def security_method_added(pair: Pair) -> Delta | None:
    """The operation accepts a method it did not before."""
    before = _methods(pair.before)
    new = [method for method in _methods(pair.after) if method not in before]
    return Delta(None, new) if new else None


def security_preferred_method_changed(pair: Pair) -> Delta | None:
    """The first listed method, the one the docs recommend, is another one still accepted."""
    before, after = _methods(pair.before), _methods(pair.after)
    if not before or not after or before[0] == after[0] or before[0] not in after:
        return None
    return Delta(before[0], after[0])


def key_prefix(pattern: JSON) -> str | None:
    """The literal text an anchored key pattern starts with (`^nb_\\S+$` gives `nb_`)."""
    if not isinstance(pattern, str):
        return None
    match = _LITERAL.match(pattern)
    if match is None:
        return None
    literal = match.group(1)
    # A quantifier after the run applies to its last character, which is then not fixed.
    if pattern[match.end() : match.end() + 1] in _QUANTIFIERS and literal:
        literal = literal[:-2] if literal[-2:-1] == "\\" else literal[:-1]
    return re.sub(r"\\(.)", r"\1", literal) or None


def _key_patterns(pair: Pair) -> tuple[JSON, JSON]:
    before = pair.before.get("pattern") if isinstance(pair.before, Mapping) else None
    after = pair.after.get("pattern") if isinstance(pair.after, Mapping) else None
    return before, after


def key_prefix_changed(pair: Pair) -> Delta | None:
    """Keys must start with another prefix, or a prefix appeared or went away."""
    if pair.before is None or pair.after is None:
        return None
    before, after = (key_prefix(pattern) for pattern in _key_patterns(pair))
    return None if before == after else Delta(before, after, "pattern")


def key_pattern_changed(pair: Pair) -> Delta | None:
    """The key pattern changed while the prefix stayed."""
    if pair.before is None or pair.after is None:
        return None
    before, after = _key_patterns(pair)
    if before == after or key_prefix(before) != key_prefix(after):
        return None
    return Delta(before, after, "pattern")
