"""Equivalent rewrites of the real contract give no change at all, on disk and from git."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import pytest
import yaml

from nbkit.contract.load import CONTRACT_FILE
from nbkit.diff.compare import compare
from nbkit.diff.revision import read_file, read_revision

REPO: Final = CONTRACT_FILE.parents[1]
NAME: Final = CONTRACT_FILE.name


def _copy(root: Path) -> Path:
    shutil.copytree(REPO / "contracts", root / "contracts")
    shutil.copytree(REPO / "schemas", root / "schemas")
    return root / "contracts" / NAME


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _reordered(node: Any) -> Any:
    """The same data with every mapping's keys reversed."""
    if isinstance(node, dict):
        return {key: _reordered(node[key]) for key in reversed(list(node))}
    if isinstance(node, list):
        return [_reordered(item) for item in node]
    return node


def _flow_style(contract: Path) -> None:
    data = _reordered(_load(contract))
    contract.write_text(yaml.safe_dump(data, default_flow_style=True, width=60), "utf-8")


def _as_json(contract: Path) -> None:
    contract.write_text(json.dumps(_load(contract), indent=1, ensure_ascii=False), "utf-8")


def _schemas_moved(contract: Path) -> None:
    root = contract.parents[1]
    (root / "schemas").rename(root / "json-schemas")
    # Rename every file too, and point the contract and the schemas at the new names.
    for path in (root / "json-schemas").glob("*.json"):
        path.rename(path.with_name(f"v2-{path.name}"))
    for path in [contract, *(root / "json-schemas").glob("*.json")]:
        text = path.read_text(encoding="utf-8")
        text = text.replace("../schemas/", "../json-schemas/")
        text = re.sub(r"([\"'/ ])([a-z-]+\.json)", r"\1v2-\2", text)
        path.write_text(text, encoding="utf-8")


def _refs_inlined(contract: Path) -> None:
    document = read_file(contract).document
    contract.write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")


def _parameters_moved(contract: Path) -> None:
    data = _load(contract)
    moved = 0
    for item in data["paths"].values():
        operations = [key for key in item if key in ("get", "post", "put", "patch", "delete")]
        shared = item.pop("parameters", [])
        for method in operations:
            item[method]["parameters"] = [*shared, *item[method].get("parameters", [])]
        # And the other way: an only operation's own parameters go up to the path.
        if not shared and len(operations) == 1 and item[operations[0]].get("parameters"):
            item["parameters"] = item[operations[0]].pop("parameters")
        moved += 1
    assert moved
    contract.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


REWRITES: Final[dict[str, Callable[[Path], None]]] = {
    "flow-style-and-key-order": _flow_style,
    "json": _as_json,
    "schema-files-renamed-and-moved": _schemas_moved,
    "refs-inlined": _refs_inlined,
    "parameters-moved-between-path-and-operation": _parameters_moved,
}


@pytest.mark.parametrize("rewrite", REWRITES.values(), ids=list(REWRITES))
def test_rewritten_contract_has_no_change_at_all(
    rewrite: Callable[[Path], None], tmp_path: Path
) -> None:
    contract = _copy(tmp_path)
    rewrite(contract)
    assert compare(read_file(CONTRACT_FILE), read_file(contract)) == ()
    assert compare(read_file(contract), read_file(CONTRACT_FILE)) == ()


def test_a_reformatted_contract_in_git_has_no_change(tmp_path: Path) -> None:
    contract = _copy(tmp_path)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    _flow_style(contract)
    _schemas_moved(contract)
    old = read_revision("HEAD", f"contracts/{NAME}", cwd=tmp_path)
    assert compare(old, read_file(contract)) == ()
