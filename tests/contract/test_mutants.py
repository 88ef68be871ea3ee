"""Proof that the suite bites: each deliberate deviation of the mock fails `nbkit test`, named.

Each mutant runs the part of the suite that should catch it (`-k`); a mutant
with no entry here runs the whole suite, so a new mutant is never unproven.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Final

import pytest

from nbkit.keys import BODY_ALPHABET, BODY_LENGTH, PREFIX
from nbkit.mock import MUTANTS

# mutant id -> (the checks to run, what the failures section must name)
_CATCHERS: Final = {
    "accept-any-key": ("unknown-key", "unknown-key"),
    "wrong-format-message": ("no-prefix", "no-prefix"),
    "wrong-missing-credential-message": ("no-credential", "none-no-credential"),
    "ignore-query-key": ("valid-key", "query-valid-key"),
    "ignore-x-api-key": ("valid-key", "header-valid-key"),
    "status-401-for-plan": ("no-plan", "no-plan"),
    "keep-old-key-after-regeneration": ("revoked-key", "revoked-key"),
    "inactive-user-accepted": ("inactive-user", "inactive-user"),
    "500-on-long-header": ("long-key", "long-key"),
    "serve-plain-http": ("transport", "test_base_url_uses_https"),
    "no-rate-limit": ("rate_limit", "test_rate_limit_window"),
    "missing-ratelimit-headers": ("generation_conforms", "X-RateLimit"),
    "no-retry-after": ("rate_limit", "Retry-After"),
    "integer-video-id": ("generation_conforms", "video_id"),
    "validate-before-auth": ("no-credential", "no-credential"),
    "foreign-video-visible": ("foreign", "test_foreign_video_is_denied"),
    "old-prompt-limit": ("prompt", "at-limit"),
    "flat-status-body": ("generation_conforms", "getVideoStatus: body-schema"),
    "serve-missing-field": ("valid-key", "refused-request-served"),
    "empty-bearer-is-format": ("bearer-without-key", "bearer-without-key"),
}
_TIMEOUT_SECONDS = 300
# The shape of every key the mock issues: a failure report must never show one.
_FULL_KEY = re.compile(f"{PREFIX}[{re.escape(BODY_ALPHABET)}]{{{BODY_LENGTH}}}")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(os.environ.get("NB_BASE_URL", "").strip()),
        reason="mutants are of the embedded mock; NB_BASE_URL points elsewhere",
    ),
]


def _failures(summary: str) -> str:
    _, _, rest = summary.partition("### Failures")
    return rest.partition("\n### ")[0]


@pytest.mark.parametrize("mutant", [m.id for m in MUTANTS])
def test_mutant_is_caught_and_named(mutant: str, tmp_path: Path) -> None:
    keyword, name = _CATCHERS.get(mutant, ("", "test_"))
    summary = tmp_path / "summary.md"
    command = [sys.executable, "-m", "nbkit", "test", "--mutant", mutant, "--summary", str(summary)]
    if keyword:
        command += ["-k", keyword]
    # A CI step summary must not collect eighteen deliberate failures.
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=_TIMEOUT_SECONDS, env=env, check=False
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    text = summary.read_text(encoding="utf-8")
    assert "DEVIATES" in text
    assert name in _failures(text), text[:3000]
    for output in (result.stdout, result.stderr, text):
        assert _FULL_KEY.search(output) is None


def test_every_catcher_is_a_mutant() -> None:
    assert set(_CATCHERS) <= {m.id for m in MUTANTS}
