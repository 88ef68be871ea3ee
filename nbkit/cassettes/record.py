"""Record the scenarios through vcrpy against the embedded mock or a live API, scrubbed on the way.

One cassette per scenario, `<output>/<group>/<id>.yaml`. Setup (videos, a used-up
rate-limit window) happens outside the cassette, so a cassette holds exactly
the scenario's request. Against a live API nothing that generates a video is
sent unless NB_ALLOW_SPEND=1, and what only the mock can set up is skipped.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Final

from nbkit.cassettes.recording import DOCUMENTED_BASE_URL
from nbkit.cassettes.scenarios import SCENARIOS, Call, Scenario, Setup, build_call
from nbkit.cassettes.scrub import Scrubber
from nbkit.contract import KeyRole, load_auth_table
from nbkit.contract.roles import ROLES_FROM_TARGET
from nbkit.errors import TargetError
from nbkit.keys import PREFIX, new_key

if TYPE_CHECKING:
    import httpx
    import vcr  # type: ignore[import-untyped]

    from nbkit.mock import RunningMock
    from nbkit.target import Target

__all__ = ["MATCH_ON", "Recorded", "make_vcr", "record"]

# What tells two recorded requests apart: the credential matcher compares the
# Authorization and X-API-Key headers, which vcrpy does not match by default.
MATCH_ON: Final = ("method", "path", "query", "credential", "body")
_CREDENTIAL_HEADERS: Final = tuple(
    m.name.lower() for m in load_auth_table().methods if m.location == "header"
)
# The mock a recording runs against is seeded, so that re-recording changes no byte
# unless the mock's behaviour changed.
_MOCK_SEED: Final = 0
_TIMEOUT_SECONDS: Final = 300.0  # generation is synchronous; clients wait minutes (API-FACTS 11)


@dataclass(frozen=True, slots=True)
class Recorded:
    """What happened to one scenario: its cassette and status, or why it was skipped."""

    scenario: str
    cassette: PurePosixPath
    status: int | None
    skipped: str | None = None


def _credential_matcher(r1: vcr.request.Request, r2: vcr.request.Request) -> None:
    for name in _CREDENTIAL_HEADERS:
        one = {k.lower(): v for k, v in r1.headers.items()}.get(name)
        two = {k.lower(): v for k, v in r2.headers.items()}.get(name)
        if one != two:
            raise AssertionError(f"{name} differs")


def make_vcr(*, record_mode: str, scrubber: Scrubber) -> vcr.VCR:
    """A vcrpy configuration: YAML, the scrubbing hooks, and the nbkit request matchers."""
    import vcr

    config = vcr.VCR(
        serializer="yaml",
        record_mode=record_mode,
        match_on=MATCH_ON,
        before_record_request=scrubber.request,
        before_record_response=scrubber.response,
        decode_compressed_response=True,
    )
    config.register_matcher("credential", _credential_matcher)
    return config


@dataclass(slots=True)
class _Endpoint:
    """A target with its client and its keys by role."""

    target: Target
    client: httpx.Client
    keys: Mapping[KeyRole, str | None] = field(repr=False)
    mock: RunningMock | None = None


def _keys(target: Target) -> dict[KeyRole, str | None]:
    unknown = new_key()
    return {
        **{role: target.keys.get(role) for role in ROLES_FROM_TARGET},
        KeyRole.UNKNOWN: unknown,
        # A key without the documented prefix: the unknown key's body alone.
        KeyRole.MALFORMED: new_key()[len(PREFIX) :],
        KeyRole.NONE: None,
    }


def _seed_for_500(count: int) -> int:
    """A fault-injection seed whose first `count` draws are all 500 (never the undocumented 502)."""
    from nbkit.mock import Faults
    from nbkit.mock.faults import FaultInjector

    for seed in itertools.count():
        injector = FaultInjector(Faults(error_rate=1.0, seed=seed))
        if all(injector.error_status() == 500 for _ in range(count)):
            return seed
    raise AssertionError("unreachable")  # pragma: no cover


@contextmanager
def _mock_endpoints(count_faults: int) -> Iterator[tuple[_Endpoint, _Endpoint | None]]:
    from nbkit.mock import Faults, MockSettings, serve
    from nbkit.target import target_from_env

    with ExitStack() as stack:
        state = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nbkit-record-")))
        endpoints = []
        settings = [MockSettings(seed=_MOCK_SEED)]
        if count_faults:
            seed = _seed_for_500(count_faults)
            settings.append(MockSettings(faults=Faults(error_rate=1.0, seed=seed), seed=_MOCK_SEED))
        for index, setting in enumerate(settings):
            mock = stack.enter_context(
                serve(state_dir=state / str(index), http_port=None, settings=setting)
            )
            target = target_from_env(mock.env, control=mock.control)
            client = stack.enter_context(target.http_client(timeout=_TIMEOUT_SECONDS))
            endpoints.append(_Endpoint(target, client, _keys(target), mock))
        yield endpoints[0], endpoints[1] if count_faults else None


class _Session:
    """One recording run: the endpoints, the vcrpy config, the videos made so far."""

    def __init__(
        self, output: Path, main: _Endpoint, faulty: _Endpoint | None, *, host: str
    ) -> None:
        self.output = output
        self.main = main
        self.faulty = faulty
        self.made: list[str] = []
        secrets = {
            key: role.placeholder
            for endpoint in (main, faulty)
            if endpoint is not None
            for role, key in endpoint.keys.items()
            if key is not None and role.placeholder is not None
        }
        # Whatever the recording ran against, the cassette says it called `host` (by default
        # the documented base URL), so a client configured for the real API replays it.
        origins = {
            e.target.base_url.rstrip("/"): host.rstrip("/") for e in (main, faulty) if e is not None
        }
        from nbkit.mock.clock import SEEDED_START

        # The seeded mock's clock stands still; its HTTP server's Date header does not.
        dated = {
            "date": format_datetime(datetime.fromtimestamp(SEEDED_START, timezone.utc), usegmt=True)
        }
        fixed = dated if main.mock is not None else {}
        self.vcr = make_vcr(record_mode="all", scrubber=Scrubber(secrets, origins, fixed))

    def _skip_reason(self, item: Scenario) -> str | None:
        if item.role is not KeyRole.NONE and self.main.keys[item.role] is None:
            return f"{item.role.variable} is not set"
        if item.needs_mock and self.main.mock is None:
            return f"{item.setup} needs the embedded mock (NB_BASE_URL is set)"
        if item.spends and not self.main.target.can_spend:
            return "generates a video: set NB_ALLOW_SPEND=1 to record it live"
        if item.setup is Setup.OWN_VIDEO and self.main.mock is None and not self.made:
            return "needs a video made earlier in this run (NB_ALLOW_SPEND=1)"
        return None

    def _setup(self, item: Scenario, endpoint: _Endpoint) -> str | None:
        """Prepare the target; the video id the scenario's query needs, if any."""
        mock = endpoint.mock
        if mock is None:
            return self.made[-1] if item.setup is Setup.OWN_VIDEO else None
        mock.control.reset_limits()
        if item.setup is Setup.OWN_VIDEO:
            return str(mock.control.create_video(mock.user_ids["api"])["id"])
        if item.setup is Setup.FOREIGN_VIDEO:
            return str(mock.control.create_video(mock.user_ids["no_plan"])["id"])
        if item.setup is Setup.EXHAUST:
            limit = int(mock.control.info()["rate_limit"])
            call = build_call(
                item,
                base_url=endpoint.target.base_url,
                key=endpoint.keys[KeyRole.VALID],
                video_id=None,
            )
            for _ in range(limit):
                self._send(endpoint, item, call)
        return None

    def _send(self, endpoint: _Endpoint, item: Scenario, call: Call) -> httpx.Response:
        import httpx

        try:
            return endpoint.client.request(
                call.method, call.url, headers=call.headers, content=call.content
            )
        except httpx.HTTPError as err:
            # The exception text may hold the URL, and with it a query key: name the scenario only.
            raise TargetError(f"{item.label}: {type(err).__name__}; is the target up?") from err

    def _remember_video(self, response: httpx.Response) -> None:
        try:
            made = response.json().get("video_id")
        except (ValueError, AttributeError):
            return  # not the documented body; `check` reports that drift
        # The older page documents integer ids (API-FACTS 4.3); either can be queried.
        if isinstance(made, str | int) and not isinstance(made, bool):
            self.made.append(str(made))

    def run(self, item: Scenario) -> Recorded:
        reason = self._skip_reason(item)
        if reason is not None:
            if (self.output / item.cassette).is_file():
                reason += "; the older cassette is kept"
            return Recorded(item.id, item.cassette, None, reason)
        endpoint = self.faulty if item.setup is Setup.FAULT and self.faulty else self.main
        video_id = self._setup(item, endpoint)
        key = endpoint.keys[item.role]
        call = build_call(item, base_url=endpoint.target.base_url, key=key, video_id=video_id)
        path = self.output / item.cassette
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.unlink(missing_ok=True)
        except OSError as err:
            raise TargetError(f"{path}: cannot write the cassette ({err.strerror})") from err
        with self.vcr.use_cassette(str(path)):
            response = self._send(endpoint, item, call)
        if response.status_code == 200 and item.method == "POST":
            self._remember_video(response)
        return Recorded(item.id, item.cassette, response.status_code)


def record(
    output: Path,
    *,
    env: Mapping[str, str] | None = None,
    scenarios: Sequence[Scenario] = SCENARIOS,
    host: str = DOCUMENTED_BASE_URL,
) -> tuple[Recorded, ...]:
    """Record `scenarios` into `output`: the NB_* target if NB_BASE_URL is set, else the mock.

    The cassettes name `host` (a base URL) as where the requests went.
    """
    from nbkit.target import target_from_env

    env = os.environ if env is None else env
    if env.get("NB_BASE_URL", "").strip():
        target = target_from_env(env)
        with target.http_client(timeout=_TIMEOUT_SECONDS) as client:
            session = _Session(output, _Endpoint(target, client, _keys(target)), None, host=host)
            return tuple(session.run(item) for item in scenarios)
    faults = sum(1 for item in scenarios if item.setup is Setup.FAULT)
    with _mock_endpoints(faults) as (main, faulty):
        session = _Session(output, main, faulty, host=host)
        return tuple(session.run(item) for item in scenarios)
