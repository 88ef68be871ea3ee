"""Rewrite a resolved JSON Schema into one canonical spelling of the values it accepts.

Both sides of a diff are normalised before they are compared, so that two
spellings of the same set of accepted values compare equal: `type: [T, "null"]`
and `anyOf: [{type: T}, {type: "null"}]` (or a `oneOf` of branches whose types
do not overlap), an `allOf` of one schema and that schema, `enum: [x]` and
`const: x`, annotations (titles, descriptions, examples, `$id`, `$defs`) and
the order of `type` and `required` lists. The rewrite keeps what a schema
accepts: a rule that fires on the normal form fires on a real change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from nbkit.types import JSON

__all__ = ["ANNOTATIONS", "normalise", "types_of"]

# Keywords that describe a schema but accept and reject nothing (JSON Schema 2020-12 §9).
ANNOTATIONS: Final = frozenset(
    {
        "title",
        "description",
        "examples",
        "example",
        "$comment",
        "$id",
        "$schema",
        "$anchor",
        "$dynamicAnchor",
        "$defs",
        "definitions",
        "externalDocs",
        "xml",
        "deprecated",
    }
)
# Keywords whose value is one schema, a list of schemas, or a mapping of names to schemas.
_ONE: Final = (
    "items",
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
)
_LIST: Final = ("prefixItems", "allOf", "anyOf", "oneOf")
_NAMED: Final = ("properties", "patternProperties", "dependentSchemas")
# A keyword equal to this value constrains nothing and is dropped.
_NEUTRAL: Final[Mapping[str, JSON]] = {
    "minLength": 0,
    "minItems": 0,
    "minProperties": 0,
    "uniqueItems": False,
    "additionalProperties": {},
    "unevaluatedProperties": {},
    "unevaluatedItems": {},
    "items": {},
    "propertyNames": {},
    "required": [],
    "properties": {},
    "patternProperties": {},
    "dependentSchemas": {},
    "dependentRequired": {},
}
# Keywords that apply to one JSON type only and ignore every other value.
_FAMILY: Final[Mapping[str, str]] = {
    **dict.fromkeys(
        ("minLength", "maxLength", "pattern", "contentEncoding", "contentMediaType"), "string"
    ),
    **dict.fromkeys(
        ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"), "number"
    ),
    **dict.fromkeys(
        (
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "propertyNames",
            "minProperties",
            "maxProperties",
            "dependentRequired",
            "dependentSchemas",
            "unevaluatedProperties",
        ),
        "object",
    ),
    **dict.fromkeys(
        (
            "items",
            "prefixItems",
            "contains",
            "minItems",
            "maxItems",
            "uniqueItems",
            "minContains",
            "maxContains",
            "unevaluatedItems",
        ),
        "array",
    ),
}


def _sub(node: JSON) -> JSON:
    """A subschema: `true` is the schema that accepts everything, `{}`."""
    if node is True:
        return {}
    return normalise(node) if isinstance(node, Mapping) else node


def types_of(schema: Mapping[str, JSON]) -> frozenset[str] | None:
    """The declared types of a normal schema, `integer` folded into `number`; None if any."""
    declared = schema.get("type")
    if isinstance(declared, str):
        declared = [declared]
    if not isinstance(declared, list):
        return None
    found = {str(name) for name in declared}
    return frozenset({"number" if name == "integer" else name for name in found})


def _canonical_type(names: set[str]) -> JSON:
    # An integer is a number: `[integer, number]` accepts what `number` does.
    if "number" in names:
        names.discard("integer")
    ordered = sorted(names)
    return ordered[0] if len(ordered) == 1 else list(ordered)


def normalise(schema: JSON) -> JSON:
    """The canonical form of a schema; a non-schema value is returned as it is."""
    if schema is True:
        return {}
    if not isinstance(schema, Mapping):
        return schema
    out: dict[str, JSON] = {}
    for key, value in schema.items():
        if key in ANNOTATIONS or key.startswith("x-"):
            continue
        if key in _ONE:
            out[key] = _sub(value)
        elif key in _LIST and isinstance(value, list):
            out[key] = [_sub(item) for item in value]
        elif key in _NAMED and isinstance(value, Mapping):
            out[key] = {str(name): _sub(item) for name, item in value.items()}
        else:
            out[key] = value
    _normalise_values(out)
    _fold_all_of(out)
    for keyword in ("anyOf", "oneOf"):
        _fold_alternatives(out, keyword)
    for key, neutral in _NEUTRAL.items():
        if key in out and out[key] == neutral:
            del out[key]
    return out


def _normalise_values(out: dict[str, JSON]) -> None:
    if out.pop("nullable", False) is True and "type" in out:
        # OpenAPI 3.0's `nullable: true` is `"null"` among the types (3.1).
        declared = out["type"]
        out["type"] = [*(declared if isinstance(declared, list) else [declared]), "null"]
    declared = out.get("type")
    if isinstance(declared, str | list):
        names = {str(name) for name in (declared if isinstance(declared, list) else [declared])}
        out["type"] = _canonical_type(names)
    enum = out.get("enum")
    if isinstance(enum, list) and len(enum) == 1 and "const" not in out:
        out["const"] = enum[0]
        del out["enum"]
    required = out.get("required")
    if isinstance(required, list):
        out["required"] = sorted({str(name) for name in required})
    dependent = out.get("dependentRequired")
    if isinstance(dependent, Mapping):
        out["dependentRequired"] = {
            str(name): sorted({str(item) for item in names})
            for name, names in dependent.items()
            if isinstance(names, list) and names
        }


def _type_names(schema: Mapping[str, JSON]) -> set[str]:
    declared = schema.get("type")
    names = {str(name) for name in (declared if isinstance(declared, list) else [declared])}
    # A number type admits every integer.
    return names | {"integer"} if "number" in names else names


def _merge_into(out: dict[str, JSON], part: Mapping[str, JSON]) -> bool:
    """Add a conjunct's keywords to `out`; False where two keywords cannot be joined exactly.

    Properties named on both sides become the `allOf` of both, required lists
    are joined, and types intersect: each of these accepts what both do.
    """
    overlap = set(out) & set(part)
    if not overlap <= {"properties", "required", "type"}:
        return False
    old_props, new_props = out.get("properties", {}), part.get("properties", {})
    if not isinstance(old_props, Mapping) or not isinstance(new_props, Mapping):
        return False
    if "type" in overlap:
        common = _type_names(out) & _type_names(part)
        if not common:
            return False
        out["type"] = _canonical_type(common)
    for key, value in part.items():
        if key == "properties":
            joined = dict(old_props)
            for name, schema in new_props.items():
                joined[name] = (
                    normalise({"allOf": [joined[name], schema]}) if name in joined else schema
                )
            out[key] = joined
        elif key == "required" and isinstance(value, list):
            before = out.get("required", [])
            out[key] = sorted({*(before if isinstance(before, list) else []), *value})
        elif key not in overlap:
            out[key] = value
    return True


def _fold_all_of(out: dict[str, JSON]) -> None:
    parts = out.get("allOf")
    if not isinstance(parts, list):
        return
    flat: list[JSON] = []
    for part in parts:
        nested = part.get("allOf") if isinstance(part, Mapping) and len(part) == 1 else None
        flat.extend(nested if isinstance(nested, list) else [part])
    del out["allOf"]
    kept: list[JSON] = []
    for part in flat:
        if part == {}:
            continue
        if not isinstance(part, Mapping) or not _merge_into(out, part):
            kept.append(part)
    if kept:
        out["allOf"] = kept


def _family_types(branch: Mapping[str, JSON]) -> set[str] | None:
    """The types a branch's keywords are bound to; None when a keyword binds no one type."""
    families = set()
    for key in branch:
        if key in ("type", "enum", "const"):
            continue
        family = _FAMILY.get(key)
        if family is None:
            return None
        families.add(family)
    return families


def _merged(branches: list[Mapping[str, JSON]]) -> dict[str, JSON] | None:
    """One schema that accepts what any branch does, when branches of disjoint types allow it.

    Each branch must declare its types, no two branches may share one, and each
    keyword must apply only to its branch's types: then the union is the
    branches' keywords side by side under the union of their types.
    """
    seen: set[str] = set()
    declared: set[str] = set()
    merged: dict[str, JSON] = {}
    valued = [branch for branch in branches if "enum" in branch or "const" in branch]
    for branch in branches:
        types = types_of(branch)
        families = _family_types(branch)
        if types is None or families is None or types & seen or not families <= types:
            return None
        if set(merged) & (set(branch) - {"type", "enum", "const"}):
            return None
        seen |= types
        raw = branch["type"]
        declared.update(str(name) for name in (raw if isinstance(raw, list) else [raw]))
        merged.update({key: value for key, value in branch.items() if key != "type"})
    merged.pop("enum", None)
    merged.pop("const", None)
    if valued:
        # Values merge only with branches that admit nothing but null: `enum + [null]`.
        others = [branch for branch in branches if branch not in valued]
        if len(valued) != 1 or any(branch != {"type": "null"} for branch in others):
            return None
        values = valued[0].get("enum", [valued[0].get("const")])
        merged["enum"] = [*(values if isinstance(values, list) else []), *([None] * len(others))]
    merged["type"] = _canonical_type(declared)
    _normalise_values(merged)
    return merged


def _fold_alternatives(out: dict[str, JSON], keyword: str) -> None:
    branches = out.get(keyword)
    if not isinstance(branches, list) or not all(isinstance(b, Mapping) for b in branches):
        return
    flat: list[Mapping[str, JSON]] = []
    for branch in branches:
        nested = branch.get(keyword) if len(branch) == 1 and keyword == "anyOf" else None
        flat.extend(nested if isinstance(nested, list) else [branch])
    unique: list[Mapping[str, JSON]] = []
    for branch in flat:
        if branch not in unique:
            unique.append(branch)
    if keyword == "oneOf" and len(unique) != len(flat):
        return  # A repeated oneOf branch rejects what it matches; leave it be.
    if keyword == "anyOf" and {} in unique:
        del out[keyword]
        return
    out[keyword] = unique
    merged = unique[0] if len(unique) == 1 else _merged(unique)
    if merged is None:
        return
    # Disjoint types make oneOf and anyOf the same; fold into the parent when nothing clashes.
    rest = {key: value for key, value in out.items() if key != keyword}
    if set(rest) & set(merged):
        return
    out.clear()
    out.update(rest)
    out.update(merged)
