"""`nbkit mock`: run the reference mock over HTTPS on 127.0.0.1 and write the target env file."""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import threading
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import FrameType

from nbkit.errors import UsageError

__all__ = ["HELP", "configure", "run"]

HELP = "run the reference mock of the API over HTTPS on 127.0.0.1"
_ENV_FILE_NAME = "nb.env"


def _euros(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as err:
        raise argparse.ArgumentTypeError(f"not an amount in euros: {text!r}") from err
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"not an amount in euros: {text!r}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from err
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from err
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {value}")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `nbkit mock`."""
    from nbkit.mock.mutants import MUTANTS

    parser.add_argument("--port", type=_port, default=0, help="HTTPS port (default: a free one)")
    parser.add_argument(
        "--http-port",
        type=_port,
        default=None,
        help="also listen on this plain-HTTP port, which refuses every request (0: a free one)",
    )
    parser.add_argument(
        "--state-dir", type=Path, default=None, help="where ca.pem and the server certificate go"
    )
    parser.add_argument(
        "--env-file",
        type=Path,
        default=None,
        help=f"where to write the NB_* variables (default: STATE_DIR/{_ENV_FILE_NAME}, mode 0600)",
    )
    parser.add_argument(
        "--mutant",
        choices=[m.id for m in MUTANTS],
        default=None,
        metavar="ID",
        help="deviate from the documentation in this one way, to test a test suite: "
        + ", ".join(m.id for m in MUTANTS),
    )
    parser.add_argument("--rate-limit", type=_positive, default=30, help="generations per window")
    parser.add_argument(
        "--window-seconds", type=_positive, default=1800, help="rolling rate-limit window"
    )
    parser.add_argument(
        "--prompt-max-chars", type=_positive, default=2000, help="longest prompt accepted"
    )
    parser.add_argument(
        "--plan-threshold-eur",
        type=_euros,
        default=None,
        help="grant API access by plan price >= this (89 reproduces the literal documented rule)",
    )
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay added to API requests")
    parser.add_argument(
        "--error-rate", type=float, default=0.0, help="share of API requests answered 500 or 502"
    )
    parser.add_argument(
        "--drop-rate", type=float, default=0.0, help="share of API connections dropped unanswered"
    )
    parser.add_argument("--seed", type=int, default=None, help="seed of the fault injection")


class _Stop(Exception):
    """SIGTERM: stop cleanly, like Ctrl-C but with exit code 0."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def run(args: argparse.Namespace) -> int:
    """Start the mock, write the env file, serve until Ctrl-C or SIGTERM."""
    from nbkit.mock import Faults, MockSettings, serve, write_env_file

    faults = Faults(
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        drop_rate=args.drop_rate,
        seed=args.seed,
    )
    settings = MockSettings(
        rate_limit=args.rate_limit,
        window_seconds=args.window_seconds,
        prompt_max_chars=args.prompt_max_chars,
        plan_threshold_eur=args.plan_threshold_eur,
        faults=faults,
    )
    # Without --state-dir the state (keys, TLS files, env file) is temporary: removed on exit.
    temporary = args.state_dir is None
    state_dir = args.state_dir or Path(tempfile.mkdtemp(prefix="nbkit-mock-"))
    if state_dir.exists() and not state_dir.is_dir():
        raise UsageError(f"--state-dir {state_dir}: not a directory")
    env_file = args.env_file or state_dir / _ENV_FILE_NAME
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    # A shell starts background jobs with SIGINT ignored, and Python keeps that:
    # Ctrl-C (or `kill -INT`) must stop the mock however it was started.
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with serve(
            state_dir=state_dir,
            port=args.port,
            http_port=args.http_port,
            mutant=args.mutant,
            settings=settings,
        ) as mock:
            write_env_file(env_file, mock.env)
            print(f"nbkit mock: serving {mock.base_url}", flush=True)
            if mock.http_url and mock.http_url != mock.base_url:
                print(f"nbkit mock: plain HTTP (refused) at {mock.http_url}", flush=True)
            print(f"nbkit mock: CA bundle {mock.ca_bundle}", flush=True)
            print(f"nbkit mock: env file {env_file} (run: source {env_file})", flush=True)
            if args.mutant:
                print(f"nbkit mock: mutant {args.mutant}", flush=True)
            print("nbkit mock: Ctrl-C stops it", file=sys.stderr, flush=True)
            threading.Event().wait()
    except _Stop:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
        if temporary:
            shutil.rmtree(state_dir, ignore_errors=True)
    return 0
