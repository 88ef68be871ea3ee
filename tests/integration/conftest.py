"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nbkit.mock import RunningMock, serve


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningMock]:
    """The documented mock over HTTPS, with its plain-HTTP listener, one per test module."""
    with serve(state_dir=tmp_path_factory.mktemp("mock"), http_port=0) as running:
        yield running
