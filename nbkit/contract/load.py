"""Read the contract and its schemas safely, and resolve every `$ref` once, with `referencing`.

Every document nbkit reads (contracts, schemas, tables, cassettes) may come from
an attacker, so this module is the one door: only regular files, under the
document's root, of bounded size; YAML parsed safely with bounded alias
expansion and nesting depth; `$ref`s to local files only, never the network.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Final, NoReturn
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import yaml_rs
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
    "MAX_ALIAS_NODES",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_REF_CHAIN",
    "MAX_RESOLVED_NODES",
    "SCHEMAS_DIR",
    "Retrieve",
    "contract_root",
    "dereference",
    "input_error_cause",
    "local_registry",
    "local_retriever",
    "parse_document",
    "read_bytes",
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

# Bounds on hostile input. The 2,000-operation benchmark contract is 5 MB,
# nests 20 levels and inlines to about 2 million containers.
MAX_FILE_BYTES: Final = 32 * 1024 * 1024
# Every walker after the parser (the inliner, jsonschema, the diff) recurses,
# several frames per level, under Python's default limit of 1,000 frames.
MAX_DEPTH: Final = 64
# Parse events YAML aliases may replay in all (billion laughs: refused in milliseconds).
MAX_ALIAS_NODES: Final = 100_000
# Containers in a contract with every $ref inlined (a $ref fan-out bomb).
MAX_RESOLVED_NODES: Final = 20_000_000
# A $ref to a $ref to ...: more files or hops than any real contract needs.
MAX_REF_CHAIN: Final = 32

# yaml-rs counts every event an alias replays; past the bound it stops (billion laughs).
_ALIAS_LIMITS: Final = yaml_rs.AliasLimits(
    max_total_replayed_events=MAX_ALIAS_NODES, max_replay_stack_depth=MAX_DEPTH
)
# Where yaml-rs says a syntax error is.
_PLACE: Final = re.compile(r"line (\d+), column (\d+)")
# YAML 1.1's merge key, a plain key in YAML 1.2.
_MERGE_KEY: Final = "<<"
# A YAML document marker: `---` or `...` at the start of a line.
_MARKER: Final = re.compile(r"^(?:---|\.\.\.)(?:[ \t]|$)", re.MULTILINE)

# Reads the document a URI (without fragment) names.
Retrieve = Callable[[str], JSON]


class _Refusal(InputError):
    """Raised when input crosses a bound (root, file type, size, depth, aliases, network)."""


def contract_root(path: Path) -> Path:
    """The folder a contract's `$ref`s may reach: the git work tree holding it.

    Outside git, the folder holding `contracts/` when the file sits under one
    (contracts/ and schemas/ side by side, as nbkit ships them), else the file's folder.
    """
    folder = path.resolve().parent
    for parent in (folder, *folder.parents):
        if (parent / ".git").exists():
            return parent
    for parent in (folder, *folder.parents):
        if parent.name == "contracts":
            return parent.parent
    return folder


def read_bytes(path: Path, *, root: Path | None = None, name: str | None = None) -> bytes:
    """The bytes of a regular file (under `root`, symlinks resolved), at most MAX_FILE_BYTES.

    FIFOs, devices and sockets are refused before and after opening (non-blocking),
    so that nothing blocks or reads without end.
    """
    shown = name or str(path)
    try:
        real = path.resolve() if root is not None else path
        if root is not None and not real.is_relative_to(root.resolve()):
            raise _Refusal(f"{shown}: outside the contract's root {root}; refused")
        _require_regular(os.stat(real), shown)
        descriptor = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(descriptor, "rb") as file:
            _require_regular(os.fstat(file.fileno()), shown)
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise InputError(f"{shown}: cannot read ({err.strerror or err})") from err
    if len(data) > MAX_FILE_BYTES:
        raise _Refusal(f"{shown}: larger than {MAX_FILE_BYTES // 2**20} MiB; refused")
    return data


def _require_regular(status: os.stat_result, shown: str) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise _Refusal(f"{shown}: not a regular file (a FIFO, device or folder); refused")
    if status.st_size > MAX_FILE_BYTES:
        raise _Refusal(f"{shown}: larger than {MAX_FILE_BYTES // 2**20} MiB; refused")


def parse_document(text: str | bytes, *, name: str, fix: str = "") -> JSON:
    """Parse YAML or JSON (YAML is a superset) within the bounds; errors name the document.

    With `fix` (a cassette's "re-record it"), a syntax error says only the line, then the fix.
    """
    if len(text) > MAX_FILE_BYTES:
        raise _Refusal(f"{name}: larger than {MAX_FILE_BYTES // 2**20} MiB; refused")
    if text.lstrip()[:1] in ("{", b"{"):
        # JSON is YAML too, but json parses it faster still.
        try:
            document = json.loads(text)
        except RecursionError as err:
            raise _too_deep(name) from err
        except ValueError:
            pass  # let the YAML parser say where it is wrong
        else:
            _check_depth(document, name)
            return document
    document = _parse_yaml(_decode(text, name), name, fix)
    _check_depth(document, name, yaml=True)
    return document


def _decode(text: str | bytes, name: str) -> str:
    if isinstance(text, str):
        return text.removeprefix("\ufeff")
    try:
        return text.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{name}: not UTF-8 (byte {err.start}: {err.reason})") from err


def _parse_yaml(text: str, name: str, fix: str) -> JSON:
    """YAML 1.2 (core schema) by yaml-rs: plain data only, aliases replayed within a bound.

    Tags build nothing (`!!python/...` is ignored), and duplicate keys are an
    error (a reviewer reads the first, a last-wins parser would use the other).
    """
    try:
        document = yaml_rs.loads(
            text,
            parse_datetime=False,  # dates stay strings, as in JSON
            alias_limits=_ALIAS_LIMITS,
            duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error,
        )
    except yaml_rs.YAMLDecodeError as err:
        message = str(err)
        problem = message.strip().splitlines()[-1] if message.strip() else "syntax error"
        if "alias replay limit" in message:
            raise _Refusal(
                f"{name}: YAML aliases expand to more than {MAX_ALIAS_NODES:,} events; refused"
            ) from err
        place = _PLACE.search(message)
        if fix:
            where = f" (line {place[1]})" if place else ""
            raise InputError(f"{name}: not valid YAML{where}; {fix}") from err
        where = f"line {place[1]}, column {place[2]}: " if place else ""
        raise InputError(f"{name}: not valid YAML or JSON ({where}{problem})") from err
    except RecursionError as err:
        raise _too_deep(name) from err
    if type(document) is list and _is_stream(text):
        # yaml-rs returns a stream of several documents as a list of them.
        raise InputError(f"{name}: holds more than one YAML document; keep one")
    return document


def _is_stream(text: str) -> bool:
    """Whether a document marker follows content: more than one document, or an end marker."""
    markers = list(_MARKER.finditer(text))
    if len(markers) > 1:
        return True
    if not markers:
        return False
    before = text[: markers[0].start()]
    return any(
        line.strip() and not line.lstrip().startswith(("#", "%")) for line in before.splitlines()
    )


def _too_deep(name: str) -> InputError:
    return _Refusal(f"{name}: nested deeper than {MAX_DEPTH} levels; refused")


def _check_depth(document: JSON, name: str, *, yaml: bool = False) -> None:
    """Refuse data nested deeper than MAX_DEPTH (level by level: no recursion to overflow).

    With `yaml`, refuse a merge key (`<<`) too: YAML 1.1 merged it, YAML 1.2 (what
    yaml-rs reads) makes it a plain key, so the keys it was meant to add would vanish.
    """
    level = [document] if type(document) is dict or type(document) is list else []
    depth = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            raise _too_deep(name)
        below = []
        for node in level:
            if yaml and type(node) is dict and _MERGE_KEY in node:
                raise InputError(
                    f"{name}: uses a YAML merge key (<<), which YAML 1.2 does not have; "
                    "write the keys out"
                )
            for child in node.values() if type(node) is dict else node:
                if type(child) is dict or type(child) is list:
                    below.append(child)
        level = below


def read_document(path: Path, *, root: Path | None = None, name: str | None = None) -> JSON:
    """Read one YAML or JSON file; with `root`, only a regular file under it."""
    return parse_document(read_bytes(path, root=root, name=name), name=name or str(path))


def local_retriever(root: Path) -> Retrieve:
    """A `Retrieve` that reads local files under `root` and refuses every other URI."""

    def retrieve(uri: str) -> JSON:
        return read_document(_local_path(uri), root=root)

    return retrieve


def read_file_uri(uri: str) -> JSON:
    """Read a `file:` URI (any local file); every other scheme is refused."""
    return read_document(_local_path(uri))


def _local_path(uri: str) -> Path:
    parsed = urlparse(uri)
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        # Never the network: a contract from a pull request must not make nbkit
        # send requests (to internal hosts, or to tell an attacker it ran).
        raise _Refusal(f"{uri}: only local files can be referenced (nbkit reads no network)")
    return Path(unquote(parsed.path))


def local_registry(root: Path) -> Registry[JSON]:
    """A `referencing` registry (for jsonschema) that reads only local files under `root`.

    jsonschema's default registry fetches http(s) refs; this one never does.
    """
    retrieve = local_retriever(root)

    def load(uri: str) -> Resource[JSON]:
        return Resource.from_contents(retrieve(uri), default_specification=DRAFT202012)

    return Registry(retrieve=load)  # type: ignore[call-arg]


def dereference(
    document: JSON, *, base_uri: str, retrieve: Retrieve | None = None, root: Path | None = None
) -> JSON:
    """A copy of `document` with every `$ref` replaced by what it points at.

    Refs may point into other files (relative to `base_uri`), which `retrieve`
    reads: by default local files under `root` (default: `contract_root` of the
    base file), never the network. A ref that points back into its own
    ancestors is left as it is, so recursive schemas stay finite. Sibling
    keywords of a `$ref` are kept.
    """
    if retrieve is None:
        retrieve = local_retriever(root or contract_root(_local_path(base_uri)))
    documents: dict[str, JSON] = {base_uri: document}

    def load(uri: str) -> Resource[JSON]:
        if uri not in documents:
            documents[uri] = retrieve(uri)
        return Resource.from_contents(documents[uri], default_specification=DRAFT202012)

    registry: Registry[JSON] = Registry(retrieve=load)  # type: ignore[call-arg]
    registry = registry.with_resource(base_uri, load(base_uri))
    return _Inliner(registry).inline(document, base_uri, "", (base_uri,), 1)


class _Inliner:
    """Walks a document, inlining refs; knows where it is only when it must say so."""

    def __init__(self, registry: Registry[JSON]) -> None:
        self._registry = registry
        # A ref reached again along the same chain of refs inlines to the same
        # value: reuse it (big contracts point at a few components thousands of
        # times), with the containers it holds, which later walks all visit.
        self._done: dict[tuple[str, tuple[str, ...]], tuple[JSON, int, int]] = {}
        self._containers = 0
        # The deepest level reached so far, to know how deep a reused value goes.
        self._deepest = 0

    def inline(
        self, node: JSON, uri: str, pointer: str, active: tuple[str, ...], depth: int
    ) -> JSON:
        # Exact type checks and a lazily built pointer: this walk visits every node.
        kind = type(node)
        if kind is not list and kind is not dict and not isinstance(node, Mapping):
            return node
        self._containers += 1
        if depth > self._deepest:
            self._deepest = depth
            if depth > MAX_DEPTH:
                self._refuse(uri, pointer, f"nested deeper than {MAX_DEPTH} levels")
        if self._containers > MAX_RESOLVED_NODES:
            self._refuse(uri, pointer, f"larger than {MAX_RESOLVED_NODES:,} containers")
        if kind is list:
            return [
                self.inline(item, uri, f"{pointer}/{i}", active, depth + 1)
                for i, item in enumerate(node)
            ]
        ref = node.get("$ref")
        if type(ref) is not str:
            return {
                key: self._child(value, uri, pointer, key, active, depth)
                for key, value in node.items()
            }
        target = urljoin(uri, ref).removesuffix("#")
        if target in active:
            return dict(node)
        done = self._done.get((target, active))
        if done is None:
            done = self._resolve(ref, target, uri, pointer, active, depth)
            self._done[(target, active)] = done
        else:
            self._containers += done[1]
            if depth + done[2] > MAX_DEPTH:
                self._refuse(uri, pointer, f"nested deeper than {MAX_DEPTH} levels")
            if self._containers > MAX_RESOLVED_NODES:
                self._refuse(uri, pointer, f"larger than {MAX_RESOLVED_NODES:,} containers")
        value = done[0]
        if len(node) == 1 or not isinstance(value, Mapping):
            return value
        siblings = {
            key: self._child(item, uri, pointer, key, active, depth)
            for key, item in node.items()
            if key != "$ref"
        }
        return {**value, **siblings}

    @staticmethod
    def _refuse(uri: str, pointer: str, what: str) -> NoReturn:
        raise InputError(f"{_display(uri)}#{pointer}: with its $refs inlined, {what}; refused")

    def _resolve(
        self, ref: str, target: str, uri: str, pointer: str, active: tuple[str, ...], depth: int
    ) -> tuple[JSON, int, int]:
        where = f"{_display(uri)}#{pointer}"
        if len(active) > MAX_REF_CHAIN:
            raise InputError(f"{where}: $ref chain longer than {MAX_REF_CHAIN} hops; refused")
        try:
            resolved = self._registry.resolver(uri).lookup(ref)
        except Unresolvable as err:
            cause = input_error_cause(err)
            if isinstance(cause, _Refusal):
                raise InputError(f"{where}: $ref {ref!r} refused: {cause}") from err
            raise InputError(f"{where}: cannot resolve $ref {ref!r}") from err
        target_uri, fragment = urldefrag(target)
        before, deepest = self._containers, self._deepest
        self._deepest = depth
        value = self.inline(resolved.contents, target_uri, fragment, (*active, target), depth)
        height = self._deepest - depth
        self._deepest = max(deepest, self._deepest)
        return value, self._containers - before, height

    def _child(
        self,
        value: JSON,
        uri: str,
        pointer: str,
        key: object,
        active: tuple[str, ...],
        depth: int,
    ) -> JSON:
        if type(value) is str or type(value) is int or value is None:
            return value
        return self.inline(value, uri, f"{pointer}/{_escape(key)}", active, depth + 1)


def input_error_cause(err: BaseException) -> InputError | None:
    """The InputError (a refused or unreadable file) behind a library's error, if any.

    `referencing` wraps what a retriever raises twice (Unretrievable, then Unresolvable).
    """
    cause = err.__cause__
    while cause is not None and not isinstance(cause, InputError):
        cause = cause.__cause__
    return cause


def _escape(key: object) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _display(uri: str) -> str:
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri
