"""Tests for nbkit.audit.allowlist: the [tool.nbkit.audit] table and suppressions."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbkit.audit.allowlist import Config, apply_suppressions, load_config
from nbkit.audit.finding import Finding, KeyVerdict, Location, Suppression
from nbkit.errors import InputError
from nbkit.keys import fingerprint, new_key, redact


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _finding(key: str, path: str = "a.py", verdict: KeyVerdict = KeyVerdict.KEY) -> Finding:
    return Finding("nb-api-key", verdict, Location(path, 3, 1), redact(key), fingerprint(key))


def test_missing_table_gives_defaults(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, "[project]\nname = 'x'\n"))
    assert config == Config()


def test_full_table_is_parsed(tmp_path: Path) -> None:
    digest = fingerprint(new_key())
    text = (
        "[tool.nbkit.audit]\n"
        'skip = ["fixtures/**"]\n'
        f'allow = ["{digest}"]\n'
        'body = "[A-Za-z0-9]{30,}"\n'
        "min-length = 30\n"
        "include-other-vendor = true\n"
    )
    config = load_config(_write(tmp_path, text))
    assert config.skip == ("fixtures/**",)
    assert config.allow == frozenset({digest})
    assert config.min_length == 30
    assert config.include_other_vendor
    spec = config.skip_spec()
    assert spec is not None and spec.match_file("fixtures/a/b.json")


@pytest.mark.parametrize(
    "body,message",
    [
        ("allow = ['nope']", "is not a sha256"),
        ("skip = 'x'", "must be a list of strings"),
        ("body = '[x'", "not a valid regex"),
        ("min-length = 0", "positive integer"),
        ("include-other-vendor = 'yes'", "true or false"),
        ("colour = 1", "unknown setting 'colour'"),
    ],
    ids=["allow", "skip", "body", "min-length", "other-vendor", "unknown"],
)
def test_bad_settings_name_the_file_and_setting(tmp_path: Path, body: str, message: str) -> None:
    path = _write(tmp_path, f"[tool.nbkit.audit]\n{body}\n")
    with pytest.raises(InputError, match=message) as caught:
        load_config(path)
    assert str(path) in str(caught.value)


def test_invalid_toml_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not valid TOML"):
        load_config(_write(tmp_path, "[tool.nbkit.audit\n"))


def test_config_allow_and_baseline_suppress_keys() -> None:
    allowed, known, fresh = new_key(), new_key(), new_key()
    config = Config(allow=frozenset({fingerprint(allowed)}))
    baseline = frozenset({(fingerprint(known), "a.py")})
    assert (
        apply_suppressions(_finding(allowed), config, baseline).suppressed_by is Suppression.CONFIG
    )
    assert (
        apply_suppressions(_finding(known), config, baseline).suppressed_by is Suppression.BASELINE
    )
    assert apply_suppressions(_finding(known, "b.py"), config, baseline).suppressed_by is None
    assert apply_suppressions(_finding(fresh), config, baseline).suppressed_by is None


def test_placeholders_are_left_alone() -> None:
    finding = _finding(new_key(), verdict=KeyVerdict.PLACEHOLDER)
    config = Config(allow=frozenset({finding.fingerprint}))
    assert apply_suppressions(finding, config, frozenset()) is finding
