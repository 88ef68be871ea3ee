"""Hostile contracts and cassettes: what a pull request can put in front of nbkit.

A contract in a pull request is attacker input to `nbkit diff`, `nbkit contract
check` and `nbkit cassettes check`. Each test plants one class of hostile input
and runs the real CLI in a subprocess (bounded in memory, so that the code
before the fix fails the test instead of swapping the machine; the timeout
only guards against a hang, nothing asserts on time). Every class must end in
one `nbkit: error:` line naming the file, never an internal error, a hang or a
request on the network.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from nbkit.contract.load import CONTRACTS_DIR, MAX_FILE_BYTES, SCHEMAS_DIR

_REPOSITORY = Path(__file__).resolve().parents[2]
_MEMORY_LIMIT = 1536 * 2**20
_HANG_GUARD_SECONDS = 120

# A valid contract; hostile tests replace the schema `S` (or add files beside it).
_CONTRACT = """\
openapi: 3.1.0
info: {title: hostile, version: "1"}
paths:
  /x:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/S"}
components:
  schemas:
    S: %s
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_LIMIT, _MEMORY_LIMIT))


def _nbkit(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-m", "nbkit", *map(str, args)],
            capture_output=True,
            text=True,
            check=False,
            cwd=cwd,
            timeout=_HANG_GUARD_SECONDS,
            preexec_fn=_limit_memory,
        )
    except subprocess.TimeoutExpired as err:
        raise AssertionError(f"nbkit {' '.join(map(str, args))} blocked") from err


def _assert_refused(result: subprocess.CompletedProcess[str], *names: str) -> None:
    """Exit 2, no internal error, and an `nbkit: error:` line naming each of `names`."""
    assert "internal error" not in result.stderr, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("nbkit: error: ")]
    assert any(all(name in line for name in names) for line in errors), result.stderr


def _tree(root: Path, schema: str, files: dict[str, str] | None = None) -> Path:
    """A repository under `root`: contracts/ (the contract) and schemas/; the contract's path."""
    contract = root / "repo" / "contracts" / "nanobanana.openapi.yaml"
    contract.parent.mkdir(parents=True)
    (root / "repo" / "schemas").mkdir()
    contract.write_text(_CONTRACT % schema)
    for name, text in (files or {}).items():
        (root / "repo" / name).write_text(text)
    return contract


def _base(root: Path) -> Path:
    base = root / "base" / "contracts" / "nanobanana.openapi.yaml"
    base.parent.mkdir(parents=True)
    base.write_text(_CONTRACT % "{type: object}")
    return base


def _run(command: str, tmp_path: Path, contract: Path) -> subprocess.CompletedProcess[str]:
    """Run one command on the hostile tree holding `contract`."""
    if command == "diff":
        return _nbkit("diff", _base(tmp_path), contract, cwd=tmp_path)
    return _nbkit("contract", "check", "--root", contract.parent.parent, cwd=tmp_path)


CONTRACT_COMMANDS = ("diff", "contract-check")


class _Counter(BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        body = json.dumps({"type": "object"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that serves a schema and counts the requests it gets."""
    requests: list[str] = []
    handler = type("Counter", (_Counter,), {"requests": requests})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("command", CONTRACT_COMMANDS)
def test_remote_ref_is_refused_without_a_request(
    command: str, tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    url, requests = server
    # In the contract, and in a schema file whose examples contract check validates.
    remote = json.dumps({"$ref": f"{url}/schema.json", "examples": [{}]})
    contract = _tree(
        tmp_path,
        json.dumps({"$ref": f"{url}/contract-schema.json"}),
        {"schemas/remote.json": remote},
    )
    result = _run(command, tmp_path, contract)
    _assert_refused(result, "nanobanana.openapi.yaml", url)
    assert requests == []


def _escape_refs(tmp_path: Path) -> dict[str, str]:
    """$refs that leave the root: an absolute path, `../`, a symlink pointing out."""
    secret = tmp_path / "secret.json"
    secret.write_text('{"type": "string", "description": "outside the root"}')
    link = tmp_path / "repo" / "schemas" / "link.json"
    return {
        "absolute": str(secret),
        "dotdot": "../../secret.json",
        "symlink": f"../schemas/{link.name}",
        "etc-passwd": "/etc/passwd",
    }


@pytest.mark.parametrize("escape", ["absolute", "dotdot", "symlink", "etc-passwd"])
@pytest.mark.parametrize("command", CONTRACT_COMMANDS)
def test_ref_outside_the_root_is_refused(command: str, escape: str, tmp_path: Path) -> None:
    ref = _escape_refs(tmp_path)[escape]
    contract = _tree(tmp_path, json.dumps({"$ref": ref}))
    os.symlink(tmp_path / "secret.json", tmp_path / "repo" / "schemas" / "link.json")
    result = _run(command, tmp_path, contract)
    _assert_refused(result, "nanobanana.openapi.yaml", "outside the contract's root")


@pytest.mark.parametrize("kind", ["fifo", "dev-zero-link"])
@pytest.mark.parametrize("command", CONTRACT_COMMANDS)
def test_ref_to_a_fifo_or_device_is_refused_without_blocking(
    command: str, kind: str, tmp_path: Path
) -> None:
    contract = _tree(tmp_path, json.dumps({"$ref": "../schemas/special.json"}))
    special = tmp_path / "repo" / "schemas" / "special.json"
    if kind == "fifo":
        os.mkfifo(special)
        reason = "not a regular file"
    else:
        os.symlink("/dev/zero", special)
        reason = "outside the contract's root"
    result = _run(command, tmp_path, contract)
    _assert_refused(result, "special.json", reason)


@pytest.mark.parametrize("command", CONTRACT_COMMANDS)
def test_dev_zero_as_a_ref_is_refused(command: str, tmp_path: Path) -> None:
    contract = _tree(tmp_path, json.dumps({"$ref": "/dev/zero"}))
    result = _run(command, tmp_path, contract)
    _assert_refused(result, "nanobanana.openapi.yaml", "/dev/zero")


def _laughs(levels: int, anchor_prefix: str = "l") -> str:
    """A billion-laughs YAML mapping body: each level lists ten aliases of the one below."""
    lines = [f'{anchor_prefix}0: &{anchor_prefix}0 ["lol"]']
    for level in range(1, levels + 1):
        below = ", ".join([f"*{anchor_prefix}{level - 1}"] * 10)
        lines.append(f"{anchor_prefix}{level}: &{anchor_prefix}{level} [{below}]")
    return "\n".join(lines)


def _laughs_contract(levels: int) -> str:
    body = "\n".join(f"        {line}" for line in _laughs(levels).splitlines())
    return _CONTRACT % f"\n      type: object\n      x-laughs:\n{body}"


# Where the `$defs` of the schema `S` sit, for refs from inside it.
_DEFS = "#/components/schemas/S/$defs/"


def _ref_bomb() -> str:
    """Ten $refs to the level below, ten levels deep: tiny, and 10**10 nodes once inlined."""
    defs: dict[str, object] = {"d0": {"type": "string"}}
    for level in range(1, 11):
        defs[f"d{level}"] = {
            "properties": {f"p{i}": {"$ref": f"{_DEFS}d{level - 1}"} for i in range(10)}
        }
    return json.dumps({"$defs": defs, "$ref": f"{_DEFS}d10"})


@pytest.mark.parametrize("shape", ["yaml-aliases", "ref-fan-out"])
@pytest.mark.parametrize("command", CONTRACT_COMMANDS)
def test_expansion_bomb_in_a_contract_is_refused(command: str, shape: str, tmp_path: Path) -> None:
    contract = _tree(tmp_path, "{type: object}")
    if shape == "yaml-aliases":
        contract.write_text(_laughs_contract(9))
        needle = "aliases"
    else:
        contract.write_text(_CONTRACT % _ref_bomb())
        needle = "$refs inlined"
    result = _run(command, tmp_path, contract)
    _assert_refused(result, "nanobanana.openapi.yaml", needle)


def _cassettes(tmp_path: Path, name: str) -> Path:
    """A copy of one recorded cassette folder; the hostile cassette goes beside it as `name`."""
    folder = tmp_path / "cassettes"
    shutil.copytree(_REPOSITORY / "cassettes" / "status", folder / "status")
    return folder / name


def _cassette_with(headers: str) -> str:
    return f"""\
interactions:
- request:
    body: null
    headers: {{}}
    method: GET
    uri: https://nanobananavideo.com/api/v1/video-status.php
  response:
    body: {{string: "{{}}"}}
    headers:
{headers}
    status: {{code: 200, message: OK}}
version: 1
"""


def test_alias_bomb_in_a_cassette_is_refused(tmp_path: Path) -> None:
    cassette = _cassettes(tmp_path, "bomb.yaml")
    body = "\n".join(f"      {line}" for line in _laughs(9).splitlines())
    cassette.write_text(_cassette_with(body))
    result = _nbkit("cassettes", "check", cassette.parent, cwd=tmp_path)
    _assert_refused(result, "bomb.yaml", "aliases")


def _deep_json(levels: int) -> str:
    return "[" * levels + "]" * levels


def _deep_yaml(levels: int) -> str:
    # Flow style stays under libyaml's own limit of 1,000 levels.
    return "{a: " * levels + "1" + "}" * levels


def _ref_chain(hops: int) -> str:
    defs: dict[str, object] = {f"d{i}": {"$ref": f"{_DEFS}d{i + 1}"} for i in range(hops)}
    defs[f"d{hops}"] = {"type": "string"}
    return json.dumps({"$defs": defs, "$ref": f"{_DEFS}d0"})


@pytest.mark.parametrize("shape", ["json", "yaml", "ref-chain"])
@pytest.mark.parametrize("command", CONTRACT_COMMANDS)
def test_deep_nesting_is_an_error_not_a_crash(command: str, shape: str, tmp_path: Path) -> None:
    contract = _tree(tmp_path, "{type: object}")
    if shape == "json":
        document = {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "x-deep": "@",
        }
        contract.write_text(json.dumps(document).replace('"@"', _deep_json(5000)))
    elif shape == "yaml":
        contract.write_text(_CONTRACT % _deep_yaml(900))
    else:
        contract.write_text(_CONTRACT % _ref_chain(900))
    result = _run(command, tmp_path, contract)
    _assert_refused(result, "nanobanana.openapi.yaml")


@pytest.mark.parametrize("shape", ["yaml", "json"])
def test_deep_cassette_is_an_error_not_a_crash(shape: str, tmp_path: Path) -> None:
    cassette = _cassettes(tmp_path, "deep.yaml")
    if shape == "yaml":
        cassette.write_text(_cassette_with(f"      x-deep: {_deep_yaml(900)}"))
    else:
        cassette.write_text('{"interactions": ' + _deep_json(5000) + "}")
    result = _nbkit("cassettes", "check", cassette.parent, cwd=tmp_path)
    _assert_refused(result, "deep.yaml")


def _oversized(path: Path, head: str) -> None:
    """A file just over the limit: a valid start, then a sparse tail (no disk used)."""
    with path.open("w") as file:
        file.write(head)
        file.truncate(MAX_FILE_BYTES + 1)


@pytest.mark.parametrize("where", ["contract", "ref"])
@pytest.mark.parametrize("command", CONTRACT_COMMANDS)
def test_oversized_file_is_refused(command: str, where: str, tmp_path: Path) -> None:
    contract = _tree(tmp_path, json.dumps({"$ref": "../schemas/big.json"}))
    if where == "contract":
        _oversized(contract, '{"openapi": "3.1.0", "x": "')
        name = contract.name
    else:
        _oversized(tmp_path / "repo" / "schemas" / "big.json", '{"type": "')
        name = "big.json"
    result = _run(command, tmp_path, contract)
    _assert_refused(result, name, "MiB")


def test_oversized_cassette_is_refused(tmp_path: Path) -> None:
    cassette = _cassettes(tmp_path, "big.yaml")
    _oversized(cassette, "interactions: []\nx: '")
    result = _nbkit("cassettes", "check", cassette.parent, cwd=tmp_path)
    _assert_refused(result, "big.yaml", "MiB")


def test_fifo_cassette_is_refused_without_blocking(tmp_path: Path) -> None:
    cassette = _cassettes(tmp_path, "pipe.yaml")
    os.mkfifo(cassette)
    result = _nbkit("cassettes", "check", cassette.parent, cwd=tmp_path)
    _assert_refused(result, "pipe.yaml", "not a regular file")


def test_relative_root_works_for_contract_check(tmp_path: Path) -> None:
    shutil.copytree(CONTRACTS_DIR, tmp_path / "repo" / "contracts")
    shutil.copytree(SCHEMAS_DIR, tmp_path / "repo" / "schemas")
    result = _nbkit("contract", "check", "--root", "repo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr
