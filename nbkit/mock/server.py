"""Running the mock: `serve()` starts it on 127.0.0.1 in a background thread and seeds its users."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import shlex
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from nbkit.errors import TargetError
from nbkit.mock.accounts import find_plan
from nbkit.mock.app import API_PREFIX, MockApp, refuse_plain_http
from nbkit.mock.client import ControlClient
from nbkit.mock.control import build_control
from nbkit.mock.faults import FaultInjector, FaultMiddleware
from nbkit.mock.mutants import behaviour_for, wrap_for
from nbkit.mock.protocol import MAX_HEAD_BYTES, protocol_class
from nbkit.mock.state import MockSettings, MockState
from nbkit.mock.tls import make_tls_files

if TYPE_CHECKING:
    import uvicorn
    from starlette.types import ASGIApp

__all__ = [
    "ADMIN_TOKEN_VARIABLE",
    "CONTROL_URL_VARIABLE",
    "SEEDED_USERS",
    "RunningMock",
    "SeededUser",
    "serve",
    "write_env_file",
]

LOCALHOST: Final = "127.0.0.1"
# The variables of an env file that make a suite treat its target as this mock.
CONTROL_URL_VARIABLE: Final = "NB_MOCK_CONTROL_URL"
ADMIN_TOKEN_VARIABLE: Final = "NB_MOCK_ADMIN_TOKEN"
_START_TIMEOUT_SECONDS: Final = 10.0
_STOP_TIMEOUT_SECONDS: Final = 5.0
_POLL_SECONDS: Final = 0.002
_ENV_FILE_MODE: Final = 0o600


@dataclass(frozen=True, slots=True)
class RunningMock:
    """A started mock: where it listens, what to trust, and the target variables for it.

    `env` holds the target interface of DESIGN.md (NB_BASE_URL, NB_API_KEY,
    NB_API_KEY_NO_PLAN, NB_API_KEY_INACTIVE, NB_API_KEY_REVOKED, NB_CA_BUNDLE,
    and NB_HTTP_URL when a plain-HTTP listener runs), and the control API's
    NB_MOCK_CONTROL_URL and NB_MOCK_ADMIN_TOKEN. It holds keys, so it is
    left out of `repr`. `user_ids` names the seeded users by role: `api`,
    `no_plan`, `inactive`, `revoked`.
    """

    base_url: str
    http_url: str | None
    origin: str
    ca_bundle: Path
    state_dir: Path
    mutant: str | None
    control: ControlClient
    user_ids: Mapping[str, str]
    admin_token: str = field(repr=False)
    env: Mapping[str, str] = field(repr=False)


def write_env_file(path: Path, env: Mapping[str, str]) -> Path:
    """Write `export NAME='value'` lines, readable by the owner only, since they hold keys."""
    text = "".join(f"export {name}={shlex.quote(value)}\n" for name, value in env.items())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _ENV_FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as err:
        raise TargetError(f"{path}: cannot write the env file ({err.strerror})") from err
    return path


def _bind(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose
    # proto says TCP, and without it each response waits for a delayed ACK (~40 ms).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise TargetError(
            f"cannot listen on {host}:{port} ({err.strerror}); pick another port"
        ) from err
    return sock


@dataclass(frozen=True, slots=True)
class SeededUser:
    """One user the mock starts with: its name in `user_ids`, its NB_* variable and state."""

    name: str
    variable: str
    plan: str
    active: bool = True
    # True: its key was regenerated, and the variable holds the old, revoked key.
    revoked: bool = False


# The users of the target interface. The mock keeps its own table (it never imports
# the contract); tests/unit/mock/test_server.py compares it with nbkit.contract.KeyRole.
SEEDED_USERS: Final = (
    SeededUser("api", "NB_API_KEY", "api"),
    SeededUser("no_plan", "NB_API_KEY_NO_PLAN", "pro"),
    SeededUser("inactive", "NB_API_KEY_INACTIVE", "api", active=False),
    SeededUser("revoked", "NB_API_KEY_REVOKED", "api", revoked=True),
)


def _seed(state: MockState) -> tuple[dict[str, str], dict[str, str]]:
    """The users of SEEDED_USERS: their ids by name, and the NB_* keys."""
    ids: dict[str, str] = {}
    keys: dict[str, str] = {}
    for seeded in SEEDED_USERS:
        user, key = state.accounts.create(plan=find_plan(seeded.plan), active=seeded.active)
        if seeded.revoked:
            state.accounts.regenerate(user.id)
        ids[seeded.name], keys[seeded.variable] = user.id, key
    state.fallback_user_id = ids[SEEDED_USERS[0].name]
    return ids, keys


def _server(
    app: ASGIApp,
    *,
    injector: FaultInjector | None,
    tls: tuple[Path, Path] | None,
    settings: MockSettings,
) -> uvicorn.Server:
    import uvicorn

    config = uvicorn.Config(
        app,
        http=protocol_class(
            injector,
            fast=settings.http_parser == "auto",
            head_timeout=settings.request_timeout_seconds,
        ),
        lifespan="off",
        # No uvicorn logging setup, and no access log: its lines would carry
        # `?api_key=` query strings.
        log_config=None,
        access_log=False,
        log_level="warning",
        server_header=False,
        # The mock is no proxy's backend; X-Forwarded-* must not change the client.
        proxy_headers=False,
        timeout_graceful_shutdown=2,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        ssl_certfile=str(tls[0]) if tls else None,
        ssl_keyfile=str(tls[1]) if tls else None,
    )
    return uvicorn.Server(config)


def _new_loop(*, fast: bool) -> asyncio.AbstractEventLoop:
    """uvloop's loop when installed and wanted (its TLS layer is C), else asyncio's."""
    if fast and importlib.util.find_spec("uvloop") is not None:
        import uvloop

        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


class _Runner:
    """The background thread that runs the listeners on one event loop."""

    def __init__(
        self, servers: list[tuple[uvicorn.Server, socket.socket]], *, fast_loop: bool
    ) -> None:
        self._servers = servers
        self._fast_loop = fast_loop
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="nbkit-mock", daemon=True)

    def _run(self) -> None:
        async def main() -> None:
            await asyncio.gather(*(server.serve(sockets=[sock]) for server, sock in self._servers))

        try:
            loop = _new_loop(fast=self._fast_loop)
            try:
                loop.run_until_complete(main())
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()
        except BaseException as err:  # reported to the starting thread
            self._error = err

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT_SECONDS
        while not all(server.started for server, _ in self._servers):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise TargetError(f"the mock did not start: {self._error!r}")
            time.sleep(_POLL_SECONDS)

    def stop(self) -> None:
        for server, _ in self._servers:
            server.should_exit = True
        self._thread.join(_STOP_TIMEOUT_SECONDS)
        for server, _ in self._servers:
            server.force_exit = True
        self._thread.join(_STOP_TIMEOUT_SECONDS)
        for _, sock in self._servers:
            sock.close()


@contextmanager
def serve(
    *,
    state_dir: Path,
    port: int = 0,
    http_port: int | None = None,
    mutant: str | None = None,
    settings: MockSettings | None = None,
    host: str = LOCALHOST,
) -> Iterator[RunningMock]:
    """Start a mock over HTTPS on `host:port` (0: a free port) and stop it on exit.

    `http_port` adds the plain-HTTP listener that refuses every request (0: a
    free port; None: none). The `serve-plain-http` mutant always gets one and
    serves the API on it. TLS files (`ca.pem` among them) go into `state_dir`.
    """
    settings = settings or MockSettings()
    behaviour = behaviour_for(mutant)
    state = MockState(settings, behaviour, mutant_id=mutant)
    user_ids, keys = _seed(state)
    tls = make_tls_files(state_dir)
    injector = FaultInjector(settings.faults) if settings.faults.is_active else None
    api: ASGIApp = wrap_for(mutant, MockApp(state, build_control(state)))
    if injector is not None:
        api = FaultMiddleware(api, injector)
    if behaviour.api_over_plain_http and http_port is None:
        http_port = 0
    with ExitStack() as cleanup:
        https_sock = cleanup.enter_context(_bind(host, port))
        https = _server(
            api, injector=injector, tls=(tls.cert_chain, tls.private_key), settings=settings
        )
        servers = [(https, https_sock)]
        origin = f"https://{host}:{https_sock.getsockname()[1]}"
        http_url = None
        if http_port is not None:
            http_sock = cleanup.enter_context(_bind(host, http_port))
            plain_app = api if behaviour.api_over_plain_http else refuse_plain_http
            servers.append(
                (_server(plain_app, injector=None, tls=None, settings=settings), http_sock)
            )
            http_url = f"http://{host}:{http_sock.getsockname()[1]}{API_PREFIX}"
        base_url = http_url if behaviour.api_over_plain_http and http_url else origin + API_PREFIX
        # Absolute paths, so the env file works from any directory; the control API's
        # address and token, so a suite pointed at this mock knows it is one.
        env = {
            "NB_BASE_URL": base_url,
            **keys,
            "NB_CA_BUNDLE": str(tls.ca_bundle.resolve()),
            CONTROL_URL_VARIABLE: origin,
            ADMIN_TOKEN_VARIABLE: state.admin_token,
        }
        if http_url is not None:
            env["NB_HTTP_URL"] = http_url
        runner = _Runner(servers, fast_loop=settings.event_loop == "auto")
        runner.start()
        cleanup.callback(runner.stop)
        control = ControlClient(origin, admin_token=state.admin_token, ca_bundle=tls.ca_bundle)
        cleanup.callback(control.close)
        yield RunningMock(
            base_url=base_url,
            http_url=http_url,
            origin=origin,
            ca_bundle=tls.ca_bundle,
            state_dir=state_dir,
            mutant=mutant,
            control=control,
            user_ids=user_ids,
            admin_token=state.admin_token,
            env=env,
        )
