"""Walk two resolved contracts side by side and yield every pair of matching nodes.

Operations match by path and method, parameters by location and name,
responses by status, headers by name (case-insensitive); schemas are paired
by nbkit.diff.schema_pairs. Unchanged operations are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from nbkit.diff.change import Direction
from nbkit.diff.checks.security import ANONYMOUS, method_of
from nbkit.diff.messages import messages, without_messages
from nbkit.diff.normal import normalise
from nbkit.diff.pair import Kind, Pair
from nbkit.diff.schema_pairs import EMPTY, Site, Where, escape, mapping, matched, schema_sites
from nbkit.types import JSON

__all__ = ["AUTH_STATUSES", "sites"]

# The statuses of auth failures (RFC 9110 §15.5.2, §15.5.4), when no auth table names them.
AUTH_STATUSES: Final = frozenset({"401", "403"})
_HTTP_METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _media(before: JSON, after: JSON, pointer: str, where: Where) -> Iterator[Site]:
    old, new = mapping(before), mapping(after)
    for old_name, new_name in matched(old, new, same=lambda b, a: False, near_names=False):
        name = new_name or old_name or ""
        at = f"{pointer}/{escape(name)}"
        old_media = old.get(old_name) if old_name else None
        new_media = new.get(new_name) if new_name else None
        yield where.site(Kind.MEDIA_TYPE, at, Pair(old_media, new_media, old_name, new_name))
        if old_media is not None and new_media is not None:
            old_schema = mapping(old_media).get("schema")
            new_schema = mapping(new_media).get("schema")
            yield from schema_sites(old_schema, new_schema, f"{at}/schema", where)


def _parameters(item: JSON, operation: JSON, pointer: str) -> dict[str, tuple[JSON, str]]:
    """Parameters by `in name`, path-level ones overridden by the operation's (OpenAPI 3.1)."""
    found: dict[str, tuple[JSON, str]] = {}
    for where, node in ((pointer.rsplit("/", 1)[0], item), (pointer, operation)):
        params = mapping(node).get("parameters")
        for i, param in enumerate(params if isinstance(params, list) else ()):
            if isinstance(param, Mapping):
                location = str(param.get("in", ""))
                name = str(param.get("name", ""))
                # Header names are case-insensitive on the wire.
                key = f"{location} {name.lower() if location == 'header' else name}"
                found[key] = (param, f"{where}/parameters/{i}")
    return found


def _is_required(param: JSON) -> bool:
    return isinstance(param, Mapping) and (
        param.get("required") is True or param.get("in") == "path"
    )


def _params(
    old: dict[str, tuple[JSON, str]], new: dict[str, tuple[JSON, str]], where: Where
) -> Iterator[Site]:
    old_nodes = {key: value[0] for key, value in old.items()}
    new_nodes = {key: value[0] for key, value in new.items()}

    def same(b: JSON, a: JSON) -> bool:
        return bool(
            b.get("in") == a.get("in") and normalise(b.get("schema")) == normalise(a.get("schema"))
        )

    for old_key, new_key in matched(old_nodes, new_nodes, same=same, near_names=False):
        old_param = old_nodes[old_key] if old_key else None
        new_param = new_nodes[new_key] if new_key else None
        at = new[new_key][1] if new_key else old[old_key or ""][1]
        pair = Pair(
            old_param,
            new_param,
            str(mapping(old_param).get("name")) if old_key else None,
            str(mapping(new_param).get("name")) if new_key else None,
            _is_required(old_param),
            _is_required(new_param),
        )
        yield where.site(Kind.PARAMETER, at, pair)
        if old_param is not None and new_param is not None:
            old_schema = mapping(old_param).get("schema")
            new_schema = mapping(new_param).get("schema")
            yield from schema_sites(old_schema, new_schema, f"{at}/schema", where)


def _headers(before: JSON, after: JSON, pointer: str, where: Where) -> Iterator[Site]:
    old = {name.lower(): (name, node) for name, node in mapping(before).items()}
    new = {name.lower(): (name, node) for name, node in mapping(after).items()}
    for key in [*old, *(key for key in new if key not in old)]:
        old_name, old_header = old.get(key, (None, None))
        new_name, new_header = new.get(key, (None, None))
        at = f"{pointer}/{escape(new_name or old_name or key)}"
        pair = Pair(
            old_header,
            new_header,
            old_name,
            new_name,
            mapping(old_header).get("required") is True,
            mapping(new_header).get("required") is True,
        )
        yield where.site(Kind.HEADER, at, pair)
        if old_header is not None and new_header is not None:
            old_schema = mapping(old_header).get("schema")
            new_schema = mapping(new_header).get("schema")
            yield from schema_sites(old_schema, new_schema, f"{at}/schema", where)


def _responses(
    before: JSON, after: JSON, pointer: str, where: Where, auth_statuses: frozenset[str]
) -> Iterator[Site]:
    # YAML reads an unquoted 200 as an int; statuses are strings in OpenAPI.
    old = {str(status): node for status, node in mapping(before).items()}
    new = {str(status): node for status, node in mapping(after).items()}
    for status in [*old, *(status for status in new if status not in old)]:
        old_response, new_response = old.get(status), new.get(status)
        at = f"{pointer}/{escape(status)}"
        pair = Pair(
            old_response,
            new_response,
            status if old_response is not None else None,
            status if new_response is not None else None,
        )
        yield where.site(Kind.RESPONSE, at, pair)
        if old_response is None or new_response is None or old_response == new_response:
            continue
        if status in auth_statuses:
            old_texts, new_texts = messages(old_response), messages(new_response)
            if old_texts != new_texts:
                yield where.site(Kind.AUTH_MESSAGES, at, Pair(old_texts, new_texts))
            old_response = without_messages(old_response)
            new_response = without_messages(new_response)
        old_r, new_r = mapping(old_response), mapping(new_response)
        yield from _headers(old_r.get("headers"), new_r.get("headers"), f"{at}/headers", where)
        yield from _media(old_r.get("content"), new_r.get("content"), f"{at}/content", where)


def _requirements(requirements: JSON, schemes: Mapping[str, JSON]) -> list[list[str]]:
    """The sets of credentials that let a request through, each as the methods it must use.

    A requirement names schemes a request must all satisfy (AND); the list offers
    alternatives (OR). Order is kept: the first method is the recommended one.
    """
    found: list[list[str]] = []
    for requirement in requirements if isinstance(requirements, list) else ():
        names = list(mapping(requirement))
        methods = [
            method_of(schemes[name]) if name in schemes else f"undefined {name}" for name in names
        ]
        entry = list(dict.fromkeys(methods)) or [ANONYMOUS]
        if entry not in found:
            found.append(entry)
    return found or [[ANONYMOUS]]


def _security(document: JSON, operation: JSON) -> list[list[str]]:
    schemes = mapping(mapping(mapping(document).get("components")).get("securitySchemes"))
    op = mapping(operation)
    requirements = op["security"] if "security" in op else mapping(document).get("security")
    return _requirements(requirements, schemes)


def _same_security(before: list[list[str]], after: list[list[str]]) -> bool:
    """Whether two operations accept the same credentials and recommend the same method."""
    as_sets = {frozenset(entry) for entry in before} == {frozenset(entry) for entry in after}
    return as_sets and before[0][0] == after[0][0]


def _operation(
    documents: tuple[JSON, JSON],
    items: tuple[JSON, JSON],
    operations: tuple[Mapping[str, JSON], Mapping[str, JSON]],
    pointer: str,
    where: Where,
    auth_statuses: frozenset[str],
) -> Iterator[Site]:
    old, new = operations
    old_limit, new_limit = old.get("x-nbkit-rate-limit"), new.get("x-nbkit-rate-limit")
    if old_limit != new_limit:
        at = f"{pointer}/x-nbkit-rate-limit"
        yield where.site(Kind.RATE_LIMIT, at, Pair(old_limit, new_limit))
    old_methods, new_methods = _security(documents[0], old), _security(documents[1], new)
    if not _same_security(old_methods, new_methods):
        pair = Pair(old_methods, new_methods)
        yield where.site(Kind.OPERATION_SECURITY, f"{pointer}/security", pair)
    yield from _params(
        _parameters(items[0], old, pointer), _parameters(items[1], new, pointer), where
    )
    old_body, new_body = mapping(old.get("requestBody")), mapping(new.get("requestBody"))
    old_needed, new_needed = old_body.get("required") is True, new_body.get("required") is True
    if old_needed != new_needed:
        body_pair = Pair(
            old.get("requestBody"), new.get("requestBody"), None, None, old_needed, new_needed
        )
        yield where.site(Kind.REQUEST_BODY, f"{pointer}/requestBody", body_pair)
    yield from _media(
        old_body.get("content"), new_body.get("content"), f"{pointer}/requestBody/content", where
    )
    response_where = Where(Direction.RESPONSE, where.method, where.path)
    yield from _responses(
        old.get("responses"),
        new.get("responses"),
        f"{pointer}/responses",
        response_where,
        auth_statuses,
    )


def _schemes(before: JSON, after: JSON) -> Iterator[Site]:
    old = mapping(mapping(mapping(before).get("components")).get("securitySchemes"))
    new = mapping(mapping(mapping(after).get("components")).get("securitySchemes"))
    where = Where(Direction.REQUEST, None, None)

    def same(b: JSON, a: JSON) -> bool:
        return method_of(b) == method_of(a)

    for old_name, new_name in matched(old, new, same=same, near_names=False):
        at = f"/components/securitySchemes/{escape(new_name or old_name or '')}"
        old_scheme = old[old_name] if old_name else None
        new_scheme = new[new_name] if new_name else None
        yield where.site(Kind.SECURITY_SCHEME, at, Pair(old_scheme, new_scheme, old_name, new_name))


def _servers(before: JSON, after: JSON) -> Iterator[Site]:
    """The document's servers, matched by URL (a trailing slash does not count)."""

    def by_url(document: JSON) -> dict[str, JSON]:
        servers = mapping(document).get("servers")
        found: dict[str, JSON] = {}
        for server in servers if isinstance(servers, list) else ():
            url = mapping(server).get("url")
            if isinstance(url, str):
                found.setdefault(url.rstrip("/") or "/", server)
        return found

    old, new = by_url(before), by_url(after)
    where = Where(Direction.REQUEST, None, None)
    for url in [*old, *(url for url in new if url not in old)]:
        if url in old and url in new:
            continue
        old_name, new_name = (url if url in old else None), (url if url in new else None)
        pair = Pair(old.get(url), new.get(url), old_name, new_name)
        yield where.site(Kind.SERVER, "/servers", pair)


def sites(
    before: JSON, after: JSON, *, auth_statuses: frozenset[str] = AUTH_STATUSES
) -> Iterator[Site]:
    """Every pair of matching nodes of two resolved OpenAPI documents.

    Responses with a status in `auth_statuses` also yield their documented
    messages as one pair, judged by the auth-schema-message rules.
    """
    yield from _servers(before, after)
    yield from _schemes(before, after)
    # Operations inherit the document's security; if it moved, no operation is "unchanged".
    shared_security = _same_security(_security(before, EMPTY), _security(after, EMPTY)) and mapping(
        mapping(before).get("components")
    ).get("securitySchemes") == mapping(mapping(after).get("components")).get("securitySchemes")
    old_paths, new_paths = (
        mapping(mapping(before).get("paths")),
        mapping(mapping(after).get("paths")),
    )
    for path in [*old_paths, *(path for path in new_paths if path not in old_paths)]:
        old_item, new_item = mapping(old_paths.get(path)), mapping(new_paths.get(path))
        if shared_security and old_item == new_item:
            continue
        for method in _HTTP_METHODS:
            old_op, new_op = old_item.get(method), new_item.get(method)
            if old_op is None and new_op is None:
                continue
            name = f"{method.upper()} {path}"
            pointer = f"/paths/{escape(path)}/{method}"
            where = Where(Direction.REQUEST, method.upper(), path)
            pair = Pair(
                old_op,
                new_op,
                name if old_op is not None else None,
                name if new_op is not None else None,
            )
            yield where.site(Kind.OPERATION, pointer, pair)
            if isinstance(old_op, Mapping) and isinstance(new_op, Mapping):
                if (
                    shared_security
                    and old_op == new_op
                    and old_item.get("parameters") == new_item.get("parameters")
                ):
                    continue
                yield from _operation(
                    (before, after),
                    (old_item, new_item),
                    (old_op, new_op),
                    pointer,
                    where,
                    auth_statuses,
                )
