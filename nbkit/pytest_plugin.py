"""pytest plugin: the contract suite's options, fixtures and end-of-run report.

pytest loads it wherever nbkit is installed (the `pytest11` entry point named
`nbkit.pytest_plugin`; `-p no:nbkit.pytest_plugin` turns it off, and an explicit
`-p nbkit.pytest_plugin` finds it registered and does not load it twice).
It imports nothing heavy until a fixture is used, and reports only when the
suite's fixtures ran, so other tests in the same session are unaffected.

Fixtures: `nb_target` (the API under test), `nb_client` (a counted HTTP
client), `nb_recorder` (observations for the report), `nb_profile`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from nbkit.keys import redact_text

if TYPE_CHECKING:
    from nbkit.suite.client import Budget, Client
    from nbkit.suite.profiles import Profile
    from nbkit.suite.record import Recorder
    from nbkit.target import Target

__all__ = [
    "nb_client",
    "nb_profile",
    "nb_recorder",
    "nb_target",
    "pytest_addoption",
    "pytest_configure",
    "pytest_runtest_call",
    "pytest_runtest_setup",
    "pytest_terminal_summary",
]

# Seconds between requests against a live target: 10 per second at most.
_LIVE_MIN_INTERVAL = 0.1
# The user property that marks a test of nbkit's own suite (its failures are deviations).
_SUITE_PROPERTY = "nbkit_suite"


@dataclass(slots=True)
class _Run:
    """What one session of the suite holds."""

    started: float = field(default_factory=time.monotonic)
    active: bool = False
    recorder: Recorder | None = None
    budget: Budget | None = None
    target: Target | None = None
    passed: int = 0
    failed: int = 0
    skipped: int = 0


_RUN = pytest.StashKey[_Run]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nbkit", "nbkit contract suite")
    group.addoption(
        "--nb-profile",
        default="ci",
        choices=("ci", "thorough"),
        help="hypothesis profile of the contract suite (default: ci)",
    )
    group.addoption(
        "--nb-mutant",
        default=None,
        metavar="ID",
        help="start the embedded mock with this deliberate deviation (nbkit's own tests)",
    )
    group.addoption(
        "--nb-summary",
        default=None,
        metavar="FILE",
        help="write the Markdown report here (default: $GITHUB_STEP_SUMMARY when set)",
    )
    group.addoption(
        "--nb-report",
        default=None,
        metavar="FILE",
        help="also write the text report here",
    )
    group.addoption(
        "--nb-max-requests",
        type=int,
        default=None,
        metavar="N",
        help="stop sending after N requests (default: the profile's budget)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_RUN] = _Run()


def _run(config: pytest.Config) -> _Run:
    return config.stash[_RUN]


@pytest.fixture(scope="session")
def nb_profile(request: pytest.FixtureRequest) -> Profile:
    """The suite's profile (`--nb-profile`)."""
    from nbkit.suite.profiles import find_profile

    return find_profile(str(request.config.getoption("nb_profile")))


@pytest.fixture(scope="session")
def nb_recorder(request: pytest.FixtureRequest) -> Recorder:
    """Where checks record what they saw, for the report."""
    from nbkit.suite.record import Recorder

    run = _run(request.config)
    if run.recorder is None:
        run.recorder = Recorder()
    run.active = True
    return run.recorder


@pytest.fixture(scope="session")
def nb_target(request: pytest.FixtureRequest) -> Iterator[Target]:
    """The API under test: NB_* variables, or the embedded mock when NB_BASE_URL is unset."""
    from nbkit.target import open_target

    run = _run(request.config)
    run.active = True
    with open_target(mutant=request.config.getoption("nb_mutant")) as target:
        run.target = target
        if target.allow_rate_limit and target.allow_spend and not target.is_mock:
            from nbkit.suite.test_lifecycle import live_rate_limit_cost

            reporter = request.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.write_line(f"nbkit: NB_ALLOW_RATE_LIMIT=1: {live_rate_limit_cost()}")
        yield target


@pytest.fixture(scope="session")
def nb_client(
    request: pytest.FixtureRequest, nb_target: Target, nb_profile: Profile
) -> Iterator[Client]:
    """An HTTP client for the target whose requests count against the run's budget."""
    from nbkit.suite.client import Budget, Client

    run = _run(request.config)
    if run.budget is None:
        limit = request.config.getoption("nb_max_requests") or nb_profile.max_requests
        interval = 0.0 if nb_target.is_mock else _LIVE_MIN_INTERVAL
        run.budget = Budget(int(limit), interval)
    with Client(nb_target, run.budget) as client:
        yield client


def _skip_missing() -> Generator[None, object, object]:
    from nbkit.target import Missing

    try:
        return (yield)
    except Missing as missing:
        pytest.skip(str(missing))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark nbkit's own suite tests (only their failures say the target deviates) and put
    them in `RUN_ORDER`, in the places they hold among the rest."""
    from nbkit.suite import RUN_ORDER, SUITE_DIR

    places = [i for i, item in enumerate(items) if _in(item, SUITE_DIR)]
    ours = sorted((items[i] for i in places), key=lambda item: _rank(item, RUN_ORDER))
    for place, item in zip(places, ours, strict=True):
        item.user_properties.append((_SUITE_PROPERTY, True))
        items[place] = item


def _in(item: pytest.Item, folder: Path) -> bool:
    return Path(str(item.path)).resolve().is_relative_to(folder)


def _rank(item: pytest.Item, order: tuple[str, ...]) -> int:
    stem = Path(str(item.path)).stem
    return order.index(stem) if stem in order else len(order)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _skip_missing())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _skip_missing())


def _reason(report: pytest.TestReport) -> str:
    lines = [line.strip(" |+-") for line in report.longreprtext.splitlines()]
    lines = [line for line in lines if line]
    for index, line in enumerate(lines):
        # Schemathesis lists each failure as "- ST108 Response violates schema"
        # followed by its detail.
        if line.startswith("ST") and line[2:5].isdigit():
            detail = lines[index + 1] if index + 1 < len(lines) else ""
            return f"{line}: {detail}"[:300]
    crash = getattr(report.longrepr, "reprcrash", None)
    text = str(getattr(crash, "message", "") or report.longreprtext)
    first = [line for line in text.splitlines() if line.strip()]
    return (first[0] if first else "failed")[:300]


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    from nbkit.suite.record import Failure, Recorder
    from nbkit.suite.report import RunInfo, render_markdown, render_text

    run = _run(config)
    if not run.active:
        return
    recorder = run.recorder or Recorder()
    stats = terminalreporter.stats
    own_failed = 0
    for report in [*stats.get("failed", []), *stats.get("error", [])]:
        if not isinstance(report, pytest.TestReport):
            continue
        if dict(report.user_properties).get(_SUITE_PROPERTY):
            recorder.failures.append(Failure(report.nodeid, _reason(report)))
        else:
            # Only nbkit's checks judge the target: a user's own test failing is not a deviation.
            own_failed += 1
    info = RunInfo(
        target=_describe(run.target, config.getoption("nb_mutant")),
        profile=str(config.getoption("nb_profile")),
        requests=run.budget.count if run.budget else 0,
        max_requests=run.budget.max_requests if run.budget else 0,
        max_rate=1 / run.budget.min_interval if run.budget and run.budget.min_interval else None,
        seconds=time.monotonic() - run.started,
        passed=len(stats.get("passed", [])),
        failed=len(stats.get("failed", [])) + len(stats.get("error", [])),
        skipped=len(stats.get("skipped", [])),
        own_failed=own_failed,
    )
    # Failure reasons quote the target's answers: no key goes into a report file.
    text = redact_text(render_text(recorder, info))
    report_file = config.getoption("nb_report")
    if report_file:
        Path(str(report_file)).write_text(text, encoding="utf-8")
    else:
        terminalreporter.write_sep("=", "nbkit report")
        terminalreporter.write(text)
    markdown = redact_text(render_markdown(recorder, info))
    summary = config.getoption("nb_summary")
    if summary:
        Path(str(summary)).write_text(markdown, encoding="utf-8")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with Path(step_summary).open("a", encoding="utf-8") as handle:
            handle.write(markdown)


def _describe(target: Target | None, mutant: object) -> str:
    if target is None:
        return "(not started)"
    embedded = not os.environ.get("NB_BASE_URL", "").strip()
    kind = ("the embedded mock" if embedded else "a mock") if target.is_mock else "a live API"
    if mutant:
        kind += f" with mutant {mutant}"
    return f"{target.base_url} ({kind})"
