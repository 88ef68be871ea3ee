"""Properties: the diff judges what a schema accepts, not how it is spelled.

For generated schemas, a known widening must be reported in the right direction
(harmless in a request, not in a response; read backwards, the reverse), and a
generated equivalent rewrite must be reported as nothing at all.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, Final

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbkit.contract.load import dereference
from nbkit.diff.change import Change, Level
from nbkit.diff.compare import compare
from nbkit.diff.revision import Snapshot

Schema = dict[str, Any]

# Pairs (narrow, wide) where the wide pattern accepts every string the narrow one does, and more.
PATTERNS: Final = (
    ("^[a-c]+$", "^[a-z]+$"),
    ("^vid_[0-9]{12}$", "^vid_[0-9]+$"),
    ("^https://", "^https?://"),
    ("^[A-Z]{2}$", "^[A-Za-z]{2}$"),
)
NAMES: Final = ("name", "note", "size", "tags", "mode")
PROPERTIES: Final = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _strings(draw: st.DrawFn) -> Schema:
    schema: Schema = {"type": "string"}
    # Values or bounds, not both: bounds on one-letter values would constrain nothing.
    if draw(st.integers(0, 4)) == 0:
        schema["const"] = draw(st.sampled_from("abcdef"))
        return schema
    if draw(st.booleans()):
        schema["enum"] = draw(
            st.lists(st.sampled_from("abcdef"), min_size=1, max_size=4, unique=True)
        )
        return schema
    if draw(st.booleans()):
        schema["minLength"] = draw(st.integers(1, 3))
    if draw(st.booleans()):
        schema["maxLength"] = draw(st.integers(5, 50))
    if draw(st.booleans()):
        schema["pattern"] = draw(st.sampled_from(PATTERNS))[0]
    return schema


def _numbers(draw: st.DrawFn) -> Schema:
    schema: Schema = {"type": draw(st.sampled_from(["integer", "number"]))}
    if draw(st.booleans()):
        schema["minimum"] = draw(st.integers(-10, 0))
    if draw(st.booleans()):
        schema["maximum"] = draw(st.integers(1, 100))
    return schema


@st.composite
def schemas(draw: st.DrawFn, depth: int = 2) -> Schema:
    """A schema of strings, numbers, booleans, arrays and objects, `depth` levels deep.

    Objects may carry `dependentRequired` and `if`/`then` on properties they do not require.
    """
    kinds = ["string", "number", "boolean"] + (["array", "object"] if depth else [])
    kind = draw(st.sampled_from(kinds))
    schema = _shaped(draw, kind, depth)
    if draw(st.integers(0, 3)) == 0:
        schema["type"] = [schema["type"], "null"]
    return schema


def _shaped(draw: st.DrawFn, kind: str, depth: int) -> Schema:
    if kind == "string":
        return _strings(draw)
    if kind == "number":
        return _numbers(draw)
    if kind == "boolean":
        return {"type": "boolean"}
    if kind == "array":
        return {"type": "array", "items": draw(schemas(depth - 1))}
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
    schema: Schema = {
        "type": "object",
        "properties": {name: draw(schemas(depth - 1)) for name in names},
    }
    required = draw(st.lists(st.sampled_from(names), unique=True))
    if required:
        schema["required"] = required
    if draw(st.booleans()):
        schema["additionalProperties"] = False
    optional = [name for name in names[1:] if name not in required]
    if optional and draw(st.booleans()):
        schema["dependentRequired"] = {names[0]: [optional[0]]}
    if optional and draw(st.booleans()):
        schema["if"] = {"required": [names[0]]}
        schema["then"] = {"required": [optional[-1]]}
    return schema


def _nodes(schema: Schema) -> list[Schema]:
    """Every subschema, the root first."""
    found = [schema]
    for prop in schema.get("properties", {}).values():
        found.extend(_nodes(prop))
    if "items" in schema:
        found.extend(_nodes(schema["items"]))
    return found


def _widenings(node: Schema) -> list[Callable[[Schema], None]]:
    """Edits that make `node` accept strictly more values (each keeps every old value)."""
    edits: list[Callable[[Schema], None]] = []

    def drop(key: str) -> Callable[[Schema], None]:
        return lambda n: n.pop(key)

    for key in ("minLength", "maxLength", "minimum", "maximum", "enum", "additionalProperties"):
        if key in node:
            edits.append(drop(key))
    if "maxLength" in node:
        edits.append(lambda n: n.update(maxLength=n["maxLength"] + 7))
    if "minimum" in node:
        edits.append(lambda n: n.update(minimum=n["minimum"] - 3))
    if "enum" in node:
        edits.append(lambda n: n.update(enum=[*n["enum"], "zzz"]))
    if "const" in node:
        edits.append(lambda n: n.update(enum=[n.pop("const"), "zzz"]))
    for key in ("dependentRequired", "then"):
        if key in node:
            edits.append(drop(key))
    if "pattern" in node:
        wide = dict(PATTERNS)[node["pattern"]]
        edits.append(lambda n: n.update(pattern=wide))
        edits.append(drop("pattern"))
    if node.get("required"):
        edits.append(lambda n: n["required"].pop())
    if isinstance(node["type"], list):
        extra = next(kind for kind in ("boolean", "string") if kind not in node["type"])
        edits.append(lambda n: n["type"].append(extra))
    else:
        # A new type, as a type list or as a new anyOf branch.
        edits.append(lambda n: n.update(type=[n["type"], "null"]))
        edits.append(lambda n: _wrap(n, {"type": "null"}))
        if node["type"] != "object":
            edits.append(lambda n: _wrap(n, {"type": "object", "required": ["other"]}))
    return edits


def _wrap(node: Schema, branch: Schema) -> None:
    old = dict(node)
    node.clear()
    node["anyOf"] = [old, branch]


@st.composite
def widened(draw: st.DrawFn) -> tuple[Schema, Schema]:
    """A schema and a copy of it that accepts strictly more."""
    narrow = draw(schemas())
    wide = copy.deepcopy(narrow)
    node = draw(st.sampled_from(_nodes(wide)))
    edit = draw(st.sampled_from(_widenings(node)))
    edit(node)
    return narrow, wide


def _rewrites(node: Schema) -> list[Callable[[Schema], None]]:
    """Edits that change how `node` is spelled and not what it accepts."""
    edits: list[Callable[[Schema], None]] = [
        lambda n: n.update(title="a title", description="words", examples=[]),
        _wrap_all_of,
        _reverse_keys,
    ]
    if isinstance(node["type"], str):
        edits.append(lambda n: n.update(type=[n["type"]]))
    elif "enum" not in node and "const" not in node:
        # `[T, null]` as alternatives; with fixed values, null would have to be among them.
        edits.append(lambda n: _as_alternatives(n, "anyOf"))
        edits.append(lambda n: _as_alternatives(n, "oneOf"))
    if len(node.get("required", [])) > 1:
        edits.append(lambda n: n["required"].reverse())
    if len(node.get("enum", [])) == 1:
        edits.append(lambda n: n.update(const=n.pop("enum")[0]))
    return edits


def _wrap_all_of(node: Schema) -> None:
    old = dict(node)
    node.clear()
    node["allOf"] = [old]


def _reverse_keys(node: Schema) -> None:
    items = list(node.items())
    node.clear()
    node.update(reversed(items))


def _as_alternatives(node: Schema, keyword: str) -> None:
    """`{type: [T, null], ...}` as `keyword: [{type: T, ...}, {type: null}]`."""
    (kind,) = [name for name in node["type"] if name != "null"]
    rest = {key: value for key, value in node.items() if key != "type"}
    node.clear()
    node[keyword] = [{**rest, "type": kind}, {"type": "null"}]


@st.composite
def rewritten(draw: st.DrawFn) -> tuple[Schema, Schema]:
    """Two spellings of one schema."""
    schema = draw(schemas())
    other = copy.deepcopy(schema)
    # Rewrite distinct nodes, deepest first, so that no rewrite hides another's node.
    nodes = _nodes(other)
    chosen = draw(st.lists(st.integers(0, len(nodes) - 1), min_size=1, max_size=3, unique=True))
    for index in sorted(chosen, reverse=True):
        node = nodes[index]
        draw(st.sampled_from(_rewrites(node)))(node)
    return schema, other


def _document(schema: Schema, *, response: bool, as_ref: bool = False) -> Any:
    body: Any = {"$ref": "#/components/schemas/Body"} if as_ref else schema
    content = {"application/json": {"schema": body}}
    operation: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
    if response:
        operation["responses"]["200"]["content"] = content
    else:
        operation["requestBody"] = {"content": content}
    document = {
        "openapi": "3.1.0",
        "paths": {"/v": {"post": operation}},
        "components": {"schemas": {"Body": schema}},
    }
    return dereference(document, base_uri="file:///contract.yaml")


def _diff(
    before: Schema, after: Schema, *, response: bool, as_ref: bool = False
) -> tuple[Change, ...]:
    old = Snapshot("old", _document(before, response=response))
    new = Snapshot("new", _document(after, response=response, as_ref=as_ref))
    return compare(old, new)


def _levels(changes: tuple[Change, ...]) -> set[Level]:
    return {change.level for change in changes}


@PROPERTIES
@given(widened())
def test_a_widened_request_is_reported_and_never_breaking(pair: tuple[Schema, Schema]) -> None:
    narrow, wide = pair
    changes = _diff(narrow, wide, response=False)
    assert changes
    assert Level.BREAKING not in _levels(changes), changes


@PROPERTIES
@given(widened())
def test_a_narrowed_request_is_breaking(pair: tuple[Schema, Schema]) -> None:
    narrow, wide = pair
    assert Level.BREAKING in _levels(_diff(wide, narrow, response=False))


@PROPERTIES
@given(widened())
def test_a_widened_response_is_not_info(pair: tuple[Schema, Schema]) -> None:
    narrow, wide = pair
    levels = _levels(_diff(narrow, wide, response=True))
    assert levels & {Level.BREAKING, Level.WARNING}, levels


@PROPERTIES
@given(widened())
def test_a_narrowed_response_is_reported_and_never_breaking(pair: tuple[Schema, Schema]) -> None:
    narrow, wide = pair
    changes = _diff(wide, narrow, response=True)
    assert changes
    assert Level.BREAKING not in _levels(changes), changes


@PROPERTIES
@given(rewritten(), st.booleans(), st.booleans())
def test_an_equivalent_rewrite_reports_nothing(
    pair: tuple[Schema, Schema], response: bool, as_ref: bool
) -> None:
    schema, other = pair
    assert _diff(schema, other, response=response, as_ref=as_ref) == ()
    assert _diff(other, schema, response=response, as_ref=as_ref) == ()


SCHEMES: Final = {
    "bearer": {"type": "http", "scheme": "bearer"},
    "header": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "query": {"type": "apiKey", "in": "query", "name": "api_key"},
}
requirements = st.lists(
    st.lists(st.sampled_from(sorted(SCHEMES)), max_size=3, unique=True),
    min_size=1,
    max_size=4,
)


def _secured(security: list[list[str]]) -> Any:
    document = _document({"type": "object"}, response=False)
    document["components"]["securitySchemes"] = SCHEMES
    document["security"] = [{name: [] for name in entry} for entry in security]
    return document


def _locks_someone_out(before: list[list[str]], after: list[list[str]]) -> bool:
    """Whether a client sending the credentials of some old requirement is now turned away."""
    return any(not any(set(new) <= set(old) for new in after) for old in before)


@PROPERTIES
@given(requirements, requirements)
def test_security_is_breaking_exactly_when_a_set_of_credentials_stops_sufficing(
    before: list[list[str]], after: list[list[str]]
) -> None:
    changes = compare(Snapshot("old", _secured(before)), Snapshot("new", _secured(after)))
    assert (Level.BREAKING in _levels(changes)) == _locks_someone_out(before, after), changes
