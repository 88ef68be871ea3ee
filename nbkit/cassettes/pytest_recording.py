"""nbkit's scrubbing and matching for pytest-recording: one line in a conftest.py.

    pytest_plugins = ["nbkit.cassettes.pytest_recording"]

gives pytest-recording's `vcr_config` fixture nbkit's settings and registers
nbkit's named matchers and its auditing persister on every vcrpy configuration
pytest-recording builds. Cassettes name the documented base URL; set
`NBKIT_CASSETTE_BASE_URL` (a staging API's, say) to write another.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pytest

from nbkit.cassettes.recording import DOCUMENTED_BASE_URL, register
from nbkit.cassettes.recording import vcr_config as _vcr_config

if TYPE_CHECKING:
    import vcr  # type: ignore[import-untyped]

__all__ = ["BASE_URL_VARIABLE", "pytest_recording_configure", "vcr_config"]

BASE_URL_VARIABLE = "NBKIT_CASSETTE_BASE_URL"


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    """pytest-recording's settings: nbkit's hooks, matchers and the YAML serializer."""
    return _vcr_config(base_url=os.environ.get(BASE_URL_VARIABLE) or DOCUMENTED_BASE_URL)


def pytest_recording_configure(config: pytest.Config, vcr: vcr.VCR) -> None:
    """pytest-recording's hook: register nbkit's matchers and auditing persister."""
    register(vcr)
