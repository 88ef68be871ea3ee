from __future__ import annotations

import re

import pytest

from nbkit.errors import UsageError
from nbkit.mock.mutants import MUTANTS, Behaviour, Mutant, behaviour_for, find_mutant


def test_ids_are_unique_and_kebab_case() -> None:
    ids = [m.id for m in MUTANTS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.id for m in MUTANTS])
def test_each_mutant_changes_exactly_one_thing(mutant: Mutant) -> None:
    documented = Behaviour()
    changed = mutant.hook(documented)
    differences = [f for f in Behaviour.__slots__ if getattr(changed, f) != getattr(documented, f)]
    # A mutant the switches do not reach wraps the app instead, and flips none.
    assert len(differences) == (0 if mutant.wrap else 1)
    assert mutant.description


def test_no_mutant_is_the_documented_behaviour() -> None:
    assert behaviour_for(None) == Behaviour()


def test_unknown_mutant_names_the_known_ones() -> None:
    with pytest.raises(UsageError, match="accept-any-key"):
        find_mutant("no-such-mutant")
