"""The `[tool.nbkit.audit]` table of pyproject.toml: paths to skip, fingerprints to allow.

Parsed once, at load, into a frozen and validated `Config`; its errors name the
file and the setting.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from nbkit.audit.baseline import identity
from nbkit.audit.classify import DEFAULT_MIN_LENGTH
from nbkit.audit.detect import DEFAULT_BODY, compile_pattern
from nbkit.audit.finding import Finding, KeyVerdict, Suppression
from nbkit.audit.ignore import IgnoreRules
from nbkit.errors import InputError
from nbkit.types import JSON

__all__ = ["Config", "apply_suppressions", "load_config"]

_FINGERPRINT: Final = re.compile(r"[0-9a-f]{64}")
_KNOWN: Final = frozenset({"skip", "allow", "body", "min-length", "include-other-vendor"})


@dataclass(frozen=True, slots=True)
class Config:
    """Validated audit settings; the defaults apply when pyproject.toml has no table."""

    skip: tuple[str, ...] = ()
    allow: frozenset[str] = frozenset()
    body: str = DEFAULT_BODY
    min_length: int = DEFAULT_MIN_LENGTH
    include_other_vendor: bool = False
    source: str | None = field(default=None, compare=False)

    def skip_spec(self) -> IgnoreRules | None:
        """The skip patterns as a gitignore-style matcher, or None when there are none."""
        return IgnoreRules(self.skip) if self.skip else None


def _string_list(value: JSON, name: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InputError(f"{where}: [tool.nbkit.audit] {name} must be a list of strings")
    return tuple(value)


def load_config(path: Path) -> Config:
    """Read `[tool.nbkit.audit]` from a pyproject.toml; a missing table gives the defaults."""
    # Imported here: most scans have no pyproject.toml, and start-up time counts.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    where = str(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"{where}: cannot read ({err.strerror})") from err
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{where}: not valid TOML ({err})") from err
    table = document.get("tool", {}).get("nbkit", {}).get("audit")
    if table is None:
        return Config(source=where)
    if not isinstance(table, dict):
        raise InputError(f"{where}: [tool.nbkit.audit] must be a table")
    unknown = sorted(set(table) - _KNOWN)
    if unknown:
        raise InputError(f"{where}: [tool.nbkit.audit] unknown setting {unknown[0]!r}")
    allow = _string_list(table.get("allow", []), "allow", where)
    for item in allow:
        if not _FINGERPRINT.fullmatch(item):
            raise InputError(f"{where}: [tool.nbkit.audit] allow: {item[:12]!r}… is not a sha256")
    body = table.get("body", DEFAULT_BODY)
    if not isinstance(body, str):
        raise InputError(f"{where}: [tool.nbkit.audit] body must be a regex string")
    try:
        compile_pattern(body)
    except InputError as err:
        raise InputError(f"{where}: [tool.nbkit.audit] body: {err}") from err
    min_length = table.get("min-length", DEFAULT_MIN_LENGTH)
    if not isinstance(min_length, int) or isinstance(min_length, bool) or min_length < 1:
        raise InputError(f"{where}: [tool.nbkit.audit] min-length must be a positive integer")
    other = table.get("include-other-vendor", False)
    if not isinstance(other, bool):
        raise InputError(f"{where}: [tool.nbkit.audit] include-other-vendor must be true or false")
    return Config(
        skip=_string_list(table.get("skip", []), "skip", where),
        allow=frozenset(allow),
        body=body,
        min_length=min_length,
        include_other_vendor=other,
        source=where,
    )


def apply_suppressions(
    finding: Finding, config: Config, baseline: frozenset[tuple[str, str]]
) -> Finding:
    """The finding, marked suppressed when the config or the baseline already knows its key."""
    if finding.suppressed_by is not None or finding.verdict not in (
        KeyVerdict.KEY,
        KeyVerdict.OTHER_VENDOR,
    ):
        return finding
    if finding.fingerprint in config.allow:
        return replace(finding, suppressed_by=Suppression.CONFIG)
    if identity(finding) in baseline:
        return replace(finding, suppressed_by=Suppression.BASELINE)
    return finding
