"""Tests for nbkit.audit.classify: every CLASSIFIERS row proved by its examples."""

from __future__ import annotations

import itertools
import string

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from nbkit.audit.classify import (
    CLASSIFIERS,
    Classifier,
    Context,
    RandomBody,
    classify,
    has_repeated_chars,
    has_sequential_chars,
)
from nbkit.audit.finding import KeyVerdict
from nbkit.keys import BODY_ALPHABET, PREFIX, new_key

CTX = Context()


def _body(example: str | RandomBody) -> str:
    return example.draw() if isinstance(example, RandomBody) else example


@pytest.mark.parametrize("row", CLASSIFIERS, ids=[row.id for row in CLASSIFIERS])
def test_each_example_is_decided_by_its_row(row: Classifier) -> None:
    for example in row.examples:
        body = _body(example)
        assert classify(body, CTX).id == row.id, f"{row.id} does not decide {body[:4]}…"


@pytest.mark.parametrize("row", CLASSIFIERS, ids=[row.id for row in CLASSIFIERS])
def test_no_counterexample_matches_its_row(row: Classifier) -> None:
    for example in row.counterexamples:
        body = _body(example)
        assert not row.predicate(body, CTX), f"{row.id} wrongly matches {body[:4]}…"


def test_every_row_has_examples() -> None:
    assert all(row.examples for row in CLASSIFIERS)


def test_ids_are_unique_kebab_case() -> None:
    ids = [row.id for row in CLASSIFIERS]
    assert len(ids) == len(set(ids))
    assert all(i == i.lower() and " " not in i and "_" not in i for i in ids)


def test_last_row_is_the_key_catch_all() -> None:
    assert CLASSIFIERS[-1].verdict is KeyVerdict.KEY
    assert CLASSIFIERS[-1].predicate("anything", CTX)


def test_every_verdict_has_a_row() -> None:
    assert {row.verdict for row in CLASSIFIERS} == set(KeyVerdict)


@given(st.integers(min_value=24, max_value=96))
def test_a_generated_key_is_never_a_placeholder(length: int) -> None:
    body = RandomBody(BODY_ALPHABET, length).draw()
    assert classify(body, CTX).verdict is KeyVerdict.KEY


def test_a_new_key_is_a_key() -> None:
    assert classify(new_key()[len(PREFIX) :], CTX).id == "nb-api-key"


def test_min_length_is_configurable() -> None:
    body = RandomBody(BODY_ALPHABET, 20).draw()
    assert classify(body, CTX).id == "too-short"
    assert classify(body, Context(min_length=16)).verdict is KeyVerdict.KEY


def _longest_run(body: str, step: int) -> int:
    """The longest run of characters each `step` code points after the one before."""
    longest = run = 1 if body else 0
    for before, after in itertools.pairwise(body):
        run = run + 1 if ord(after) - ord(before) == step else 1
        longest = max(longest, run)
    return longest


# Runs are planted often: random text alone would almost never hold one.
_RUN_TEXT = st.lists(
    st.one_of(
        st.text(max_size=12),
        st.builds(lambda c, n: c * n, st.characters(max_codepoint=0x7F), st.integers(6, 10)),
        st.builds(
            lambda start, n, step: "".join(chr(start + step * i) for i in range(n)),
            st.integers(0x20, 0x60),
            st.integers(6, 10),
            st.sampled_from([1, -1]),
        ),
    ),
    max_size=4,
).map("".join)


@given(body=_RUN_TEXT)
def test_run_rules_match_a_plain_count(body: str) -> None:
    sequential = max(_longest_run(body, 1), _longest_run(body, -1)) >= 8
    assert has_sequential_chars(body, CTX) is sequential
    if body:
        most = max(body.count(ch) for ch in set(body))
        repeated = most * 2 >= len(body) or _longest_run(body, 0) >= 8
        assert has_repeated_chars(body, CTX) is repeated


_DEFAULT_ALPHABETS = (
    string.ascii_letters + string.digits,
    "0123456789abcdef",
    string.ascii_letters + string.digits + "-_",
)


@settings(max_examples=1500)
@given(data=st.data(), alphabet=st.sampled_from(_DEFAULT_ALPHABETS))
def test_random_keys_of_every_default_alphabet_and_length_stay_keys(
    data: st.DataObject, alphabet: str
) -> None:
    length = data.draw(st.integers(min_value=24, max_value=64))
    # Random bodies, not hypothesis's shrink-friendly ones: those are what keys are.
    seed = data.draw(st.randoms(use_true_random=True))
    body = "".join(seed.choice(alphabet) for _ in range(length))
    assert classify(body, CTX).verdict is KeyVerdict.KEY


@pytest.mark.parametrize(
    "name",
    ["trainingSamplesPerEpoch", "maxRetriesBeforeGivingUp", "numberOfWarmupStepsForScheduler"],
)
def test_camel_case_names_are_identifiers_not_keys(name: str) -> None:
    assert classify(name, CTX).verdict is KeyVerdict.IDENTIFIER
