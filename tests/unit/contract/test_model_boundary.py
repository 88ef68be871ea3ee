"""The API model is the only place that spells the API: a grep over the package.

No module outside `nbkit.contract` (the mock and the diff aside: see _EXEMPT)
writes an auth header or query name, a key role's variable or placeholder, a
list of statuses, or builds a TLS context (`nbkit.tls.ssl_context` is the one).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import pytest

import nbkit
from nbkit.contract import KeyRole, load_auth_table

_PACKAGE: Final = Path(nbkit.__file__).parent
# The mock is an independent implementation; the diff compares two contract documents,
# which name these things by design (it sends no request and judges no answer).
_EXEMPT: Final = ("contract/", "mock/", "diff/")


def _sources() -> list[Path]:
    return [
        p
        for p in sorted(_PACKAGE.rglob("*.py"))
        if not p.relative_to(_PACKAGE).as_posix().startswith(_EXEMPT)
    ]


def _quoted(word: str) -> str:
    return rf"""["']{re.escape(word)}["']"""


def _forbidden() -> list[tuple[str, re.Pattern[str]]]:
    names = {m.name for m in load_auth_table().methods}
    names |= {n.lower() for n in names}
    rows = [(f"auth name {n}", re.compile(_quoted(n))) for n in sorted(names)]
    schemes = {m.template.split("{key}")[0] for m in load_auth_table().methods}
    rows += [(f"scheme {s!r}", re.compile(rf"""["']{re.escape(s)}""")) for s in schemes if s]
    rows += [
        (f"variable of {r}", re.compile(_quoted(str(r.variable)))) for r in KeyRole if r.variable
    ]
    rows += [
        (f"placeholder of {r}", re.compile(re.escape(str(r.placeholder))))
        for r in KeyRole
        if r.placeholder
    ]
    statuses = r"\b[45]\d\d\b"
    rows.append(("a status list", re.compile(rf"[(\[{{]\s*{statuses}\s*,\s*{statuses}")))
    rows.append(("a TLS context", re.compile(r"create_default_context|SSLContext\(")))
    return rows


@pytest.mark.parametrize("what", [w for w, _ in _forbidden()])
def test_no_module_outside_the_model_spells_it(what: str) -> None:
    pattern = dict(_forbidden())[what]
    # Every client nbkit opens, the mock's control client included, takes the one context.
    sources = sorted(_PACKAGE.rglob("*.py")) if what == "a TLS context" else _sources()
    found = [
        f"{path.relative_to(_PACKAGE)}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line) and not (what == "a TLS context" and path.name == "tls.py")
    ]
    assert found == [], f"{what} outside nbkit.contract: {found}"
