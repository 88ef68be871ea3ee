"""`nbkit contract check`: the contract, its schemas, examples and tables are consistent."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from jsonschema import Draft202012Validator
from jsonschema.exceptions import UnknownType
from openapi_spec_validator import OpenAPIV31SpecValidator
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from nbkit.contract.auth_table import parse_auth_table
from nbkit.contract.load import (
    CONTRACTS_DIR,
    dereference,
    input_error_cause,
    local_registry,
    local_retriever,
    read_document,
)
from nbkit.contract.validate import schema_registry, validator_for
from nbkit.errors import InputError
from nbkit.types import JSON

__all__ = ["CHECKS", "ContractCheck", "ContractProblem", "Tree", "run_checks"]


@dataclass(frozen=True, slots=True)
class ContractProblem:
    """One thing wrong, at a file and a JSON Pointer."""

    path: Path
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}#{self.pointer}: {self.message}"


@dataclass(frozen=True)
class Tree:
    """The folders checked: `contracts/` and `schemas/` under one root, each file read once."""

    root: Path
    _documents: dict[Path, tuple[JSON, ContractProblem | None]] = field(default_factory=dict)
    _resolved: dict[Path, tuple[JSON, ContractProblem | None]] = field(default_factory=dict)

    def read(self, path: Path) -> tuple[JSON, ContractProblem | None]:
        """The parsed document, or the problem that stopped it."""
        if path not in self._documents:
            self._documents[path] = _read(path, self.root)
        return self._documents[path]

    def resolve(self, path: Path) -> tuple[JSON, ContractProblem | None]:
        """The contract with its $refs inlined, or the problem that stopped it (or its parse)."""
        if path not in self._resolved:
            document, problem = self.read(path)
            self._resolved[path] = (None, problem) if problem else _resolve(path, document, self)
        return self._resolved[path]

    @property
    def contracts(self) -> tuple[Path, ...]:
        return tuple(sorted((self.root / "contracts").rglob("*.openapi.yaml")))

    @property
    def schemas(self) -> tuple[Path, ...]:
        return tuple(sorted((self.root / "schemas").glob("*.json")))

    @property
    def auth_table(self) -> Path:
        return self.root / "contracts" / "auth.yaml"

    @property
    def conflicts(self) -> Path:
        return self.root / "contracts" / "conflicts.yaml"


@dataclass(frozen=True, slots=True)
class ContractCheck:
    """One row of CHECKS: an id, what it proves, and the function that looks."""

    id: str
    description: str
    find: Callable[[Tree], Iterator[ContractProblem]]


DEFAULT_ROOT: Final = CONTRACTS_DIR.parent

# Keywords a 2020-12 schema may use; anything else is most likely a typo
# (`maxLenght`) that a validator would silently ignore.
_ANNOTATIONS: Final = frozenset(
    {
        "$schema", "$id", "$defs", "$comment", "$anchor", "$dynamicAnchor", "$vocabulary",
        "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
        "contentMediaType", "contentEncoding", "contentSchema", "format",
        # Applied by the `if` validator, so absent from VALIDATORS.
        "then", "else",
    }
)  # fmt: skip
_KEYWORDS: Final = frozenset(Draft202012Validator.VALIDATORS) | _ANNOTATIONS
_SCHEMA_VALUED: Final = frozenset(
    {"not", "if", "then", "else", "items", "contains", "additionalProperties",
     "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema"}
)  # fmt: skip
_SCHEMA_MAPS: Final = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})
_SCHEMA_LISTS: Final = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})


def subschemas(node: JSON, pointer: str = "") -> Iterator[tuple[str, Mapping[str, JSON]]]:
    """Every schema object inside a schema, with its JSON Pointer, the root first."""
    if not isinstance(node, Mapping):
        return
    yield pointer, node
    for key, value in node.items():
        if key in _SCHEMA_VALUED:
            yield from subschemas(value, f"{pointer}/{key}")
        elif key in _SCHEMA_MAPS and isinstance(value, Mapping):
            for name, sub in value.items():
                yield from subschemas(sub, f"{pointer}/{key}/{_escape(name)}")
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            for index, sub in enumerate(value):
                yield from subschemas(sub, f"{pointer}/{key}/{index}")


def _escape(key: object) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _pointer(parts: object) -> str:
    return "".join(f"/{_escape(part)}" for part in parts)  # type: ignore[attr-defined]


def _read(path: Path, root: Path) -> tuple[JSON, ContractProblem | None]:
    try:
        return read_document(path, root=root), None
    except InputError as err:
        return None, ContractProblem(path, "", str(err).removeprefix(f"{path}: "))


def _resolve(path: Path, document: JSON, tree: Tree) -> tuple[JSON, ContractProblem | None]:
    try:
        return dereference(document, base_uri=path.as_uri(), root=tree.root), None
    except InputError as err:
        file, _, rest = str(err).partition("#")
        pointer, _, message = rest.partition(": ")
        return None, ContractProblem(Path(file), pointer, message)


def _parses(tree: Tree) -> Iterator[ContractProblem]:
    for path in (*tree.contracts, *tree.schemas, tree.auth_table, tree.conflicts):
        _, problem = tree.read(path)
        if problem:
            yield problem


def _openapi_valid(tree: Tree) -> Iterator[ContractProblem]:
    for path in tree.contracts:
        document, _ = tree.read(path)
        _, problem = tree.resolve(path)
        if problem or not isinstance(document, Mapping):
            # Reported by documents-parse or refs-resolve; a $ref that is refused
            # (or expands without bound) must not reach the validator's own resolver.
            continue
        validator = _local_spec_validator(tree.root)(document, base_uri=path.as_uri())
        try:
            for error in validator.iter_errors():
                yield ContractProblem(path, _pointer(getattr(error, "path", ())), error.message)
        except (Unresolvable, InputError) as err:
            # A refused or broken $ref; refs-resolve says which and where.
            cause = input_error_cause(err) or err
            yield ContractProblem(path, "", f"cannot be validated: {cause}")


class _Handlers(dict[str, Callable[[str], JSON]]):
    """openapi-spec-validator's `$ref` readers: local files under a root, for every scheme.

    Its default handlers (and its fallback for any scheme it has no handler
    for) fetch http(s) URLs; this mapping has a handler for every scheme, and
    the one handler refuses anything but a local file under the root.
    """

    def __contains__(self, scheme: object) -> bool:
        return True

    def __missing__(self, scheme: str) -> Callable[[str], JSON]:
        return self["file"]


def _local_spec_validator(root: Path) -> type[OpenAPIV31SpecValidator]:
    handlers = _Handlers(file=local_retriever(root))
    return type("LocalSpecValidator", (OpenAPIV31SpecValidator,), {"resolver_handlers": handlers})


def _refs_resolve(tree: Tree) -> Iterator[ContractProblem]:
    for path in tree.contracts:
        _, parse_problem = tree.read(path)
        _, problem = tree.resolve(path)
        if problem and not parse_problem:
            yield problem


def _schemas_valid(tree: Tree) -> Iterator[ContractProblem]:
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    for path in tree.schemas:
        document, problem = tree.read(path)
        if problem:
            continue
        for error in meta.iter_errors(document):
            yield ContractProblem(path, _pointer(error.absolute_path), error.message)


def _keywords_known(tree: Tree) -> Iterator[ContractProblem]:
    for path in tree.schemas:
        document, problem = tree.read(path)
        if problem:
            continue
        for pointer, node in subschemas(document):
            for key in node:
                if key not in _KEYWORDS and not str(key).startswith("x-"):
                    yield ContractProblem(
                        path, f"{pointer}/{_escape(key)}", f"unknown keyword {key!r}"
                    )


def _schema_examples(tree: Tree) -> Iterator[ContractProblem]:
    registry = schema_registry(tree.root)
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    for path in tree.schemas:
        document, problem = tree.read(path)
        if problem or not meta.is_valid(document):
            continue  # reported by documents-parse or schemas-valid
        registry = registry.with_resource(path.as_uri(), DRAFT202012.create_resource(document))
        for pointer, node in subschemas(document):
            samples = [
                (f"{pointer}/examples/{i}", e) for i, e in enumerate(node.get("examples", ()))
            ]
            if "default" in node:
                samples.append((f"{pointer}/default", node["default"]))
            if not samples:
                continue
            validator = validator_for(f"{path.as_uri()}#{pointer}", registry)
            for where, sample in samples:
                yield from _validate_sample(validator, sample, path, where)


def _media_samples(node: JSON, pointer: str) -> Iterator[tuple[str, JSON, JSON]]:
    """(pointer, sample, schema) for every example next to a schema in an OpenAPI document."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _media_samples(item, f"{pointer}/{index}")
        return
    if not isinstance(node, Mapping):
        return
    if "schema" in node and isinstance(node["schema"], Mapping):
        if "example" in node:
            yield f"{pointer}/example", node["example"], node["schema"]
        for name, example in (node.get("examples") or {}).items():
            if isinstance(example, Mapping) and "value" in example:
                yield f"{pointer}/examples/{_escape(name)}/value", example["value"], node["schema"]
    for key, value in node.items():
        if key not in ("schema", "example", "examples"):
            yield from _media_samples(value, f"{pointer}/{_escape(key)}")


def _contract_examples(tree: Tree) -> Iterator[ContractProblem]:
    for path in tree.contracts:
        resolved, problem = tree.resolve(path)
        if problem:
            continue  # reported by documents-parse or refs-resolve
        registry = local_registry(tree.root)
        for pointer, sample, schema in _media_samples(resolved, ""):
            validator = Draft202012Validator(
                schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
            yield from _validate_sample(validator, sample, path, pointer)


def _validate_sample(
    validator: Draft202012Validator, sample: JSON, path: Path, pointer: str
) -> Iterator[ContractProblem]:
    try:
        errors = [error.message for error in validator.iter_errors(sample)]
    except (UnknownType, Unresolvable) as err:
        errors = [f"its schema cannot be used ({type(err).__name__}: {err})"]
    for message in errors:
        yield ContractProblem(path, pointer, f"example does not validate: {message}")


def _auth_table(tree: Tree) -> Iterator[ContractProblem]:
    path = tree.auth_table
    document, problem = tree.read(path)
    if problem:
        return
    try:
        table = parse_auth_table(document)
    except (KeyError, TypeError, ValueError) as err:
        yield ContractProblem(path, "", f"not a valid auth table: {err}")
        return
    schema_path = tree.root / "schemas" / "auth-error.json"
    schema, problem = tree.read(schema_path)
    if problem:
        return
    for status, part in ((401, "unauthorized"), (403, "forbidden")):
        pointer = f"/$defs/{part}/properties/error/enum"
        documented = set(schema["$defs"][part]["properties"]["error"]["enum"])
        in_table = table.messages(status)
        for text in sorted(in_table - documented):
            yield ContractProblem(
                path,
                "/outcomes",
                f"{status} message {text!r} is not in {schema_path.name}#{pointer}",
            )
        for text in sorted(documented - in_table):
            yield ContractProblem(
                schema_path, pointer, f"{status} message {text!r} is not in {path.name}"
            )
    contract_path = tree.root / "contracts" / "nanobanana.openapi.yaml"
    contract, problem = tree.read(contract_path)
    if problem:
        return
    schemes = contract.get("components", {}).get("securitySchemes", {})
    for index, method in enumerate(table.methods):
        scheme = schemes.get(method.security_scheme)
        pointer = f"/methods/{index}"
        if scheme is None:
            yield ContractProblem(
                path,
                pointer,
                f"security scheme {method.security_scheme!r} is not in {contract_path.name}",
            )
        elif scheme.get("type") == "http":
            if method.name != "Authorization" or not method.template.startswith("Bearer "):
                yield ContractProblem(
                    path, pointer, "an http bearer scheme is sent as `Authorization: Bearer <key>`"
                )
        elif (scheme.get("in"), scheme.get("name")) != (method.location, method.name):
            yield ContractProblem(
                path,
                pointer,
                f"differs from securitySchemes/{method.security_scheme} in {contract_path.name}",
            )
    operation_ids = {
        op.get("operationId")
        for item in contract.get("paths", {}).values()
        for op in item.values()
        if isinstance(op, Mapping)
    }
    for outcome in table.outcomes.values():
        for message in outcome.messages:
            for operation in message.operations or ():
                if operation not in operation_ids:
                    yield ContractProblem(
                        path, f"/outcomes/{outcome.id}", f"unknown operation {operation!r}"
                    )


def _conflicts_point_somewhere(tree: Tree) -> Iterator[ContractProblem]:
    document, problem = tree.read(tree.conflicts)
    if problem or not isinstance(document, Mapping):
        return
    for index, conflict in enumerate(document.get("conflicts", ())):
        where = str(conflict.get("where", "-"))
        if where == "-":
            continue
        file, _, pointer = where.partition("#")
        target, problem = tree.read(tree.root / file)
        if problem:
            yield ContractProblem(
                tree.conflicts, f"/conflicts/{index}/where", f"{file}: cannot be read"
            )
            continue
        try:
            for part in filter(None, pointer.split("/")):
                key = part.replace("~1", "/").replace("~0", "~")
                target = target[int(key)] if isinstance(target, list) else target[key]
        except (KeyError, IndexError, ValueError, TypeError):
            yield ContractProblem(
                tree.conflicts, f"/conflicts/{index}/where", f"{where} points at nothing"
            )


CHECKS: Final = (
    ContractCheck("documents-parse", "every contract, schema and table parses", _parses),
    ContractCheck("openapi-valid", "each OpenAPI document is valid OpenAPI 3.1", _openapi_valid),
    ContractCheck("refs-resolve", "every $ref of each contract resolves", _refs_resolve),
    ContractCheck("schemas-valid", "every schema is valid 2020-12", _schemas_valid),
    ContractCheck("keywords-known", "no schema uses an unknown keyword", _keywords_known),
    ContractCheck(
        "schema-examples-valid", "examples and defaults in schemas/ validate", _schema_examples
    ),
    ContractCheck(
        "contract-examples-valid", "examples in the contracts validate", _contract_examples
    ),
    ContractCheck(
        "auth-table-consistent", "auth.yaml agrees with schemas and contract", _auth_table
    ),
    ContractCheck(
        "conflicts-resolve", "each conflict's `where` exists", _conflicts_point_somewhere
    ),
)


def run_checks(root: Path = DEFAULT_ROOT) -> list[tuple[ContractCheck, list[ContractProblem]]]:
    """Run every check on the tree under `root`; each check's problems, in table order.

    Every file is read as hostile input: only regular files under `root`, and
    no `$ref` is followed outside it or to the network.
    """
    root = root.resolve()
    tree = Tree(root)
    if not (root / "contracts").is_dir() or not (root / "schemas").is_dir():
        raise InputError(f"{root}: has no contracts/ and schemas/ folders")
    return [(check, list(check.find(tree))) for check in CHECKS]
