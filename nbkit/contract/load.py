"""Read the contract and its schemas, and resolve every `$ref` once, with `referencing`."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Final
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import yaml
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from nbkit.errors import InputError
from nbkit.types import JSON

__all__ = [
    "AUTH_TABLE_FILE",
    "CONFLICTS_FILE",
    "CONTRACTS_DIR",
    "CONTRACT_FILE",
    "HISTORY_DIR",
    "SCHEMAS_DIR",
    "Retrieve",
    "dereference",
    "parse_document",
    "read_document",
    "read_file_uri",
]

# Symlinks into the source tree, resolved so that relative refs between the
# two folders work; real folders in an installed wheel.
CONTRACTS_DIR: Final = Path(str(files("nbkit") / "_data" / "contracts")).resolve()
SCHEMAS_DIR: Final = Path(str(files("nbkit") / "_data" / "schemas")).resolve()
HISTORY_DIR: Final = CONTRACTS_DIR / "history"
CONTRACT_FILE: Final = CONTRACTS_DIR / "nanobanana.openapi.yaml"
AUTH_TABLE_FILE: Final = CONTRACTS_DIR / "auth.yaml"
CONFLICTS_FILE: Final = CONTRACTS_DIR / "conflicts.yaml"

# libyaml's loader when PyYAML was built with it: ten times faster.
_LOADER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Reads the document a URI (without fragment) names.
Retrieve = Callable[[str], JSON]


def parse_document(text: str | bytes, *, name: str) -> JSON:
    """Parse YAML or JSON (YAML is a superset); errors name the document and the line."""
    if text.lstrip()[:1] in ("{", b"{"):
        # JSON is YAML too, but json parses it fifty times faster.
        try:
            return json.loads(text)
        except ValueError:
            pass  # let the YAML parser say where it is wrong
    try:
        # YAML 1.1 turns unquoted `on`/`yes` into booleans; the contract quotes them.
        return yaml.load(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        raise InputError(f"{name}: not valid YAML or JSON ({where}: {err.problem})") from err
    except yaml.YAMLError as err:
        raise InputError(f"{name}: not valid YAML or JSON ({err})") from err


def read_document(path: Path) -> JSON:
    """Read one YAML or JSON file."""
    try:
        text = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from err
    return parse_document(text, name=str(path))


def read_file_uri(uri: str) -> JSON:
    """The default `Retrieve`: documents on the local file system."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        raise InputError(f"{uri}: only local files can be referenced")
    return read_document(Path(unquote(parsed.path)))


def dereference(document: JSON, *, base_uri: str, retrieve: Retrieve = read_file_uri) -> JSON:
    """A copy of `document` with every `$ref` replaced by what it points at.

    Refs may point into other files (relative to `base_uri`), which `retrieve`
    reads. A ref that points back into its own ancestors is left as it is, so
    recursive schemas stay finite. Sibling keywords of a `$ref` are kept.
    """
    documents: dict[str, JSON] = {base_uri: document}

    def load(uri: str) -> Resource[JSON]:
        if uri not in documents:
            documents[uri] = retrieve(uri)
        return Resource.from_contents(documents[uri], default_specification=DRAFT202012)

    registry: Registry[JSON] = Registry(retrieve=load)  # type: ignore[call-arg]
    registry = registry.with_resource(base_uri, load(base_uri))
    return _Inliner(registry).inline(document, base_uri, "", (base_uri,))


class _Inliner:
    """Walks a document, inlining refs; knows where it is only when it must say so."""

    def __init__(self, registry: Registry[JSON]) -> None:
        self._registry = registry
        # A ref reached again along the same chain of refs inlines to the same
        # value: reuse it (big contracts point at a few components thousands of times).
        self._done: dict[tuple[str, tuple[str, ...]], JSON] = {}

    def inline(self, node: JSON, uri: str, pointer: str, active: tuple[str, ...]) -> JSON:
        # Exact type checks and a lazily built pointer: this walk visits every node.
        kind = type(node)
        if kind is list:
            return [self.inline(item, uri, f"{pointer}/{i}", active) for i, item in enumerate(node)]
        if kind is not dict and not isinstance(node, Mapping):
            return node
        ref = node.get("$ref")
        if type(ref) is not str:
            return {
                key: self._child(value, uri, pointer, key, active) for key, value in node.items()
            }
        target = urljoin(uri, ref).removesuffix("#")
        if target in active:
            return dict(node)
        done = self._done.get((target, active))
        if done is None:
            try:
                resolved = self._registry.resolver(uri).lookup(ref)
            except Unresolvable as err:
                raise InputError(f"{_display(uri)}#{pointer}: cannot resolve $ref {ref!r}") from err
            target_uri, fragment = urldefrag(target)
            done = self.inline(resolved.contents, target_uri, fragment, (*active, target))
            self._done[(target, active)] = done
        if len(node) == 1 or not isinstance(done, Mapping):
            return done
        siblings = {
            key: self._child(value, uri, pointer, key, active)
            for key, value in node.items()
            if key != "$ref"
        }
        return {**done, **siblings}

    def _child(
        self, value: JSON, uri: str, pointer: str, key: object, active: tuple[str, ...]
    ) -> JSON:
        if type(value) is str or type(value) is int or value is None:
            return value
        return self.inline(value, uri, f"{pointer}/{_escape(key)}", active)


def _escape(key: object) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _display(uri: str) -> str:
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri
