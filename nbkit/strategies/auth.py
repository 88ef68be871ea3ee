"""Hypothesis strategies for keys and auth requests, each labelled by auth.yaml.

Every `AuthRequest` carries `label`: the id of the `contracts/auth.yaml`
condition it falls under (`unknown-key`, `authorization-not-bearer`, ...), or
the id of the open question it probes (`precedence`, `scheme-case`, ...) when
the documentation leaves its answer open. Keys never appear in a `repr`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Literal

from hypothesis import strategies as st

from nbkit.contract import KeyRole, Method, Request, load_auth_table
from nbkit.contract.roles import AuthKeys
from nbkit.keys import BODY_ALPHABET, PREFIX, redact

__all__ = [
    "CASES",
    "SCHEME_VARIANTS",
    "AuthCase",
    "AuthKeys",
    "AuthRequest",
    "Credential",
    "auth_requests",
    "blank_values",
    "keys_without_prefix",
    "long_keys",
    "padded",
    "requests_for",
    "unicode_keys",
    "unknown_keys",
    "well_formed_keys",
    "wrong_scheme_values",
]

# Characters Python's `\S` (and the api-key schema's `\S`) does not match.
_WHITESPACE: Final = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u3000\ufeff"
_PADDING: Final = st.text(alphabet=" \t", min_size=1, max_size=3)
# Over 4 KiB (a common header-size fault line) and under the 8 KiB many servers
# cap one header line at, so the value reaches the application.
LONG_MIN: Final = 4200
LONG_MAX: Final = 7000


def well_formed_keys(*, min_size: int = 20, max_size: int = 64) -> st.SearchStrategy[str]:
    """Keys of the documented shape (`nb_` and a base62 body); random, so no account has them."""
    return st.text(alphabet=BODY_ALPHABET, min_size=min_size, max_size=max_size).map(
        lambda body: PREFIX + body
    )


def unknown_keys() -> st.SearchStrategy[str]:
    """Well-formed keys that no account has (random 20+ character bodies)."""
    return well_formed_keys()


def keys_without_prefix() -> st.SearchStrategy[str]:
    """Non-blank values without whitespace that do not start with `nb_`."""
    body = st.text(alphabet=BODY_ALPHABET, min_size=8, max_size=48)
    prefixed = st.tuples(st.sampled_from(("", "NB_", "Nb_", "nb-", "nb", "sk-", "sk_")), body)
    return prefixed.map("".join).filter(lambda value: not value.startswith(PREFIX))


def blank_values() -> st.SearchStrategy[str]:
    """Empty and whitespace-only values."""
    return st.sampled_from(("", " ", "  ", "\t"))


def padded(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Values with spaces or tabs before, after, or on both sides."""
    pad = st.one_of(st.just(""), _PADDING)
    return st.tuples(pad, values, pad).filter(lambda t: bool(t[0] or t[2])).map("".join)


def unicode_keys(*, control: bool = False) -> st.SearchStrategy[str]:
    """`nb_` and a body of non-ASCII, non-whitespace characters (control characters if asked).

    Header values cannot carry control characters (HTTP clients refuse to send
    them), so only query values should ask for `control=True`.
    """
    categories: tuple[Literal["L", "M", "N", "P", "S", "Cc"], ...] = ("L", "M", "N", "P", "S")
    if control:
        categories = (*categories, "Cc")
    chars = st.characters(categories=categories, exclude_characters=_WHITESPACE, min_codepoint=0x01)
    body = st.text(alphabet=chars, min_size=1, max_size=24).filter(
        lambda text: any(ord(c) > 0x7F or ord(c) < 0x20 for c in text)
    )
    return body.map(lambda text: PREFIX + text)


def long_keys(*, min_size: int = LONG_MIN, max_size: int = LONG_MAX) -> st.SearchStrategy[str]:
    """Well-formed keys of several kilobytes."""
    size = st.integers(min_value=min_size, max_value=max_size)
    return st.tuples(size, st.sampled_from(BODY_ALPHABET)).map(
        lambda t: PREFIX + t[1] * (t[0] - len(PREFIX))
    )


# The variants auth.yaml's authorization-not-bearer names, and the values of each.
SCHEME_VARIANTS: Final = ("another scheme", "no scheme", "nothing after it")


def wrong_scheme_values(key: str, variant: str | None = None) -> st.SearchStrategy[str]:
    """Authorization values that are not `Bearer <key>`, of one variant (default: any)."""
    basic = base64.b64encode(f"user:{key}".encode()).decode()
    values = {
        "another scheme": (f"Basic {basic}", f"Token {key}", f"ApiKey {key}"),
        "no scheme": (key, f"Bearer{key}", ""),
        # HTTP drops trailing whitespace, so `Bearer ` reaches the server as `Bearer`.
        "nothing after it": ("Bearer",),
    }
    if variant is None:
        return st.sampled_from([v for group in values.values() for v in group])
    if variant not in values:
        raise ValueError(f"unknown variant {variant!r}; choose from {', '.join(values)}")
    return st.sampled_from(values[variant])


def _display(value: str) -> str:
    return f"{redact(value)} ({len(value)} chars)"


@dataclass(frozen=True, slots=True)
class Credential:
    """One value placed in a header or a query parameter; its repr never shows the value."""

    location: Literal["header", "query"]
    name: str
    value: str = field(repr=False)

    def __repr__(self) -> str:
        return f"Credential({self.location} {self.name}={_display(self.value)})"


@dataclass(frozen=True, slots=True)
class AuthRequest:
    """The credentials of one request and what the documentation says about them."""

    case: str
    method: str
    label: str
    credentials: tuple[Credential, ...]

    def headers(self) -> list[tuple[str, str]]:
        """Header pairs, in order, duplicates kept."""
        return [(c.name, c.value) for c in self.credentials if c.location == "header"]

    def params(self) -> list[tuple[str, str]]:
        """Query pairs, in order, duplicates kept."""
        return [(c.name, c.value) for c in self.credentials if c.location == "query"]

    def apply(self, request: Request) -> Request:
        """`request` carrying these credentials, in order, duplicates kept."""
        for credential in self.credentials:
            if credential.location == "header":
                request = request.with_header(credential.name, credential.value)
            else:
                request = request.with_param(credential.name, credential.value)
        return request


# How one case builds the credential values for a method, from the target's keys;
# None when the keys it needs are missing.
Build = Callable[[Method, AuthKeys], "st.SearchStrategy[tuple[Credential, ...]] | None"]


@dataclass(frozen=True, slots=True)
class AuthCase:
    """One row of the case table: what is sent and which auth.yaml id judges it."""

    id: str
    label: str
    methods: tuple[str, ...] | None  # None: one request without a method (`none`)
    needs: KeyRole | None  # the role whose key it needs
    build: Build
    description: str
    # The variant of its auth.yaml condition it draws, as the condition's description names it.
    variant: str | None = None


def _put(
    method: Method, values: st.SearchStrategy[str]
) -> st.SearchStrategy[tuple[Credential, ...]]:
    """Each value rendered by the method's template into its one place."""
    return values.map(lambda v: (Credential(method.location, method.name, method.render(v)),))


def _raw(
    method: Method, values: st.SearchStrategy[str]
) -> st.SearchStrategy[tuple[Credential, ...]]:
    """Each value as the whole header or parameter, without the method's template."""
    return values.map(lambda v: (Credential(method.location, method.name, v),))


def _fixed(role: KeyRole) -> Build:
    def build(method: Method, keys: AuthKeys) -> st.SearchStrategy[tuple[Credential, ...]] | None:
        key = keys.get(role)
        return None if key is None else _put(method, st.just(key))

    return build


def _nothing(method: Method, keys: AuthKeys) -> st.SearchStrategy[tuple[Credential, ...]]:
    return st.just(())


def _unknown(method: Method, keys: AuthKeys) -> st.SearchStrategy[tuple[Credential, ...]]:
    return _put(method, unknown_keys())


def _long(method: Method, keys: AuthKeys) -> st.SearchStrategy[tuple[Credential, ...]]:
    return _put(method, long_keys())


def _unicode(method: Method, keys: AuthKeys) -> st.SearchStrategy[tuple[Credential, ...]]:
    return _put(method, unicode_keys(control=method.location == "query"))


def _no_prefix(method: Method, keys: AuthKeys) -> st.SearchStrategy[tuple[Credential, ...]]:
    return _put(method, keys_without_prefix())


def _wrong_scheme(variant: str) -> Build:
    def build(method: Method, keys: AuthKeys) -> st.SearchStrategy[tuple[Credential, ...]]:
        key = keys.get(KeyRole.VALID)
        keys_drawn = st.just(key) if key else well_formed_keys()
        return _raw(method, keys_drawn.flatmap(lambda k: wrong_scheme_values(k, variant)))

    return build


def _scheme_case(
    method: Method, keys: AuthKeys
) -> st.SearchStrategy[tuple[Credential, ...]] | None:
    if keys.get(KeyRole.VALID) is None:
        return None
    scheme = method.template.split(" ", 1)[0]
    variants = st.sampled_from((scheme.lower(), scheme.upper(), scheme.swapcase()))
    return _raw(
        method,
        variants.map(lambda s: method.template.replace(scheme, s, 1)).map(
            lambda template: template.replace("{key}", keys.get(KeyRole.VALID) or "")
        ),
    )


def _padded(method: Method, keys: AuthKeys) -> st.SearchStrategy[tuple[Credential, ...]] | None:
    key = keys.get(KeyRole.VALID)
    return None if key is None else _put(method, padded(st.just(key)))


def _blank(method: Method, keys: AuthKeys) -> st.SearchStrategy[tuple[Credential, ...]]:
    return _raw(method, blank_values())


def _mixed_keys(keys: AuthKeys) -> st.SearchStrategy[str]:
    options: list[st.SearchStrategy[str]] = [unknown_keys(), keys_without_prefix()]
    key = keys.get(KeyRole.VALID)
    if key is not None:
        options.insert(0, st.just(key))
    return st.one_of(options)


def _duplicate(method: Method, keys: AuthKeys) -> st.SearchStrategy[tuple[Credential, ...]]:
    pair = st.tuples(_mixed_keys(keys), _mixed_keys(keys))
    return pair.map(
        lambda p: tuple(Credential(method.location, method.name, method.render(v)) for v in p)
    )


def _two_places(method: Method, keys: AuthKeys) -> st.SearchStrategy[tuple[Credential, ...]]:
    others = tuple(m for m in load_auth_table().methods if m.id != method.id)
    pair = st.tuples(st.sampled_from(others), _mixed_keys(keys), _mixed_keys(keys))
    return pair.map(
        lambda p: (
            Credential(method.location, method.name, method.render(p[1])),
            Credential(p[0].location, p[0].name, p[0].render(p[2])),
        )
    )


_ALL: Final = ("bearer", "header", "query")
_SINGLE_VALUE: Final = ("header", "query")

CASES: Final = (
    AuthCase("no-credential", "no-credential", None, None, _nothing, "no key anywhere"),
    AuthCase("valid-key", "valid-key", _ALL, KeyRole.VALID, _fixed(KeyRole.VALID), "the valid key"),
    AuthCase("no-prefix", "key-without-prefix", _ALL, None, _no_prefix, "a key without nb_"),
    AuthCase("unknown-key", "unknown-key", _ALL, None, _unknown, "a well-formed unknown key"),
    AuthCase("long-key", "unknown-key", _ALL, None, _long, "an unknown key of 4-7 KiB"),
    AuthCase("unicode-key", "unknown-key", _ALL, None, _unicode, "nb_ and non-ASCII characters"),
    AuthCase(
        "inactive-user",
        "inactive-user",
        _ALL,
        KeyRole.INACTIVE,
        _fixed(KeyRole.INACTIVE),
        "the key of an inactive user",
    ),
    AuthCase(
        "revoked-key",
        "revoked-key",
        _ALL,
        KeyRole.REVOKED,
        _fixed(KeyRole.REVOKED),
        "a key regenerated since",
    ),
    AuthCase(
        "no-plan",
        "plan-without-api-access",
        _ALL,
        KeyRole.NO_PLAN,
        _fixed(KeyRole.NO_PLAN),
        "a key on a plan without API access",
    ),
    AuthCase(
        "other-scheme",
        "authorization-not-bearer",
        ("bearer",),
        None,
        _wrong_scheme("another scheme"),
        "Basic, Token or ApiKey instead of Bearer",
        "another scheme",
    ),
    AuthCase(
        "no-scheme",
        "authorization-not-bearer",
        ("bearer",),
        None,
        _wrong_scheme("no scheme"),
        "the key alone, Bearer without its space, or an empty value",
        "no scheme",
    ),
    AuthCase(
        "bearer-without-key",
        "authorization-not-bearer",
        ("bearer",),
        None,
        _wrong_scheme("nothing after it"),
        "the Bearer scheme and nothing after it",
        "nothing after it",
    ),
    AuthCase(
        "scheme-case",
        "scheme-case",
        ("bearer",),
        KeyRole.VALID,
        _scheme_case,
        "bearer / BEARER with a valid key",
    ),
    # HTTP strips whitespace around a header value, so only a template (Bearer) or
    # a query value can carry it to the server.
    AuthCase(
        "padded-key",
        "surrounding-whitespace",
        ("bearer", "query"),
        KeyRole.VALID,
        _padded,
        "a valid key with spaces or tabs around it",
    ),
    AuthCase("blank-value", "empty-value", _SINGLE_VALUE, None, _blank, "empty or blank value"),
    AuthCase("duplicate", "precedence", _ALL, None, _duplicate, "the same place twice"),
    AuthCase("two-places", "precedence", _ALL, None, _two_places, "two methods at once"),
)


def requests_for(
    case: AuthCase, method_id: str | None, keys: AuthKeys
) -> st.SearchStrategy[AuthRequest] | None:
    """The requests of one case and method, or None when the keys it needs are missing.

    Raises ValueError for a method id auth.yaml does not name.
    """
    table = load_auth_table()
    if method_id is not None:
        table.method(method_id)
    if case.methods is None:
        credentials = case.build(table.methods[0], keys)
        method_name = "none"
    else:
        if method_id not in case.methods:
            return None
        credentials = case.build(table.method(method_id), keys)
        method_name = method_id
    if credentials is None:
        return None
    return credentials.map(lambda c: AuthRequest(case.id, method_name, case.label, c))


def auth_requests(
    keys: AuthKeys | None = None, *, methods: tuple[str, ...] | None = None
) -> st.SearchStrategy[AuthRequest]:
    """Every case of `CASES` for the given methods (all by default) the keys allow."""
    keys = keys or AuthKeys()
    wanted = methods or tuple(m.id for m in load_auth_table().methods)
    for wanted_id in wanted:
        load_auth_table().method(wanted_id)  # ValueError naming the choices
    options = []
    for case in CASES:
        for method_id in (None,) if case.methods is None else wanted:
            strategy = requests_for(case, method_id, keys)
            if strategy is not None:
                options.append(strategy)
    return st.one_of(options)
