"""The reference mock of the Nano Banana Video API: HTTPS, accounts, plans, keys, rate limits."""

from __future__ import annotations

from nbkit.mock.client import ControlClient, NewKey, UserInfo
from nbkit.mock.faults import Faults
from nbkit.mock.mutants import MUTANTS, Mutant
from nbkit.mock.server import RunningMock, serve, write_env_file
from nbkit.mock.state import MockSettings

__all__ = [
    "MUTANTS",
    "ControlClient",
    "Faults",
    "MockSettings",
    "Mutant",
    "NewKey",
    "RunningMock",
    "UserInfo",
    "serve",
    "write_env_file",
]
