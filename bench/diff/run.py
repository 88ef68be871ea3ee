"""Time `nbkit diff` on the generated contracts, stage by stage.

    python bench/diff/generate.py && python bench/diff/run.py [--repeat 3] [--dir DIR] [--ext yaml]

Stages, for both sides together: parse (nbkit.contract.load.read_document),
resolve (dereference), compare (the rule table over all pairs) and render (the
default table). `total` is what `nbkit diff` spends: read_file on both sides,
compare and render. Prints the median over the repeats and the change counts.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from nbkit.contract.load import dereference, read_document
from nbkit.diff.change import Change, Level
from nbkit.diff.compare import compare
from nbkit.diff.report import RENDERERS
from nbkit.diff.revision import read_file

__all__ = ["main"]


def main() -> None:
    """Run the stages `--repeat` times and print medians in seconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/nbkit-bench-diff"))
    parser.add_argument("--ext", choices=("yaml", "json"), default="yaml")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    paths = [args.dir / f"base.{args.ext}", args.dir / f"revision.{args.ext}"]
    stages: dict[str, list[float]] = {
        name: [] for name in ("parse", "resolve", "compare", "render", "total")
    }
    changes: tuple[Change, ...] = ()
    for _ in range(args.repeat):
        clock = time.perf_counter()
        documents = [read_document(path) for path in paths]
        parsed = time.perf_counter()
        for document, path in zip(documents, paths, strict=True):
            dereference(document, base_uri=path.resolve().as_uri())
        resolved = time.perf_counter()
        old, new = (read_file(path) for path in paths)
        read = time.perf_counter()
        changes = compare(old, new)
        compared = time.perf_counter()
        RENDERERS["table"](changes, fail_on=Level.BREAKING)
        rendered = time.perf_counter()
        stages["parse"].append(parsed - clock)
        stages["resolve"].append(resolved - parsed)
        stages["compare"].append(compared - read)
        stages["render"].append(rendered - compared)
        stages["total"].append(rendered - resolved)
    for name, times in stages.items():
        print(f"{name:>8}: median {statistics.median(times):.3f} s  (min {min(times):.3f} s)")
    counts = {level: sum(change.level is level for change in changes) for level in Level}
    print(f"{len(changes)} changes: " + ", ".join(f"{n} {level}" for level, n in counts.items()))


if __name__ == "__main__":
    main()
