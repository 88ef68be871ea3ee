"""Read the contract and its schemas, and resolve every `$ref` once, with `referencing`."""

from __future__ import annotations

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
    """Walks a document, inlining refs, remembering where it is for error messages."""

    def __init__(self, registry: Registry[JSON]) -> None:
        self._registry = registry

    def inline(self, node: JSON, uri: str, pointer: str, active: tuple[str, ...]) -> JSON:
        if isinstance(node, list):
            return [self.inline(item, uri, f"{pointer}/{i}", active) for i, item in enumerate(node)]
        if not isinstance(node, Mapping):
            return node
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return {
                key: self.inline(value, uri, f"{pointer}/{_escape(key)}", active)
                for key, value in node.items()
            }
        target = urljoin(uri, ref).removesuffix("#")
        if target in active:
            return dict(node)
        try:
            resolved = self._registry.resolver(uri).lookup(ref)
        except Unresolvable as err:
            raise InputError(f"{_display(uri)}#{pointer}: cannot resolve $ref {ref!r}") from err
        target_uri, fragment = urldefrag(target)
        contents = self.inline(
            resolved.contents, target_uri, fragment.lstrip("#"), (*active, target)
        )
        siblings = {
            key: self.inline(value, uri, f"{pointer}/{_escape(key)}", active)
            for key, value in node.items()
            if key != "$ref"
        }
        if siblings and isinstance(contents, Mapping):
            return {**contents, **siblings}
        return contents


def _escape(key: object) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _display(uri: str) -> str:
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri
