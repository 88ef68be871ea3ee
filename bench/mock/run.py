"""Benchmark `nbkit mock` against Prism serving the same OpenAPI file, with wrk, in one run.

Usage: python bench/mock/run.py [--duration 10] [--connections 64] [--threads 1]

Needs wrk (`apt-get install -y wrk`) and Prism
(`npm install --prefix bench/.work @stoplight/prism-cli`). Every target runs
in its own process on 127.0.0.1; wrk drives authenticated keep-alive requests
at it from another process. Prism serves only plain HTTP, so it is measured
over HTTP, and the mock over HTTPS (its default) and also over plain HTTP
(the serve-plain-http mutant, which is otherwise identical) for a like-for-like
figure. Results go to stdout as a table and to bench/results/ as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Final

import httpx

__all__ = ["main"]

ROOT: Final = Path(__file__).resolve().parents[2]
WORK: Final = ROOT / "bench" / ".work"
RESULTS: Final = ROOT / "bench" / "results"
CONTRACT: Final = ROOT / "contracts" / "nanobanana.openapi.yaml"
PRISM: Final = WORK / "node_modules" / ".bin" / "prism"
LUA: Final = Path(__file__).with_name("request.lua")
SCENARIOS: Final = ("status", "generate")
HTTPS: Final = "nbkit mock (HTTPS)"
HTTP: Final = "nbkit mock (HTTP)"
PRISM_HTTP: Final = "Prism (HTTP)"
_UNITS: Final = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True, slots=True)
class Result:
    target: str
    scenario: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"bench: nothing listens on 127.0.0.1:{port} after {timeout} s")


def _read_env(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = shlex.split(value)[0]
    return env


def _start_mock(name: str, *extra: str) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    state = WORK / f"{name}-state"
    env_file = state / "nb.env"
    env_file.unlink(missing_ok=True)
    command = [sys.executable, "-m", "nbkit", "mock", "--state-dir", str(state)]
    command += ["--env-file", str(env_file), "--rate-limit", "1000000000", *extra]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    for line in process.stdout:  # the env file exists once this line is printed
        if b"env file" in line:
            break
    return process, _read_env(env_file)


def _start_prism(port: int) -> subprocess.Popen[bytes]:
    command = [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), "-v", "fatal", str(CONTRACT)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for_port(port)
    return process


def _video_id(env: dict[str, str]) -> str:
    base_url = env["NB_BASE_URL"]
    verify: ssl.SSLContext | bool = (
        ssl.create_default_context(cafile=env["NB_CA_BUNDLE"])
        if base_url.startswith("https")
        else False
    )
    with httpx.Client(base_url=base_url, verify=verify) as client:
        response = client.post(
            "text-to-video.php",
            json={"prompt": "bench"},
            headers={"Authorization": f"Bearer {env['NB_API_KEY']}"},
        )
    return str(response.json()["video_id"])


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if match is None:
        raise ValueError(f"bench: cannot read wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _find(pattern: str, out: str) -> str:
    match = re.search(pattern, out)
    if match is None:
        raise SystemExit(f"bench: wrk output lacks {pattern!r}:\n{out}")
    return match.group(1)


def _wrk(
    target: str, base_url: str, key: str, scenario: str, video_id: str, args: argparse.Namespace
) -> Result:
    # The key reaches wrk through its environment only; request.lua reads it there.
    wrk_env = {
        **os.environ,
        "NB_API_KEY": key,
        "BENCH_SCENARIO": scenario,
        "BENCH_VIDEO_ID": video_id,
    }
    base = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-s", str(LUA)]
    # A short warm-up, so that connection set-up and TLS handshakes are not measured.
    subprocess.run([*base, "-d", "2s", base_url], env=wrk_env, capture_output=True, check=True)
    command = [*base, "-d", f"{args.duration}s", "--latency", base_url]
    out = subprocess.run(command, env=wrk_env, capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:([^\n]*)", out)
    return Result(
        target=target,
        scenario=scenario,
        requests_per_second=float(_find(r"Requests/sec:\s+([\d.]+)", out)),
        p50_ms=_ms(_find(r"\s50%\s+(\S+)", out)),
        p99_ms=_ms(_find(r"\s99%\s+(\S+)", out)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=errors.group(1).strip() if errors else "",
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _median(results: list[Result]) -> Result:
    ordered = sorted(results, key=lambda r: r.requests_per_second)
    middle = ordered[len(ordered) // 2]
    return Result(
        target=middle.target,
        scenario=middle.scenario,
        requests_per_second=middle.requests_per_second,
        p50_ms=sorted(r.p50_ms for r in results)[len(results) // 2],
        p99_ms=sorted(r.p99_ms for r in results)[len(results) // 2],
        non_2xx=sum(r.non_2xx for r in results),
        socket_errors="; ".join(r.socket_errors for r in results if r.socket_errors),
    )


def _report(results: list[Result], args: argparse.Namespace) -> dict[str, float]:
    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s x {args.rounds} rounds "
        "(median), keep-alive, Authorization: Bearer"
    )
    header = ("target", "scenario", "req/s", "p50 ms", "p99 ms", "non-2xx", "socket errors")
    print("{:<20} {:<9} {:>8} {:>7} {:>7} {:>8}  {}".format(*header))
    for r in results:
        rps, p50, p99 = f"{r.requests_per_second:.0f}", f"{r.p50_ms:.2f}", f"{r.p99_ms:.2f}"
        row = (r.target, r.scenario, rps, p50, p99, str(r.non_2xx), r.socket_errors)
        print("{:<20} {:<9} {:>8} {:>7} {:>7} {:>8}  {}".format(*row))
    by_key = {(r.target, r.scenario): r for r in results}
    ratios = {}
    for scenario in SCENARIOS:
        prism_rps = by_key[(PRISM_HTTP, scenario)].requests_per_second
        for target in (HTTPS, HTTP):
            if (target, scenario) in by_key and prism_rps:
                ratio = by_key[(target, scenario)].requests_per_second / prism_rps
                ratios[f"{target} / {PRISM_HTTP}, {scenario}"] = round(ratio, 2)
                print(f"ratio {target} / {PRISM_HTTP}, {scenario}: {ratio:.2f}x")
    return ratios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (few cores here)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per figure; the median is kept")
    parser.add_argument("--skip-plain", action="store_true", help="skip the mock-over-HTTP figure")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk not found; apt-get install -y wrk")
    if not PRISM.exists():
        raise SystemExit(f"bench: no {PRISM}; npm install --prefix {WORK} @stoplight/prism-cli")
    if not CONTRACT.exists():
        raise SystemExit(f"bench: {CONTRACT} missing")
    WORK.mkdir(parents=True, exist_ok=True)

    # All targets run at once and are measured in turn, round after round, so
    # that load from elsewhere on the machine falls on all of them alike.
    processes: list[subprocess.Popen[bytes]] = []
    # name, base URL, key, and how to get a video id the key owns
    targets: list[tuple[str, str, str, Callable[[], str]]] = []
    try:
        mock, env = _start_mock("mock")
        processes.append(mock)
        targets.append((HTTPS, env["NB_BASE_URL"], env["NB_API_KEY"], partial(_video_id, env)))
        if not args.skip_plain:
            plain, plain_env = _start_mock("mock-plain", "--mutant", "serve-plain-http")
            processes.append(plain)
            make = partial(_video_id, plain_env)
            targets.append((HTTP, plain_env["NB_BASE_URL"], plain_env["NB_API_KEY"], make))
        port = _free_port()
        processes.append(_start_prism(port))
        prism_url = f"http://127.0.0.1:{port}/api/v1/"
        # Prism answers the contract's example whatever the id.
        targets.append((PRISM_HTTP, prism_url, env["NB_API_KEY"], lambda: "vid_a1b2c3d4e5f6"))
        runs: dict[tuple[str, str], list[Result]] = {}
        for _ in range(args.rounds):
            for scenario in SCENARIOS:
                for name, url, key, make_video in targets:
                    # A fresh video each time: the mock forgets the oldest past 100,000.
                    result = _wrk(name, url, key, scenario, make_video(), args)
                    runs.setdefault((name, scenario), []).append(result)
    finally:
        for process in processes:
            _stop(process)

    results = [_median(runs[(name, scenario)]) for scenario in SCENARIOS for name, *_ in targets]
    ratios = _report(results, args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out = RESULTS / f"mock-{stamp}.json"
    document = {
        "args": vars(args),
        "results": [asdict(r) for r in results],
        "runs": [asdict(r) for rs in runs.values() for r in rs],
        "ratios": ratios,
    }
    out.write_text(json.dumps(document, indent=2) + "\n")
    print(f"written {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
