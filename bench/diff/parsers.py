"""Compare YAML parsers on the diff benchmark's contracts: time, and whether they agree with JSON.

    python bench/diff/generate.py && python bench/diff/parsers.py [--repeat 3] [--dir DIR]

Each candidate parses DIR/base.yaml and DIR/revision.yaml; its result must equal
json.loads of the same document written as JSON (base.json, revision.json). A
candidate that is not installed is listed as such (`pip install yaml-rs
rapidyaml ryaml ruamel.yaml` to measure them all). `nbkit` is nbkit's own
loader (nbkit.contract.load.parse_document), bounds and checks included, on
the YAML and on the JSON files. Prints the median seconds per file pair.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["CANDIDATES", "main"]

Parse = Callable[[bytes], Any]


def _json(data: bytes) -> Any:
    return json.loads(data)


def _pyyaml_c(data: bytes) -> Any:
    yaml: Any = importlib.import_module("yaml")
    return yaml.load(data, Loader=yaml.CSafeLoader)


def _yaml_rs(data: bytes) -> Any:
    yaml_rs: Any = importlib.import_module("yaml_rs")
    return yaml_rs.loads(data.decode("utf-8"), parse_datetime=False)


def _ryaml(data: bytes) -> Any:
    return importlib.import_module("ryaml").loads(data.decode("utf-8"))


def _rapidyaml(data: bytes) -> Any:
    # ryml builds its own tree, not Python objects: emit it as JSON and read that.
    ryml: Any = importlib.import_module("ryml")
    tree = ryml.parse_in_arena(data)
    return json.loads(ryml.emit_json_malloc(tree, tree.root_id()))


def _ruamel_c(data: bytes) -> Any:
    ruamel: Any = importlib.import_module("ruamel.yaml")
    return ruamel.YAML(typ="safe", pure=False).load(data)


def _nbkit(data: bytes) -> Any:
    load: Any = importlib.import_module("nbkit.contract.load")
    return load.parse_document(data, name="bench")


# (name, module that must be importable, parse function, reads the .json file)
CANDIDATES: tuple[tuple[str, str, Parse, bool], ...] = (
    ("json (stdlib), .json files", "json", _json, True),
    ("nbkit parse_document, .json files", "nbkit", _nbkit, True),
    ("nbkit parse_document, .yaml files", "nbkit", _nbkit, False),
    ("PyYAML CSafeLoader (libyaml)", "yaml", _pyyaml_c, False),
    ("yaml-rs", "yaml_rs", _yaml_rs, False),
    ("ryaml", "ryaml", _ryaml, False),
    ("rapidyaml (ryml) via emit_json", "ryml", _rapidyaml, False),
    ("ruamel.yaml safe, C loader", "ruamel.yaml", _ruamel_c, False),
)


def _available(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def _measure(parse: Parse, files: list[bytes], expected: list[Any], repeat: int) -> str:
    times: list[float] = []
    agrees = True
    for _ in range(repeat):
        clock = time.perf_counter()
        try:
            results = [parse(data) for data in files]
        except Exception as err:
            return f"fails: {type(err).__name__}: {str(err).splitlines()[0][:60]}"
        times.append(time.perf_counter() - clock)
        agrees = agrees and results == expected
    verdict = "same as JSON" if agrees else "DIFFERS from JSON"
    return f"{statistics.median(times):7.3f} s  (min {min(times):.3f} s)  {verdict}"


def main() -> None:
    """Time every installed candidate on the file pair; print one line per candidate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/nbkit-bench-diff"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    names = ("base", "revision")
    yaml_files = [(args.dir / f"{name}.yaml").read_bytes() for name in names]
    json_files = [(args.dir / f"{name}.json").read_bytes() for name in names]
    expected = [json.loads(data) for data in json_files]
    size = sum(map(len, yaml_files)) / 2**20
    print(f"{args.dir}: base + revision, {size:.1f} MiB of YAML; median of {args.repeat}")
    for name, module, parse, reads_json in CANDIDATES:
        if not _available(module):
            print(f"{name:>36}: not installed")
            continue
        files = json_files if reads_json else yaml_files
        print(f"{name:>36}: {_measure(parse, files, expected, args.repeat)}", flush=True)


if __name__ == "__main__":
    main()
