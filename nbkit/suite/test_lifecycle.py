"""Stateful checks through the mock's control API: key lifecycle and the rate-limit window.

Against another target these skip: they need to regenerate keys, change
plans and move the clock, which only the embedded mock lets a test do. The
live equivalents of the key checks run in test_auth with NB_API_KEY_REVOKED,
NB_API_KEY_INACTIVE and NB_API_KEY_NO_PLAN.
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from nbkit.contract import (
    KeyRole,
    Method,
    Request,
    Response,
    load_auth_table,
    operation,
    operations,
)
from nbkit.mock import ControlClient
from nbkit.suite.client import Client
from nbkit.suite.oracle import (
    conformance_problems,
    free_probe,
    judge,
    keyed_request,
    rate_limit,
    valid_body,
)
from nbkit.suite.profiles import Profile, hypothesis_settings
from nbkit.suite.record import Observation, Recorder
from nbkit.target import Missing

__all__ = [
    "PLANS_WITHOUT_API",
    "live_rate_limit_cost",
    "test_key_lifecycle",
    "test_key_lifecycle_walk",
    "test_rate_limit_live",
    "test_rate_limit_window",
]

# The plans auth.yaml's plan-without-api-access names; the walk uses each with every method.
PLANS_WITHOUT_API = ("free", "basic", "pro")

_PROBE_OPERATION = "getVideoStatus"


def _request(client: Client, method: Method, key: str, operation_id: str, body: object) -> Request:
    __tracebackhide__ = True  # its arguments hold a key
    probe = free_probe(operation_id).request(client.target)
    if operation(operation_id).request_schema is not None:
        probe = Request(probe.method, probe.url, probe.headers, probe.params, body)
    return method.apply(probe, key)


class _KeyLifecycle(RuleBasedStateMachine):
    """One fresh user: regenerate, change plan, (de)activate; every key answers as documented."""

    client: Client
    control: ControlClient
    recorder: Recorder

    def __init__(self) -> None:
        super().__init__()
        self.user_id = ""
        self.key = ""
        self.old_keys: list[str] = []
        self.active = True
        self.api_access = True

    @initialize()
    def create_user(self) -> None:
        created = self.control.create_user(plan="api")
        self.user_id, self.key = created.user.id, created.key
        self.api_access = created.user.api_access

    @rule()
    def regenerate(self) -> None:
        self.old_keys.append(self.key)
        self.key = self.control.regenerate_key(self.user_id).key

    @rule(plan=st.sampled_from((*PLANS_WITHOUT_API, "api")))
    def change_plan(self, plan: str) -> None:
        self.api_access = self.control.set_plan(self.user_id, plan).api_access

    @rule(active=st.booleans())
    def set_active(self, active: bool) -> None:
        self.active = self.control.set_active(self.user_id, active).active

    def _holds(self, *, old: bool) -> str:
        holding = {KeyRole.VALID.condition}
        if old:
            holding.add(KeyRole.REVOKED.condition)
        if not self.active:
            holding.add(KeyRole.INACTIVE.condition)
        if not self.api_access:
            holding.add(KeyRole.NO_PLAN.condition)
        # The table is ordered: the first condition that holds decides.
        return next(c.id for c in load_auth_table().conditions if c.id in holding)

    def _check(self, key: str, label: str, method: Method) -> None:
        __tracebackhide__ = True  # its arguments hold a key
        request = _request(self.client, method, key, _PROBE_OPERATION, None)
        answer = self.client.send(request)
        op = operation(_PROBE_OPERATION)
        judgement = judge(label, op, request, answer)
        self.recorder.settle(
            Observation(
                method.id,
                f"lifecycle {label}",
                label,
                op.id,
                judgement.expected,
                answer.describe(),
                judgement.verdict,
                judgement.reason,
            ),
            where=f"key lifecycle, {method.id}",
        )

    @rule(method=st.sampled_from(load_auth_table().methods))
    def use_current_key(self, method: Method) -> None:
        self._check(self.key, self._holds(old=False), method)

    @precondition(lambda self: bool(self.old_keys))
    @rule(method=st.sampled_from(load_auth_table().methods), data=st.data())
    def use_old_key(self, method: Method, data: st.DataObject) -> None:
        index = data.draw(st.integers(0, len(self.old_keys) - 1), label="old key index")
        self.use_old_key_at(method, index)

    def use_old_key_at(self, method: Method, index: int) -> None:
        """Send the old key at `index` (negative counts from the newest)."""
        self._check(self.old_keys[index], self._holds(old=True), method)


def test_key_lifecycle_walk(nb_client: Client, nb_recorder: Recorder) -> None:
    """Every rule once, in order: the fixed path the random runs below start from."""
    control = nb_client.target.need_control("regenerating keys, changing plans")

    class Walk(_KeyLifecycle):
        pass

    Walk.client, Walk.control, Walk.recorder = nb_client, control, nb_recorder
    walk = Walk()
    walk.create_user()
    for method in load_auth_table().methods:
        walk.use_current_key(method)
        walk.regenerate()
        walk.use_old_key_at(method, 0)
        walk.use_current_key(method)
    for plan in PLANS_WITHOUT_API:
        walk.change_plan(plan)
        for method in load_auth_table().methods:
            walk.use_current_key(method)
    walk.set_active(False)
    walk.use_current_key(load_auth_table().methods[0])
    walk.use_old_key_at(load_auth_table().methods[0], -1)


def test_key_lifecycle(nb_client: Client, nb_recorder: Recorder, nb_profile: Profile) -> None:
    control = nb_client.target.need_control("regenerating keys, changing plans")

    class Machine(_KeyLifecycle):
        pass

    Machine.client, Machine.control, Machine.recorder = nb_client, control, nb_recorder
    run_state_machine_as_test(  # type: ignore[no-untyped-call, unused-ignore]
        Machine, settings=hypothesis_settings(nb_profile, examples=nb_profile.stateful_examples)
    )


def _rate_limited() -> str:
    return next(op.id for op in operations() if "x-nbkit-rate-limit" in op.extensions)


class _RateLimitWindow(RuleBasedStateMachine):
    """One fresh user generates up to the documented limit, gets 429, and waits the window out."""

    client: Client
    control: ControlClient

    def __init__(self) -> None:
        super().__init__()
        self.operation_id = _rate_limited()
        self.limit, self.window = rate_limit(operation(self.operation_id))
        self.count = 0
        self.key = ""
        self.method = load_auth_table().methods[0]

    @initialize()
    def create_user(self) -> None:
        self.key = self.control.create_user(plan="api").key

    def _generate(self) -> None:
        op = operation(self.operation_id)
        request = _request(self.client, self.method, self.key, op.id, valid_body(op))
        answer: Response = self.client.send(request)
        problems = conformance_problems(op, request, answer)
        expected = 200 if self.count < self.limit else 429
        if answer.status != expected:
            problems.insert(
                0,
                f"generation {self.count + 1} in one window (documented limit {self.limit}) "
                f"got {answer.describe()}, expected {expected}",
            )
        if problems:
            raise AssertionError("rate limit: " + "; ".join(problems))
        if expected == 200:
            self.count += 1

    @rule()
    def generate(self) -> None:
        self._generate()

    @rule()
    def exhaust(self) -> None:
        while self.count < self.limit:
            self._generate()
        self._generate()  # the one over the limit: 429

    @rule()
    def wait_out_window(self) -> None:
        self.control.advance_clock(self.window)
        self.count = 0


def test_rate_limit_window(nb_client: Client, nb_profile: Profile) -> None:
    control = nb_client.target.need_control("exhausting the rate limit and moving the clock")
    nb_client.target.need_spend("exhausting the rate limit")

    class Machine(_RateLimitWindow):
        pass

    Machine.client, Machine.control = nb_client, control
    run_state_machine_as_test(  # type: ignore[no-untyped-call, unused-ignore]
        Machine,
        settings=hypothesis_settings(
            nb_profile, examples=max(1, nb_profile.stateful_examples // 2)
        ),
    )


def live_rate_limit_cost() -> str:
    """What the live rate-limit check spends, in words, printed before the run."""
    op = operation(_rate_limited())
    limit, window = rate_limit(op)
    return (
        f"the rate-limit check makes up to {limit + 1} {op.id} generations with NB_API_KEY "
        f"(each spends credits) and leaves its {window // 60}-minute window used up"
    )


def test_rate_limit_live(nb_client: Client) -> None:
    """Generations up to the documented limit, then a conforming 429 (live: on explicit opt-in)."""
    target = nb_client.target
    target.need_rate_limit("the live rate-limit check")
    if target.control is not None:
        target.control.reset_limits()
    op = operation(_rate_limited())
    limit, _ = rate_limit(op)
    for count in range(limit + 1):
        request = keyed_request(target, op, body=valid_body(op))
        answer = nb_client.send(request)
        problems = conformance_problems(op, request, answer)
        if problems:
            raise AssertionError("rate limit: " + "; ".join(problems))
        if answer.status == 429:
            if count == 0:
                raise Missing("the live key's window is already used up; rerun after it resets")
            return
    raise AssertionError(
        f"{limit + 1} generations in one window (documented limit {limit}): no 429"
    )
