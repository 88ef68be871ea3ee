"""Read vcrpy YAML cassettes into frozen interactions; errors name the file and the interaction."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import parse_qsl, urlsplit

from nbkit.cassettes.scenarios import AuthMethod
from nbkit.contract import KeyRole, load_auth_table
from nbkit.contract.load import parse_document, read_bytes
from nbkit.contract.roles import role_of_placeholder
from nbkit.errors import InputError
from nbkit.types import JSON

__all__ = ["SUFFIXES", "Interaction", "cassette_files", "load_cassette", "parse_cassette"]

SUFFIXES: Final = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Interaction:
    """One recorded request and its response. Header names are lower case."""

    cassette: str
    index: int
    method: str
    uri: str
    request_headers: Mapping[str, str] = field(repr=False)
    request_body: str | None = field(repr=False)
    status: int
    headers: Mapping[str, str]
    body: str | None

    @property
    def path(self) -> str:
        return urlsplit(self.uri).path

    @property
    def query(self) -> tuple[tuple[str, str], ...]:
        return tuple(parse_qsl(urlsplit(self.uri).query, keep_blank_values=True))

    @property
    def credential(self) -> tuple[AuthMethod, str | None]:
        """Where the key was sent and its (placeholder) value; the mock's precedence order."""
        # auth.yaml lists the methods in the mock's precedence order.
        for method in load_auth_table().methods:
            if method.location == "header":
                value = self.request_headers.get(method.name.lower())
            else:
                value = next((v for n, v in self.query if n == method.name), None)
            if value is not None:
                # A scheme before the key (`Bearer <key>`): the credential is what follows it.
                scheme = method.template != "{key}"
                return AuthMethod(method.id), value.partition(" ")[2] if scheme else value
        return AuthMethod.NONE, None

    @property
    def role(self) -> KeyRole | None:
        """The role its placeholder keeps; None when the key is not a role placeholder."""
        method, value = self.credential
        if method is AuthMethod.NONE:
            return KeyRole.NONE
        return None if value is None else role_of_placeholder(value)

    @property
    def label(self) -> str:
        """`#2 GET /api/v1/video-status.php (header, valid)`: never a key, only its role."""
        method, _ = self.credential
        role = self.role or "unrecognised key"
        return f"#{self.index} {self.method} {self.path} ({method}, {role})"

    def json(self) -> JSON:
        """The response body as JSON; raises ValueError when it is not JSON."""
        if self.body is None:
            raise ValueError("no body")
        return json.loads(self.body)


def cassette_files(root: Path) -> tuple[Path, ...]:
    """Every cassette under `root` (or `root` itself), sorted; InputError if there is none."""
    if root.is_file():
        return (root,)
    if not root.is_dir():
        raise InputError(f"{root}: no such cassette folder")
    # Not only regular files: a FIFO or device named *.yaml is refused by
    # load_cassette with an error rather than skipped in silence.
    found = tuple(sorted(p for p in root.rglob("*") if p.suffix in SUFFIXES and not p.is_dir()))
    if not found:
        raise InputError(
            f"{root}: no cassettes (*.yaml) in it; record some with `nbkit cassettes record`"
        )
    return found


def load_cassette(path: Path, *, name: str | None = None) -> tuple[Interaction, ...]:
    """The interactions of a cassette file; InputError naming the file (and interaction) if bad.

    A cassette may come from anyone: it is read through the contract's safe
    loader (a regular file, bounded size, depth and YAML alias expansion).
    """
    shown = name or str(path)
    data = read_bytes(path, name=shown)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"{shown}: cannot read the cassette ({err})") from err
    return parse_cassette(parse_document(data, name=shown, fix="re-record it"), shown)


def parse_cassette(document: JSON, name: str) -> tuple[Interaction, ...]:
    """Interactions from a parsed cassette document."""
    if not isinstance(document, dict) or not isinstance(document.get("interactions"), list):
        raise InputError(f"{name}: not a vcrpy cassette (no `interactions` list); re-record it")
    found = []
    for index, item in enumerate(document["interactions"], start=1):
        try:
            found.append(_interaction(item, name, index))
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise InputError(
                f"{name}: interaction #{index}: malformed "
                f"({type(err).__name__}: {err}); re-record it"
            ) from err
    return tuple(found)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, str):
        return value
    raise TypeError(f"a body is text, not {type(value).__name__}")


def _headers(raw: object) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise TypeError("headers must be a mapping")
    headers = {}
    for name, values in raw.items():
        listed = values if isinstance(values, list) else [values]
        headers[str(name).lower()] = ", ".join(str(v) for v in listed)
    return headers


def _interaction(item: JSON, name: str, index: int) -> Interaction:
    request, response = item["request"], item["response"]
    body = response.get("body")
    status = response["status"]["code"]
    if not isinstance(status, int) or isinstance(status, bool):
        raise ValueError(f"status code {status!r} is not an integer")
    method = request["method"]
    uri = request["uri"]
    if not isinstance(method, str) or not isinstance(uri, str):
        raise TypeError("request method and uri must be strings")
    return Interaction(
        cassette=name,
        index=index,
        method=method.upper(),
        uri=uri,
        request_headers=_headers(request.get("headers")),
        request_body=_text(request.get("body")),
        status=status,
        headers=_headers(response.get("headers")),
        body=None if body is None else _text(body.get("string")),
    )
