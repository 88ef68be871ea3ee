"""Schemathesis over the contract: status codes, bodies, headers, server errors, ignored auth.

Positive data on the generating operations, and the stateful run through the
OpenAPI link from a generation to its status, spend credits: free on the
embedded mock, live only with NB_ALLOW_SPEND=1. The status endpoint costs
nothing and always runs.
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from hypothesis import given

from nbkit.contract import (
    Exchange,
    KeyRole,
    Request,
    Response,
    deviations,
    load_auth_table,
    load_openapi,
    locate,
    operation,
    operations,
)
from nbkit.suite.client import Budget, Client
from nbkit.suite.profiles import Profile, hypothesis_settings
from nbkit.target import Target
from nbkit.types import JSON

__all__ = ["test_operation_conforms", "test_stateful_links"]

_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "ignored_auth",
)
_NEGATIVE_CHECKS = ("negative_data_rejection",)


def _condition(request: Request, key: str) -> str | None:
    """The auth.yaml condition of a schemathesis request: its key, none, or not judged."""
    methods = load_auth_table().methods
    sent = [
        v
        for n, v in (*request.headers, *request.params)
        if n.lower() in {m.name.lower() for m in methods}
    ]
    if not sent:
        return KeyRole.NONE.condition
    if sent == [methods[0].render(key)]:
        return KeyRole.VALID.condition
    return None


def _judged(prepared: requests.PreparedRequest, answer: requests.Response, key: str) -> None:
    """Every answer schemathesis receives also goes through the contract's own checks."""
    url = urlsplit(str(prepared.url))
    op, documented = locate(str(prepared.method), url.path)
    raw = prepared.body
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    body: JSON = text if isinstance(text, str) else None
    with contextlib.suppress(ValueError):
        body = None if text is None else json.loads(str(text))
    request = Request(
        str(prepared.method),
        url.path,
        tuple((n, str(v)) for n, v in prepared.headers.items()),
        tuple(parse_qsl(url.query, keep_blank_values=True)),
        body,
    )
    condition = _condition(request, key)
    if op is None or condition is None:
        return
    response = Response.from_text(answer.status_code, answer.headers, answer.text)
    found = deviations(Exchange(op, request, response, condition, documented))
    if found:
        raise AssertionError(
            f"{op.id}: "
            + "; ".join(f"{d.check}: expected {d.expected}, got {d.seen}" for d in found)
        )


class _CountingSession(requests.Session):
    """A requests session whose every request counts against the run's budget and is judged."""

    def __init__(self, budget: Budget, verify: str | bool, key: str) -> None:
        super().__init__()
        self._budget = budget
        self._key = key
        # REQUESTS_CA_BUNDLE would otherwise replace NB_CA_BUNDLE.
        self.trust_env = False
        self.verify = verify

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        __tracebackhide__ = True  # the session holds a key
        self._budget.take()
        answer = super().send(request, **kwargs)
        _judged(request, answer, self._key)
        return answer


@dataclass(frozen=True, slots=True)
class _Schemathesis:
    schema: Any
    session: _CountingSession
    verify: str | bool
    target: Target

    def call_kwargs(self) -> dict[str, Any]:
        return {"session": self.session, "verify": self.verify}

    def reset(self) -> None:
        # The embedded mock's rate limit would otherwise turn later generations into 429s.
        if self.target.control is not None:
            self.target.control.reset_limits()


def _checks(names: tuple[str, ...]) -> list[Any]:
    import schemathesis.checks

    return [getattr(schemathesis.checks, name) for name in names]


@pytest.fixture(scope="module")
def _schemathesis(nb_client: Client) -> Iterator[_Schemathesis]:
    import schemathesis

    target = nb_client.target
    key = target.need(KeyRole.VALID)
    schema = schemathesis.openapi.from_dict(
        copy.deepcopy(load_openapi()), config=schemathesis.Config()
    )
    schema.config.update(base_url=target.origin_base)
    method = load_auth_table().methods[0]

    @schema.auth()
    class _Key:
        """Sends NB_API_KEY by the first documented method, so ignored_auth has a real key."""

        def get(self, case: Any, context: Any) -> str | None:
            return key

        def set(self, case: Any, data: str, context: Any) -> None:
            if method.location == "header":
                case.headers = {**(case.headers or {}), method.name: method.render(data)}
            else:
                case.query = {**(case.query or {}), method.name: method.render(data)}

    verify: str | bool = str(target.ca_bundle) if target.ca_bundle else True
    budget = nb_client.budget
    with _CountingSession(budget, verify, key) as session:
        yield _Schemathesis(schema, session, verify, target)


def _api_operation(run: _Schemathesis, operation_id: str) -> Any:
    op = operation(operation_id)
    return run.schema[op.path][op.method]


def _spends(operation_id: str) -> bool:
    return "x-nbkit-rate-limit" in operation(operation_id).extensions


@pytest.mark.parametrize("mode", ["positive", "negative"])
@pytest.mark.parametrize("operation_id", [op.id for op in operations()])
def test_operation_conforms(
    operation_id: str, mode: str, _schemathesis: _Schemathesis, nb_profile: Profile
) -> None:
    from schemathesis import GenerationMode

    if _spends(operation_id):
        # A lax API may accept a "negative" body too, and generate a video.
        _schemathesis.target.need_spend(f"{operation_id} with generated bodies")
    api_operation = _api_operation(_schemathesis, operation_id)
    generation = GenerationMode.POSITIVE if mode == "positive" else GenerationMode.NEGATIVE
    checks = _checks(_CHECKS + (_NEGATIVE_CHECKS if mode == "negative" else ()))

    @hypothesis_settings(nb_profile, examples=nb_profile.examples * 2)
    @given(case=api_operation.as_strategy(generation_mode=generation))
    def check(case: Any) -> None:
        _schemathesis.reset()
        case.call_and_validate(checks=checks, **_schemathesis.call_kwargs())

    check()


def test_stateful_links(_schemathesis: _Schemathesis, nb_profile: Profile) -> None:
    """Generate, then follow the documented link to the video's status."""
    _schemathesis.target.need_spend("the stateful run through OpenAPI links")
    run = _schemathesis
    checks = _checks(_CHECKS)
    base = run.schema.as_state_machine()

    class Machine(base):  # type: ignore[valid-type,misc]
        def before_call(self, case: Any) -> None:
            run.reset()

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return run.call_kwargs()

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(response, checks=checks, transport_kwargs=kwargs)

    Machine.run(settings=hypothesis_settings(nb_profile, examples=nb_profile.stateful_examples))
