"""nbkit.suite.report: the terminal report fits its width, failures first, passes condensed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nbkit.suite.oracle import CaseVerdict
from nbkit.suite.record import Failure, Observation, Recorder
from nbkit.suite.report import RunInfo, render_text

_INFO = RunInfo(
    target="https://127.0.0.1:8443/api/v1/ (the embedded mock)",
    profile="ci",
    requests=1234,
    max_requests=4000,
    max_rate=None,
    seconds=12.5,
    passed=130,
    failed=2,
    skipped=3,
)
_METHODS = ("bearer", "header", "query")
_CASES = ("unknown-key", "inactive-user", "revoked-key", "key-without-prefix", "no-plan")
_WORDS = st.text(alphabet='abcdefghij -:/"{}', min_size=1, max_size=160)


def _recorder(observed: str, failing: set[int]) -> Recorder:
    recorder = Recorder()
    for m, method in enumerate(_METHODS):
        for c, case in enumerate(_CASES):
            index = m * len(_CASES) + c
            verdict = CaseVerdict.FAIL if index in failing else CaseVerdict.PASS
            recorder.add(
                Observation(
                    method, case, case, "textToVideo", "401 Invalid API key", observed, verdict
                )
            )
    recorder.add(
        Observation(
            "query", "scheme-case", "scheme-case", "getVideoStatus", "", observed, CaseVerdict.OPEN
        )
    )
    recorder.failures.append(Failure("nbkit/suite/test_auth.py::test_x[bearer]", observed))
    return recorder


@settings(max_examples=60, deadline=None)
@given(
    width=st.integers(min_value=100, max_value=220),
    observed=_WORDS,
    failing=st.sets(st.integers(min_value=0, max_value=14), max_size=6),
)
def test_every_line_fits_the_width(width: int, observed: str, failing: set[int]) -> None:
    text = render_text(_recorder(observed, failing), _INFO, width=width)
    assert max(len(line) for line in text.splitlines()) <= width, text


def test_failing_rows_come_first_and_passing_rows_are_condensed() -> None:
    text = render_text(_recorder("403 Forbidden", {7, 12}), _INFO, width=120)
    lines = text.splitlines()
    table = lines.index(next(line for line in lines if line.startswith("method")))
    assert lines[table + 2].startswith("header ") and lines[table + 2].endswith("FAIL")
    assert lines[table + 3].startswith("query ") and lines[table + 3].endswith("FAIL")
    assert lines[table + 4].startswith("query ") and lines[table + 4].endswith("observed")
    assert "bearer pass (5): inactive-user, key-without-prefix, no-plan, revoked-key" in text
    assert "header pass (4)" in text and "query pass (4)" in text
    assert sum(" pass " in line and "(" in line for line in lines) == len(_METHODS)
