"""Auth properties: every method x case x operation, judged by contracts/auth.yaml.

Documented conditions are asserted; open questions are observed and reported.
Each probe costs nothing: the status endpoint, or a body the API must refuse
after auth.
"""

from __future__ import annotations

import pytest
from hypothesis import given, reject

from nbkit.contract import operation, operations
from nbkit.strategies import CASES, AuthCase, AuthRequest, requests_for
from nbkit.suite.client import Client, Unsendable
from nbkit.suite.oracle import CaseVerdict, free_probe, judge
from nbkit.suite.profiles import Profile, hypothesis_settings
from nbkit.suite.record import Observation, Recorder

__all__ = ["test_auth"]

_CELLS = [(case.id, method) for case in CASES for method in (case.methods or ("none",))]
_WORDING = "missing-credential-wording"


def _case(case_id: str) -> AuthCase:
    return next(case for case in CASES if case.id == case_id)


@pytest.mark.parametrize("operation_id", [op.id for op in operations()])
@pytest.mark.parametrize(("case_id", "method_id"), _CELLS, ids=[f"{m}-{c}" for c, m in _CELLS])
def test_auth(
    case_id: str,
    method_id: str,
    operation_id: str,
    nb_client: Client,
    nb_recorder: Recorder,
    nb_profile: Profile,
) -> None:
    case = _case(case_id)
    op = operation(operation_id)
    strategy = requests_for(case, None if method_id == "none" else method_id, nb_client.target.keys)
    if strategy is None:
        reason = f"{case.needs.variable if case.needs else case.id} is not set"
        nb_recorder.skip(
            method=method_id, case=case.id, label=case.label, operation=op.id, reason=reason
        )
        pytest.skip(reason)
    probe = free_probe(op.id).request(nb_client.target)

    @hypothesis_settings(nb_profile)
    @given(request=strategy)
    def check(request: AuthRequest) -> None:
        sent = request.apply(probe)
        try:
            answer = nb_client.send(sent)
        except Unsendable:
            reject()
        judgement = judge(request.label, op, sent, answer)
        nb_recorder.settle(
            Observation(
                request.method,
                request.case,
                request.label,
                op.id,
                judgement.expected,
                answer.describe(),
                judgement.verdict,
                judgement.reason,
            ),
            where=f"{request.method} {request.case} on {op.id}",
        )
        if request.label == "no-credential":
            # Which documented wording each endpoint uses is itself open.
            nb_recorder.add(
                Observation(
                    "none",
                    "wording",
                    _WORDING,
                    op.id,
                    f"open: {_WORDING}",
                    answer.describe(),
                    CaseVerdict.OPEN,
                )
            )

    check()
