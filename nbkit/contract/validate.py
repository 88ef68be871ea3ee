"""Validators for the documents in schemas/, built once and cached."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry

from nbkit.contract.load import SCHEMAS_DIR, contract_root, local_registry, read_document
from nbkit.errors import InputError
from nbkit.types import JSON

__all__ = ["schema", "schema_names", "schema_registry", "schema_uri", "validator", "validator_for"]


def schema_names() -> tuple[str, ...]:
    """The name (file stem) of every schema in schemas/, sorted."""
    return tuple(sorted(path.stem for path in SCHEMAS_DIR.glob("*.json")))


def schema_uri(name: str) -> str:
    """The URI a schema is known by: its file's URI, so relative refs resolve.

    `name` may carry a fragment: `auth-error#/$defs/unauthorized`.
    """
    base, _, fragment = name.partition("#")
    uri = (SCHEMAS_DIR / f"{base}.json").as_uri()
    return f"{uri}#{fragment}" if fragment else uri


@cache
def schema(name: str) -> JSON:
    """The schema document `schemas/<name>.json`."""
    path = SCHEMAS_DIR / f"{name}.json"
    if not path.is_file():
        raise InputError(f"{path}: no such schema (known: {', '.join(schema_names())})")
    return read_document(path)


def schema_registry(root: Path | None = None) -> Registry[JSON]:
    """A registry that reads schema files under `root` by their file URIs when first referenced.

    `root` defaults to the root of the schemas nbkit ships; nothing outside it,
    and nothing from the network, is read.
    """
    return local_registry(root or contract_root(SCHEMAS_DIR / "api-key.json"))


def validator_for(uri: str, registry: Registry[JSON]) -> Draft202012Validator:
    """A format-checking validator for the schema at `uri` (fragment allowed)."""
    return Draft202012Validator(
        {"$ref": uri}, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@cache
def _registry() -> Registry[JSON]:
    return schema_registry()


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for `schemas/<name>.json`, or a part of it: `auth-error#/$defs/forbidden`."""
    schema(name.partition("#")[0])  # a clear error for an unknown name
    return validator_for(schema_uri(name), _registry())
