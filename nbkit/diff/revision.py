"""Read one side of a diff, a file or `REF:path` from git, into a resolved Snapshot.

A side is the OpenAPI document with every `$ref` resolved (for a git side,
the referenced files are read as they were at that revision), the auth
decision table `auth.yaml` beside it when there is one, and the key schema.
"""

from __future__ import annotations

import posixpath
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import quote, unquote, urljoin, urlparse

from nbkit.contract.load import (
    AUTH_TABLE_FILE,
    MAX_FILE_BYTES,
    Retrieve,
    contract_root,
    dereference,
    local_retriever,
    parse_document,
    read_document,
)
from nbkit.errors import InputError
from nbkit.types import JSON

__all__ = [
    "KEY_SCHEMA_COMPONENT",
    "KEY_SCHEMA_REF",
    "Snapshot",
    "read_file",
    "read_revision",
    "read_side",
]

AUTH_TABLE_NAME: Final = AUTH_TABLE_FILE.name
# Where a contract keeps the key schema: as a component, or else the repository's
# schemas/api-key.json beside contracts/ (the current contract only uses it for auth).
KEY_SCHEMA_COMPONENT: Final = ("components", "schemas", "ApiKey")
KEY_SCHEMA_REF: Final = "../schemas/api-key.json"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One version of the contract, resolved: what the diff compares."""

    name: str
    document: JSON
    auth: JSON = None
    key_schema: JSON = None
    key_pointer: str = ""


def read_side(spec: str, *, cwd: Path | None = None) -> Snapshot:
    """A file path, or `REF:path` (path from the repository root, as `git show` takes it)."""
    here = cwd or Path.cwd()
    ref, colon, inner = spec.partition(":")
    if colon and ref and inner and not (here / spec).exists():
        return read_revision(ref, inner, cwd=here)
    return read_file(here / spec)


def read_file(path: Path, *, auth_path: Path | None = None) -> Snapshot:
    """A contract on disk; `auth_path` defaults to the auth.yaml beside it, if any.

    Its `$ref`s reach only regular files under its `contract_root`, never the network.
    """
    document = read_document(path)
    _require_openapi(document, str(path))
    base_uri = path.resolve().as_uri()
    root = contract_root(path)
    resolved = dereference(document, base_uri=base_uri, root=root)
    auth_file = auth_path or path.parent / AUTH_TABLE_NAME
    auth = None
    if auth_path is not None or auth_file.exists():
        # Beside the contract, it is as untrusted as the contract: under its root only.
        table = read_document(auth_file, root=None if auth_path else root, name=str(auth_file))
        auth = _require_table(table, str(auth_file))
    key_schema, key_pointer = _key_schema(resolved, base_uri, local_retriever(root))
    return Snapshot(str(path), resolved, auth, key_schema, key_pointer)


def read_revision(ref: str, path: str, *, cwd: Path) -> Snapshot:
    """A contract as it was at a git revision, with the files it references at that revision."""
    if path.startswith(("./", "../")):
        path = posixpath.normpath(
            _git(["rev-parse", "--show-prefix"], cwd=cwd).decode().strip() + path
        )
    name = f"{ref}:{path}"
    _git(
        ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        cwd=cwd,
        what=f"{ref}: no such git revision",
    )
    document = parse_document(_blob(ref, path, cwd=cwd), name=name)
    _require_openapi(document, name)

    def retrieve(uri: str) -> JSON:
        parsed = urlparse(uri)
        if parsed.scheme != "file" or parsed.netloc:
            raise InputError(f"{uri}: only files of the revision can be referenced (no network)")
        inner = unquote(parsed.path).lstrip("/")
        return parse_document(_blob(ref, inner, cwd=cwd), name=f"{ref}:{inner}")

    base_uri = "file:///" + quote(path)
    try:
        resolved = dereference(document, base_uri=base_uri, retrieve=retrieve)
    except InputError as err:
        # The message names files from the repository root; say which revision they are from.
        raise InputError(f"{err} (in revision {ref})") from err
    auth_name = posixpath.join(posixpath.dirname(path), AUTH_TABLE_NAME)
    try:
        auth_blob = _blob(ref, auth_name, cwd=cwd)
    except InputError:
        auth = None
    else:
        auth = _require_table(
            parse_document(auth_blob, name=f"{ref}:{auth_name}"), f"{ref}:{auth_name}"
        )
    key_schema, key_pointer = _key_schema(resolved, base_uri, retrieve)
    return Snapshot(name, resolved, auth, key_schema, key_pointer)


def _blob(ref: str, path: str, *, cwd: Path) -> bytes:
    """A file of a revision, refused before reading when it is over MAX_FILE_BYTES."""
    name = f"{ref}:{path}"
    size = _git(["cat-file", "-s", name], cwd=cwd, what=f"{name}: not in git")
    if int(size) > MAX_FILE_BYTES:
        raise InputError(f"{name}: larger than {MAX_FILE_BYTES // 2**20} MiB; refused")
    return _git(["cat-file", "blob", name], cwd=cwd, what=f"{name}: not in git")


def _git(args: list[str], *, cwd: Path, what: str = "git failed") -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as err:
        raise InputError(
            f"cannot run git ({err.strerror or err}); install git or pass files"
        ) from err
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()
        reason = detail[-1] if detail else f"exit {done.returncode}"
        raise InputError(f"{what} ({reason})")
    return done.stdout


def _require_openapi(document: JSON, name: str) -> None:
    version = document.get("openapi") if isinstance(document, Mapping) else None
    if not isinstance(version, str) or not version.startswith("3."):
        raise InputError(f"{name}: not an OpenAPI 3 document (no `openapi: 3.x` field)")
    if not isinstance(document.get("paths", {}), Mapping):
        raise InputError(f"{name}: `paths` is not a mapping")


def _require_table(document: JSON, name: str) -> JSON:
    if not isinstance(document, Mapping):
        raise InputError(f"{name}: not an auth decision table (expected a mapping)")
    return document


def _key_schema(document: JSON, base_uri: str, retrieve: Retrieve) -> tuple[JSON, str]:
    node = document
    for key in KEY_SCHEMA_COMPONENT:
        node = node.get(key) if isinstance(node, Mapping) else None
    if isinstance(node, Mapping):
        return node, "/" + "/".join(KEY_SCHEMA_COMPONENT)
    try:
        schema = retrieve(urljoin(base_uri, KEY_SCHEMA_REF))
    except InputError:
        return None, ""
    return (schema, f"{KEY_SCHEMA_REF}#") if isinstance(schema, Mapping) else (None, "")
