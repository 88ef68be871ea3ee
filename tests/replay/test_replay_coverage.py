"""The committed cassettes cover every documented status of every operation, and hold no key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nbkit.cassettes.cassette import cassette_files, load_cassette
from nbkit.cassettes.scenarios import SCENARIOS, AuthMethod
from nbkit.cassettes.verify import check_tree, exchange
from nbkit.contract import KeyRole, operations


def test_every_scenario_has_its_cassette(cassettes: Path) -> None:
    missing = [
        str(item.cassette) for item in SCENARIOS if not (cassettes / item.cassette).is_file()
    ]
    assert missing == []


def test_every_documented_status_of_every_operation_is_recorded(cassettes: Path) -> None:
    seen = set()
    for path in cassette_files(cassettes):
        for interaction in load_cassette(path):
            judged = exchange(interaction)
            assert judged.operation is not None
            seen.add((judged.operation.id, str(interaction.status)))
    documented = {(op.id, status) for op in operations() for status in op.responses}
    assert documented - seen == set()


def test_every_auth_method_and_role_is_recorded_for_every_operation(cassettes: Path) -> None:
    seen = set()
    for path in cassette_files(cassettes):
        for interaction in load_cassette(path):
            judged = exchange(interaction)
            assert judged.operation is not None
            seen.add((judged.operation.id, interaction.credential[0], interaction.role))
    for op in operations():
        for method in (AuthMethod.BEARER, AuthMethod.HEADER, AuthMethod.QUERY):
            for role in KeyRole:
                # The other user's key is a valid key; the foreign-video scenario covers it.
                if role not in (KeyRole.NONE, KeyRole.OTHER_USER):
                    assert (op.id, method, role) in seen
        assert (op.id, AuthMethod.NONE, KeyRole.NONE) in seen


def test_check_finds_no_drift_and_no_key(cassettes: Path) -> None:
    report = check_tree(cassettes)
    assert report.drifts == ()
    assert report.keys == ()
    assert report.cassettes == len(SCENARIOS)


def test_audit_script_reports_nothing(cassettes: Path) -> None:
    # The audit as a user runs it; a subprocess, so the socket block does not reach it.
    script = cassettes.parent / "audit.py"
    result = subprocess.run(
        [sys.executable, str(script), str(cassettes)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
