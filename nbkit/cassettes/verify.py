"""Check recorded interactions against the contract (the CHECKS table) and audit them for keys.

Each check is a pure function of one judged interaction; it returns the drift it
sees as (pointer, what the contract says, what was recorded). Status codes,
schemas, messages and required headers all come from `nbkit.contract`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.exceptions import best_match

from nbkit.cassettes.cassette import Interaction, cassette_files, load_cassette
from nbkit.cassettes.scenarios import ROLE_CONDITIONS
from nbkit.contract import Operation, load_auth_table, operations
from nbkit.types import JSON

__all__ = [
    "CHECKS",
    "Check",
    "Drift",
    "Judged",
    "KeyFound",
    "Report",
    "check_interaction",
    "check_tree",
    "judge",
]

_SHOWN_CHARS: Final = 90
_NO_BODY: Final = object()
Seen = tuple[tuple[str, str, str], ...]  # (pointer, contract says, recorded)


@dataclass(frozen=True, slots=True)
class Drift:
    """One way an interaction departs from the contract."""

    cassette: str
    interaction: str
    check: str
    expected: str
    recorded: str


@dataclass(frozen=True, slots=True)
class Judged:
    """An interaction with what the checks need: its operation and its parsed body."""

    interaction: Interaction
    operation: Operation | None
    # False when the path is documented but not for this method (a 405 probe).
    method_documented: bool
    body: object


@dataclass(frozen=True, slots=True)
class Check:
    """One row: id, the pure function, and what it checks."""

    id: str
    function: Callable[[Judged], Seen]
    description: str


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def operation_known(judged: Judged) -> Seen:
    if judged.operation is not None:
        return ()
    item = judged.interaction
    return (("", "a documented path", f"{item.method} {item.path}"),)


def status_documented(judged: Judged) -> Seen:
    op, status = judged.operation, judged.interaction.status
    if op is None:
        return ()
    documented = sorted(op.responses) if judged.method_documented else ["405"]
    if str(status) in documented and (judged.method_documented or "405" in op.responses):
        return ()
    return (("", f"status {' / '.join(documented)}", f"status {status}"),)


def auth_answer(judged: Judged) -> Seen:
    op, item = judged.operation, judged.interaction
    if op is None or not judged.method_documented:
        return ()
    role = item.role
    if role is None:
        return (("", "a key role placeholder in the request", "a value that is not one"),)
    expectation = load_auth_table().expect(ROLE_CONDITIONS[role], op.id)
    message = judged.body.get("error") if isinstance(judged.body, dict) else None
    if expectation.accepts(item.status, message):
        return ()
    if expectation.status is None:
        says = f"no auth refusal ({ROLE_CONDITIONS[role]})"
    else:
        says = f"{expectation.status} {' | '.join(expectation.messages)}"
    return (("/error", _short(says), _short(f"{item.status} {message}")),)


def body_is_json(judged: Judged) -> Seen:
    if judged.operation is None or judged.body is not _NO_BODY:
        return ()
    return (("", "a JSON body", _short(judged.interaction.body or "no body")),)


def _leaf(error: ValidationError) -> ValidationError:
    # anyOf / oneOf failures carry one error per branch: show the most relevant one.
    while error.context:
        chosen = best_match(error.context)
        if chosen is None:
            break
        error = chosen
    return error


def _type_name(value: object) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    names.update({list: "array", dict: "object", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def body_schema(judged: Judged) -> Seen:
    op = judged.operation
    if op is None or judged.body is _NO_BODY:
        return ()
    status = judged.interaction.status
    validator: Draft202012Validator | None = op.body_validator(status)
    if validator is None:
        return ()
    seen = []
    for error in validator.iter_errors(judged.body):
        leaf = _leaf(error)
        pointer = "".join(f"/{part}" for part in leaf.absolute_path)
        keyword = str(leaf.validator)
        says = leaf.validator_value
        if keyword == "enum" and isinstance(says, list):
            says = " | ".join(str(v) for v in says)
        recorded = f"{_short(leaf.instance)} ({_type_name(leaf.instance)})"
        if keyword == "required":
            recorded = f"no {leaf.message.split(' ')[0]}"
        seen.append((pointer, _short(f"{pointer or '/'} {keyword}: {_short(says)}"), recorded))
    return tuple(sorted(set(seen)))


def required_headers(judged: Judged) -> Seen:
    op, item = judged.operation, judged.interaction
    if op is None or not judged.method_documented:
        return ()
    response = op.response(item.status)
    if not isinstance(response, Mapping):
        return ()
    seen = []
    for name, header in sorted(response.get("headers", {}).items()):
        value = item.headers.get(name.lower())
        if value is None:
            if header.get("required"):
                seen.append((f"header {name}", f"header {name}", "absent"))
            continue
        schema = header.get("schema")
        if schema is None:
            continue
        try:
            parsed: JSON = int(value) if schema.get("type") == "integer" else value
        except ValueError:
            parsed = value
        if not Draft202012Validator(schema).is_valid(parsed):
            says = _short(f"header {name}: {schema}")
            seen.append((f"header {name}", says, _short(f"{name}: {value}")))
    return tuple(seen)


# Order matters: the first drift reported at a pointer wins (an auth message that changed
# is one drift, not also a schema enum drift).
CHECKS: Final = (
    Check("operation-documented", operation_known, "the path is in the contract"),
    Check("status-documented", status_documented, "the status is documented for the operation"),
    Check("auth-answer", auth_answer, "the documented answer for the key's role (auth.yaml)"),
    Check("body-json", body_is_json, "the body is JSON"),
    Check("body-schema", body_schema, "the body matches the status's schema"),
    Check("required-headers", required_headers, "required headers are present and well-formed"),
)


def judge(interaction: Interaction) -> Judged:
    """The operation an interaction addressed (by path, then method) and its parsed body."""
    same_path = [op for op in operations() if interaction.path.endswith(op.path)]
    exact = [op for op in same_path if op.method == interaction.method]
    candidates = exact or same_path
    operation = candidates[0] if candidates else None
    try:
        body: object = interaction.json()
    except ValueError:
        body = _NO_BODY
    return Judged(interaction, operation, bool(exact), body)


def check_interaction(interaction: Interaction) -> tuple[Drift, ...]:
    """Every drift of one interaction, in CHECKS order, one per pointer."""
    judged = judge(interaction)
    found: list[Drift] = []
    pointers: set[str] = set()
    for check in CHECKS:
        for pointer, expected, recorded in check.function(judged):
            if pointer and pointer in pointers:
                continue
            pointers.add(pointer)
            found.append(
                Drift(interaction.cassette, interaction.label, check.id, expected, recorded)
            )
    return tuple(found)


@dataclass(frozen=True, slots=True)
class KeyFound:
    """A key the audit found in a cassette: where, its fingerprint and redacted form."""

    path: str
    line: int
    fingerprint: str
    redacted: str


@dataclass(frozen=True, slots=True)
class Report:
    """What `check` saw."""

    cassettes: int
    interactions: int
    drifts: tuple[Drift, ...]
    keys: tuple[KeyFound, ...]

    @property
    def clean(self) -> bool:
        return not self.drifts and not self.keys


def _audit(root: Path) -> tuple[KeyFound, ...]:
    from nbkit.audit import Options, run_scan

    outcome = run_scan(Options(paths=(str(root),), use_ignore=False))
    return tuple(
        KeyFound(f.location.path, f.location.line, f.fingerprint, f.redacted)
        for f in outcome.reported
    )


def check_tree(root: Path) -> Report:
    """Check every cassette under `root` against the contract, then audit them for keys."""
    files = cassette_files(root)
    drifts: list[Drift] = []
    interactions = 0
    for path in files:
        name = path.relative_to(root).as_posix() if path != root else path.name
        for interaction in load_cassette(path, name=name):
            interactions += 1
            drifts.extend(check_interaction(interaction))
    return Report(len(files), interactions, tuple(drifts), _audit(root))
