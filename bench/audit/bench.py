"""Benchmark `nbkit audit` against ripgrep, gitleaks and detect-secrets on generated data.

Builds (1) a corpus of real source text copied from the installed site-packages,
with keys planted in plain and encoded forms, and (2) a git repository with
thousands of commits and keys in deleted files, on branches and in commit
messages; then runs every tool on the same data in the same run and prints
wall time, MB/s, peak memory (max RSS of the largest process, from
/usr/bin/time) and recall of the planted keys. See README.md beside this file.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import shutil
import statistics
import string
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["main"]

ROOT = Path(__file__).resolve().parents[2]
REGEX = r"nb_[A-Za-z0-9_-]{24,}"
SUFFIXES = frozenset(
    (
        ".py",
        ".pyi",
        ".txt",
        ".md",
        ".rst",
        ".json",
        ".cfg",
        ".toml",
        ".yaml",
        ".yml",
        ".ini",
        ".html",
        ".js",
        ".css",
        ".c",
        ".h",
        ".csv",
    )
)
BASE62 = string.ascii_letters + string.digits
GITLEAKS_CONFIG = f"""
title = "nbkit benchmark"
[[rules]]
id = "nb-api-key"
description = "Nano Banana Video key"
regex = '''{REGEX}'''
"""
FORMS = (("raw", 120), ("percent", 20), ("json", 20), ("base64", 20), ("utf16", 10), ("crlf", 10))


@dataclass(frozen=True)
class Timing:
    """Medians over the runs of one command, and its largest peak memory."""

    wall: float
    cpu: float
    rss_mb: float


@dataclass(frozen=True)
class Run:
    """One tool's figures on one data set."""

    tool: str
    timing: Timing
    found: int
    planted: int
    note: str = ""
    megabytes: float = 0.0

    @property
    def wall(self) -> float:
        return self.timing.wall

    @property
    def cpu(self) -> float:
        return self.timing.cpu


def _key(rng: random.Random) -> str:
    alphabet = rng.choice([BASE62, "0123456789abcdef", BASE62 + "-_"])
    body = "".join(rng.choice(alphabet) for _ in range(rng.randint(24, 64)))
    # Keep the body free of shapes the classifiers call placeholders.
    return "nb_" + body[:2] + rng.choice("AQ7z") + rng.choice("9Kk4") + body[2:]


def _copy_corpus(target: Path, size_mb: int) -> int:
    source = Path(sysconfig.get_paths()["purelib"])
    total, budget = 0, size_mb * 1024 * 1024
    for path in sorted(source.rglob("*")):
        if total >= budget:
            break
        if path.suffix not in SUFFIXES or not path.is_file() or path.is_symlink():
            continue
        size = path.stat().st_size
        if size > 2 * 1024 * 1024:
            continue
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        total += size
    return total


def _plant(corpus: Path, rng: random.Random) -> dict[str, str]:
    """Key -> the file (relative to corpus) it was planted in; the form is in the file name."""
    planted: dict[str, str] = {}
    files = sorted(p for p in corpus.rglob("*.py") if p.stat().st_size > 200)
    extra = corpus / "planted"
    extra.mkdir()
    for form, count in FORMS:
        for index in range(count):
            key = _key(rng)
            path = rng.choice(files)
            if form == "raw":
                lines = path.read_bytes().split(b"\n")
                lines.insert(rng.randrange(len(lines)), f'NB_API_KEY = "{key}"'.encode())
                path.write_bytes(b"\n".join(lines))
            elif form == "percent":
                line = f"# GET /api/v1/video-status.php?video_id=1&api_key%3D{key}\n"
                path.write_bytes(path.read_bytes() + line.encode())
            elif form == "json":
                cell = {"outputs": [{"text": f"calling API\ntoken:\n{key}\n"}]}
                path = extra / f"nb{index}.ipynb"
                path.write_text(json.dumps({"cells": [cell]}))
            elif form == "base64":
                value = base64.b64encode(key.encode()).decode()
                secret = f"apiVersion: v1\nkind: Secret\ndata:\n  NB_API_KEY: {value}\n"
                path = extra / f"secret{index}.yaml"
                path.write_text(secret)
            elif form == "utf16":
                text = f"Notes\r\nkey = {key}\r\n"
                path = extra / f"notes{index}.txt"
                path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
            else:
                path = extra / f"win{index}.ini"
                path.write_bytes(f"[api]\r\nkey={key}\r\n".encode())
            planted[key] = str(path.relative_to(corpus))
    return planted


def _fast_import(repo: Path, files: list[Path], commits: int, rng: random.Random) -> dict[str, str]:
    """A history of `commits` commits on main plus branches, with keys planted along it."""
    planted: dict[str, str] = {}
    contents = {f"src/{i:04}{p.suffix}": p.read_bytes() for i, p in enumerate(files)}
    names = sorted(contents)
    chunks: list[bytes] = []
    stamp = 1_700_000_000

    def data(payload: bytes) -> bytes:
        return b"data %d\n" % len(payload) + payload + b"\n"

    def commit(
        ref: str, mark: int, parent: int | None, message: str, edits: dict[str, bytes]
    ) -> None:
        head = f"commit {ref}\nmark :{mark}\nauthor B <b@bench.invalid> {stamp + mark} +0000\n"
        head += f"committer B <b@bench.invalid> {stamp + mark} +0000\n"
        chunks.append(head.encode() + data(message.encode()))
        if parent is not None:
            chunks.append(f"from :{parent}\n".encode())
        for path, payload in edits.items():
            chunks.append(f"M 100644 inline {path}\n".encode() + data(payload))
        chunks.append(b"\n")

    commit("refs/heads/main", 1, None, "initial import", dict(contents))
    plant_at = set(rng.sample(range(2, commits), 60))
    picked = sorted(rng.sample(sorted(plant_at), 10))
    in_message, on_side = set(picked[:5]), set(picked[5:])
    last_main = 1
    for mark in range(2, commits + 1):
        path = rng.choice(names)
        edit = f"# change {mark}: {rng.random()}\n".encode()
        message = f"change {mark}"
        if mark in plant_at:
            key = _key(rng)
            if mark in in_message:
                message += f"\n\nused {key} to test"
                planted[key] = "commit-message"
            else:
                edit += f'API_KEY = "{key}"\n'.encode()
                planted[key] = "side-branch" if mark in on_side else "history"
        if mark in on_side:
            # A branch that is never merged: its key lives only there.
            commit(
                f"refs/heads/side-{mark}", mark, last_main, message, {path: contents[path] + edit}
            )
            continue
        contents[path] += edit
        commit("refs/heads/main", mark, last_main, message, {path: contents[path]})
        last_main = mark
        if mark % 3 == 0:
            # The next commit of this file drops its keys: they survive only in history.
            kept = [line for line in contents[path].split(b"\n") if b"API_KEY" not in line]
            contents[path] = b"\n".join(kept)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(
        ["git", "-C", str(repo), "fast-import", "--quiet"], input=b"".join(chunks), check=True
    )
    return planted


REPEAT = [5]  # set from --repeat; slow tools run once


def _once(command: str, out: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system, children included) and peak RSS in MB."""
    stats = out.with_suffix(".time")
    start = time.perf_counter()
    with out.open("wb") as sink:
        subprocess.run(
            ["/usr/bin/time", "-f", "%U %S %M", "-o", str(stats), "bash", "-c", command],
            stdout=sink,
            stderr=subprocess.DEVNULL,
        )
    wall = time.perf_counter() - start
    user, system, peak = stats.read_text().strip().splitlines()[-1].split()
    return wall, float(user) + float(system), int(peak) / 1024


def _timed(commands: Sequence[tuple[str, Path]], *, repeat: int | None = None) -> list[Timing]:
    """Each shell command's medians, stdout to its file.

    The commands run in turns, round after round, so that a change in the machine's
    speed during the benchmark (other jobs, a neighbour on the host) weighs on every
    tool alike instead of on whichever ran at that moment.
    """
    samples: list[list[tuple[float, float, float]]] = [[] for _ in commands]
    for _ in range(REPEAT[0] if repeat is None else repeat):
        for runs, (command, out) in zip(samples, commands, strict=True):
            runs.append(_once(command, out))
    return [
        Timing(
            statistics.median(run[0] for run in runs),
            statistics.median(run[1] for run in runs),
            max(run[2] for run in runs),
        )
        for runs in samples
    ]


def _sha(keys: dict[str, str], algorithm: str) -> dict[str, str]:
    return {hashlib.new(algorithm, k.encode()).hexdigest(): k for k in keys}


def _recall_strings(text: str, planted: dict[str, str]) -> int:
    return sum(1 for key in planted if key in text)


def _recall_nbkit(report: Path, planted: dict[str, str]) -> int:
    digests = {row["fingerprint"] for row in json.loads(report.read_text())["findings"]}
    return sum(1 for digest in _sha(planted, "sha256") if digest in digests)


def _recall_gitleaks(report: Path, planted: dict[str, str]) -> int:
    rows = json.loads(report.read_text() or "[]")
    return _recall_strings("\n".join(str(row.get("Secret", "")) for row in rows), planted)


def _recall_detect_secrets(report: Path, planted: dict[str, str]) -> int:
    results = json.loads(report.read_text() or "{}").get("results", {})
    hashes = {item["hashed_secret"] for items in results.values() for item in items}
    return sum(1 for digest in _sha(planted, "sha1") if digest in hashes)


def _subset(
    corpus: Path, planted: dict[str, str], megabytes: int, work: Path
) -> tuple[Path, float, dict[str, str]]:
    """A copy of every n-th corpus file, about `megabytes` in all: detect-secrets is too slow
    for the whole corpus on a shared machine. Returns its folder, its MB and its keys."""
    files = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*") if p.is_file())
    total = sum((corpus / f).stat().st_size for f in files)
    step = max(1, round(total / (megabytes * 1e6)))
    chosen = files[::step]
    target = work / "ds-corpus"
    shutil.rmtree(target, ignore_errors=True)
    for name in chosen:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / name, target / name)
    size = sum((corpus / f).stat().st_size for f in chosen) / 1e6
    inside = set(chosen)
    return target, size, {k: f for k, f in planted.items() if f in inside}


def _detect_secrets_command(folder: Path) -> str:
    plugin = Path(__file__).with_name("nb_detect_secrets_plugin.py")
    names = subprocess.run(
        ["detect-secrets", "scan", "--list-all-plugins"], capture_output=True, text=True
    )
    disabled = " ".join(f"--disable-plugin {name}" for name in names.stdout.split())
    return f"cd {folder} && detect-secrets scan --all-files --plugin {plugin} {disabled} ."


def _tree_runs(corpus: Path, planted: dict[str, str], work: Path, ds_mb: int) -> list[Run]:
    config = work / "gitleaks.toml"
    config.write_text(GITLEAKS_CONFIG)
    audit = f"{sys.executable} {ROOT / 'audit.py'}"
    subprocess.run(["rg", "-c", "zzzz-warm-the-page-cache", str(corpus)], capture_output=True)
    rg_out, nbkit_out, leaks_out = work / "rg.out", work / "nbkit.json", work / "gitleaks.json"
    rg, ours, leaks = _timed(
        [
            (f"rg -o --no-filename --no-line-number '{REGEX}' {corpus}", rg_out),
            (f"{audit} {corpus} --format json --output {nbkit_out}", work / "nbkit.out"),
            (
                f"gitleaks dir {corpus} -c {config} -f json -r {leaks_out} "
                "--no-banner --exit-code 0",
                work / "gitleaks.out",
            ),
        ]
    )
    runs = [
        Run(
            "ripgrep (plain regex)", rg, _recall_strings(rg_out.read_text(), planted), len(planted)
        ),
        Run("nbkit audit", ours, _recall_nbkit(nbkit_out, planted), len(planted)),
        Run(
            "gitleaks dir (decoding on)",
            leaks,
            _recall_gitleaks(leaks_out, planted),
            len(planted),
        ),
    ]
    if ds_mb > 0:
        folder, size, subset = _subset(corpus, planted, ds_mb, work)
        out = work / "ds.json"
        (timing,) = _timed([(_detect_secrets_command(folder), out)], repeat=1)
        found = _recall_detect_secrets(out, subset)
        note = f"on a {size:.0f} MB subset"
        runs.append(Run("detect-secrets (nb_ plugin only)", timing, found, len(subset), note, size))
    return runs


def _history_runs(repo: Path, planted: dict[str, str], work: Path) -> list[Run]:
    config = work / "gitleaks.toml"
    config.write_text(GITLEAKS_CONFIG)
    audit = f"{sys.executable} {ROOT / 'audit.py'}"
    nbkit_out, leaks_out, rg_out = (
        work / "hist-nbkit.json",
        work / "hist-gitleaks.json",
        work / "hist-rg.out",
    )
    commands = [
        (f"{audit} --git {repo} --format json --output {nbkit_out}", work / "h.out"),
        (f"git -C {repo} log -p --all | rg -o --no-filename '{REGEX}'", rg_out),
    ]
    # gitleaks is optional for the history-only runs (--only-history).
    has_gitleaks = shutil.which("gitleaks") is not None
    if has_gitleaks:
        commands.append(
            (
                f"gitleaks git {repo} -c {config} -f json -r {leaks_out} --no-banner --exit-code 0",
                work / "hg.out",
            )
        )
    ours, piped, *leaks = _timed(commands)
    runs = [
        Run("nbkit audit --git", ours, _recall_nbkit(nbkit_out, planted), len(planted)),
        Run(
            "git log -p --all | rg",
            piped,
            _recall_strings(rg_out.read_text(), planted),
            len(planted),
        ),
    ]
    if leaks:
        runs.append(
            Run("gitleaks git", leaks[0], _recall_gitleaks(leaks_out, planted), len(planted))
        )
    return runs


RANGE_COMMITS = 20


def _range_window(repo: Path, planted: dict[str, str]) -> tuple[str, str, dict[str, str]]:
    """The RANGE_COMMITS-commit stretch of main's history that adds the most planted keys,
    as (base, tip, the keys its commits add in files or messages).

    The truth comes from the patches and messages (`git log -p`), not from any tool.
    """
    log = subprocess.run(
        ["git", "-C", str(repo), "log", "-p", "--first-parent", "--format=%x01%H%n%B", "main"],
        capture_output=True,
        text=True,
        errors="replace",
        check=True,
    ).stdout
    commits: list[tuple[str, set[str]]] = []  # newest first
    for record in log.split("\x01")[1:]:
        head, _, rest = record.partition("\n")
        # The message, then the lines the patch adds (hunk headers quote old context).
        text, _, patch = rest.partition("\ndiff --git ")
        plus = (line for line in patch.splitlines() if line[:1] == "+" and line[:3] != "+++")
        added = text + "\n" + "\n".join(plus)
        commits.append((head, {key for key in planted if key in added}))
    best = max(
        range(len(commits) - RANGE_COMMITS),
        key=lambda start: len(set().union(*(k for _, k in commits[start : start + RANGE_COMMITS]))),
    )
    window = commits[best : best + RANGE_COMMITS]
    keys = set().union(*(k for _, k in window))
    base = commits[best + RANGE_COMMITS][0]
    return base, window[0][0], {key: planted[key] for key in keys}


def _range_runs(repo: Path, planted: dict[str, str], work: Path) -> list[Run]:
    """`--since BASE..TIP` over RANGE_COMMITS commits, as a pull-request job runs it."""
    base, tip, wanted = _range_window(repo, planted)
    audit = f"{sys.executable} {ROOT / 'audit.py'}"
    nbkit_out, leaks_out, rg_out = (
        work / "range-nbkit.json",
        work / "range-gitleaks.json",
        work / "range-rg.out",
    )
    commands = [
        (
            f"{audit} --git --since {base}..{tip} {repo} --format json --output {nbkit_out}",
            work / "r.out",
        ),
        (f"git -C {repo} log -p {base}..{tip} | rg -o --no-filename '{REGEX}'", rg_out),
    ]
    has_gitleaks = shutil.which("gitleaks") is not None
    if has_gitleaks:
        commands.append(
            (
                f"gitleaks git {repo} -c {work / 'gitleaks.toml'} -f json -r {leaks_out} "
                f"--no-banner --exit-code 0 --log-opts='{base}..{tip}'",
                work / "rg2.out",
            )
        )
    timings = _timed(commands)
    note = f"{base[:8]}..{tip[:8]}"
    runs = [
        Run(
            f"nbkit audit --git --since ({RANGE_COMMITS} commits)",
            timings[0],
            _recall_nbkit(nbkit_out, wanted),
            len(wanted),
            note,
        ),
        Run(
            f"git log -p RANGE | rg ({RANGE_COMMITS} commits)",
            timings[1],
            _recall_strings(rg_out.read_text(), wanted),
            len(wanted),
            note,
        ),
    ]
    if has_gitleaks:
        runs.append(
            Run(
                f"gitleaks git --log-opts RANGE ({RANGE_COMMITS} commits)",
                timings[2],
                _recall_gitleaks(leaks_out, wanted),
                len(wanted),
                note,
            )
        )
    return runs


def _dense_files(work: Path, megabytes: int, rng: random.Random) -> tuple[Path, Path, set[str]]:
    """Issue 11's two dense shapes, `megabytes` each: a minified one-line bundle with
    100,000 `nb_` keys, and lines of base64 that each decode to `nb_` and random bytes.
    Returns both paths and the keys planted in the bundle."""
    size = megabytes * 1_000_000
    bundle, lines = work / "dense" / "bundle.min.js", work / "dense" / "lines.b64"
    bundle.parent.mkdir(parents=True, exist_ok=True)
    tokens = 100_000
    keys = [_key(rng) for _ in range(tokens)]
    gap = max(size // tokens - sum(map(len, keys)) // tokens - 7, 8)
    filler = ("var a=1;" * (gap // 8 + 1))[:gap]
    bundle.write_text("".join(f'{filler}k="{key}";' for key in keys) + "\n")
    with lines.open("wb") as out:
        written = 0
        while written < size:
            line = base64.b64encode(b"nb_" + rng.randbytes(42)) + b"\n"
            out.write(line)
            written += len(line)
    return bundle, lines, set(keys)


def _dense_runs(work: Path, megabytes: int, rng: random.Random) -> str:
    """Each dense file timed under nbkit and ripgrep, with the ratio of their wall times."""
    bundle, lines, keys = _dense_files(work, megabytes, rng)
    audit = f"{sys.executable} {ROOT / 'audit.py'}"
    report = [
        f"### Dense files ({megabytes} MB each)",
        "",
        "| file | tool | wall s | CPU s | peak RSS MB | found | nbkit / rg |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for path, name in ((bundle, "one line, 100,000 nb_ keys"), (lines, "base64 lines")):
        rg_out, nbkit_out = work / f"{path.name}.rg", work / f"{path.name}.json"
        rg, ours = _timed(
            [
                (f"rg -o --no-filename --no-line-number '{REGEX}' {path}", rg_out),
                (f"{audit} {path} --format json --output {nbkit_out}", work / "dense.out"),
            ]
        )
        planted = {key: path.name for key in keys} if path == bundle else {}
        found_rg = len(rg_out.read_text().split())
        found_ours = len(json.loads(nbkit_out.read_text())["findings"])
        if planted:
            found_ours = _recall_nbkit(nbkit_out, planted)
        ratio = f"{ours.wall / rg.wall:.1f}x"
        for tool, timing, found in (("ripgrep", rg, found_rg), ("nbkit audit", ours, found_ours)):
            cells = (name, tool, f"{timing.wall:.2f}", f"{timing.cpu:.2f}", f"{timing.rss_mb:.0f}")
            report.append("| " + " | ".join(cells) + f" | {found} | {ratio} |")
    return "\n".join(report) + "\n"


def _table(title: str, runs: list[Run], megabytes: float) -> str:
    lines = [
        f"### {title} ({megabytes:.0f} MB)",
        "",
        "| tool | wall s | CPU s | MB/s | peak RSS MB | recall | note |",
    ]
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for run in runs:
        speed = (run.megabytes or megabytes) / run.wall
        cells = (
            run.tool,
            f"{run.wall:.2f}",
            f"{run.cpu:.2f}",
            f"{speed:.1f}",
            f"{run.timing.rss_mb:.0f}",
        )
        lines.append("| " + " | ".join(cells) + f" | {run.found}/{run.planted} | {run.note} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    """Build the data, run every tool, print a Markdown summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200, help="corpus size (default 200)")
    parser.add_argument("--commits", type=int, default=3000, help="history length (default 3000)")
    parser.add_argument("--repo-files", type=int, default=400, help="files in the repository")
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "nbkit-audit-bench"
    )
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=5, help="runs per tool; the median counts")
    parser.add_argument(
        "--detect-secrets-mb", type=int, default=20, help="subset size for detect-secrets; 0 skips"
    )
    parser.add_argument("--keep", action="store_true", help="reuse the data of an earlier run")
    parser.add_argument(
        "--dense-mb", type=int, default=100, help="size of each dense file (default 100); 0 skips"
    )
    parser.add_argument(
        "--only-dense", action="store_true", help="run only the dense files against ripgrep"
    )
    parser.add_argument(
        "--only-history", action="store_true", help="run only the history and range scans"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    REPEAT[0] = args.repeat
    work: Path = args.work
    if args.only_dense:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "nbkit")], check=True)
        text = f"machine: {os.cpu_count()} cores; load before: {_uptime()}\n\n"
        text += _dense_runs(work, args.dense_mb, rng) + f"\nload after: {_uptime()}\n"
        print(text)
        return _save(text)
    corpus, repo = work / "corpus", work / "repo"
    planted_file = work / "planted.json"
    if not (args.keep and planted_file.exists()):
        shutil.rmtree(work, ignore_errors=True)
        corpus.mkdir(parents=True)
        _copy_corpus(corpus, args.size_mb)
        tree_keys = _plant(corpus, rng)
        sources = sorted(p for p in corpus.rglob("*.py") if p.stat().st_size > 2000)
        history_keys = _fast_import(repo, rng.sample(sources, args.repo_files), args.commits, rng)
        planted_file.write_text(json.dumps({"tree": tree_keys, "history": history_keys}))
    planted = json.loads(planted_file.read_text())
    # pip compiles an installed package's bytecode; a checkout may lack it (for instance
    # with PYTHONDONTWRITEBYTECODE set), and then every timed start would compile nbkit.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "nbkit")], check=True)
    corpus_mb = sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file()) / 1e6
    pack = subprocess.run(
        ["git", "-C", str(repo), "count-objects", "-v"], capture_output=True, text=True
    )
    history_mb = _object_bytes(repo) / 1e6
    report = [f"machine: {os.cpu_count()} cores; load before: {_uptime()}", ""]
    tree: list[Run] = []
    if not args.only_history:
        tree = _tree_runs(corpus, planted["tree"], work, args.detect_secrets_mb)
        report.append(_table("Tree scan", tree, corpus_mb))
    past = _history_runs(repo, planted["history"], work)
    report.append(_table(f"History ({args.commits} commits)", past, history_mb))
    ranged = _range_runs(repo, planted["history"], work)
    report.append(_table(f"Range ({RANGE_COMMITS} of {args.commits} commits)", ranged, history_mb))
    full, part = next(r for r in past if r.tool == "nbkit audit --git"), ranged[0]
    report.append(
        f"range: nbkit --since / nbkit --git = {part.wall / full.wall:.1%} of the wall time, "
        f"{part.cpu / full.cpu:.1%} of the CPU\n"
    )
    if args.only_history:
        text = "\n".join(report)
        print(text)
        return _save(text)
    rows = {run.tool: run for run in tree + past}
    rg, ours, leaks = (
        rows[name]
        for name in ("ripgrep (plain regex)", "nbkit audit", "gitleaks dir (decoding on)")
    )
    history, history_leaks = rows["nbkit audit --git"], rows["gitleaks git"]
    report.append(
        f"tree: nbkit / ripgrep = {ours.wall / rg.wall:.1f}x the wall time, "
        f"{ours.cpu / rg.cpu:.1f}x the CPU (goal <= 2); gitleaks / nbkit = "
        f"{leaks.wall / ours.wall:.1f}x wall, {leaks.cpu / ours.cpu:.1f}x CPU (goal >= 10)  \n"
        f"history: gitleaks git / nbkit --git = {history_leaks.wall / history.wall:.1f}x wall, "
        f"{history_leaks.cpu / history.cpu:.1f}x CPU (goal >= 3)  \n"
        f"load after: {_uptime()}\n"
    )
    report.append(f"repository objects: {pack.stdout.split()}")
    if args.dense_mb > 0:
        report.append(_dense_runs(work, args.dense_mb, rng))
    text = "\n".join(report)
    print(text)
    return _save(text)


def _save(text: str) -> int:
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"audit-{time.strftime('%Y%m%dT%H%M%S')}.md").write_text(text)
    return 0


def _object_bytes(repo: Path) -> int:
    listing = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "--batch-all-objects", "--batch-check=%(objectsize)"],
        capture_output=True,
        text=True,
    )
    return sum(int(size) for size in listing.stdout.split())


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
