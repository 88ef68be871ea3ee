"""The OpenAPI document, dereferenced once, and its operations as values."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

from nbkit.contract.load import CONTRACT_FILE, dereference, read_document
from nbkit.types import JSON

__all__ = [
    "Operation",
    "api_prefix",
    "documented_base_url",
    "load_openapi",
    "operation",
    "operations",
]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the contract, with everything its checks need."""

    id: str
    method: str
    path: str
    # Status code ("200", "default") -> the dereferenced response object.
    responses: Mapping[str, JSON]
    request_schema: JSON | None
    extensions: Mapping[str, JSON]
    # The operation's parameters, path-level ones first.
    parameters: tuple[JSON, ...] = ()

    def required_query(self) -> tuple[str, ...]:
        """The names of the query parameters the operation requires."""
        return tuple(
            str(p["name"]) for p in self.parameters if p.get("in") == "query" and p.get("required")
        )

    def response(self, status: int) -> JSON | None:
        """The documented response for a status, or None when it is not documented."""
        return self.responses.get(str(status), self.responses.get("default"))

    def body_validator(self, status: int) -> Draft202012Validator | None:
        """A validator of the JSON body documented for a status, if any."""
        response = self.response(status)
        if not isinstance(response, Mapping):
            return None
        media = response.get("content", {}).get("application/json", {})
        if "schema" not in media:
            return None
        return Draft202012Validator(
            media["schema"], format_checker=Draft202012Validator.FORMAT_CHECKER
        )


@cache
def load_openapi(path: Path = CONTRACT_FILE) -> JSON:
    """The contract with every `$ref` (into schemas/ too) inlined."""
    return dereference(read_document(path), base_uri=path.as_uri())


@cache
def operations(path: Path = CONTRACT_FILE) -> tuple[Operation, ...]:
    """Every operation of the contract, in document order."""
    document = load_openapi(path)
    found = []
    for route, item in document.get("paths", {}).items():
        for method in _METHODS:
            op = item.get(method)
            if not isinstance(op, Mapping):
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            found.append(
                Operation(
                    id=str(op.get("operationId", f"{method} {route}")),
                    method=method.upper(),
                    path=str(route),
                    responses=dict(op.get("responses", {})),
                    request_schema=body.get("schema"),
                    extensions={k: v for k, v in op.items() if k.startswith("x-")},
                    parameters=(*item.get("parameters", ()), *op.get("parameters", ())),
                )
            )
    return tuple(found)


def operation(operation_id: str, path: Path = CONTRACT_FILE) -> Operation:
    """The operation with this id; raises ValueError naming the choices."""
    found = operations(path)
    for op in found:
        if op.id == operation_id:
            return op
    choices = ", ".join(op.id for op in found)
    raise ValueError(f"unknown operation {operation_id!r}; choose from {choices}")


@cache
def api_prefix() -> str:
    """The path prefix every contract path shares (`/api/v1/`): what NB_BASE_URL points at."""
    # Whole segments only: /api/v1/a and /api/v1/b share /api/v1/.
    return posixpath.commonpath([op.path for op in operations()]).rstrip("/") + "/"


@cache
def documented_base_url() -> str:
    """The base URL the documentation gives: the contract's server and the path prefix."""
    server = str(load_openapi()["servers"][0]["url"]).rstrip("/")
    return server + api_prefix()
