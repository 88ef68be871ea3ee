"""Replay runs offline: every socket connect fails for the whole of each test."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"


def _refuse(*args: object, **kwargs: object) -> NoReturn:
    raise OSError("the network is blocked in replay tests")


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    yield


@pytest.fixture
def cassettes() -> Path:
    """The committed cassettes."""
    return CASSETTES
