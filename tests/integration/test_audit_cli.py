"""`nbkit audit` and `python audit.py` end to end on real files and archives."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from nbkit.cli import main
from nbkit.keys import fingerprint, new_key

ROOT = Path(__file__).parents[2]


def _tree(root: Path) -> dict[str, str]:
    """A small project with one key in each context; returns fingerprint -> expected path."""
    keys = {
        name: new_key() for name in ("py", "ipynb", "yaml", "utf16", "crlf", "whl", "tgz", "url")
    }
    (root / "src").mkdir()
    (root / "src" / "client.py").write_text(f"KEY = '{keys['py']}'\nnb_samples_per_epoch = 10\n")
    notebook = {"cells": [{"outputs": [{"text": [f"token: {keys['ipynb']}\n"]}]}]}
    (root / "analysis.ipynb").write_text(json.dumps(notebook))
    secret = base64.b64encode(keys["yaml"].encode()).decode()
    (root / "secret.yaml").write_text(f"kind: Secret\ndata:\n  NB_API_KEY: {secret}\n")
    (root / "notes.txt").write_bytes(
        "\ufeffkey: ".encode("utf-16-le") + keys["utf16"].encode("utf-16-le")
    )
    (root / "win.ini").write_bytes(f"[a]\r\nkey={keys['crlf']}\r\n".encode())
    (root / "log.txt").write_text(f"GET /v?api_key%3D{keys['url']}&x=1\n")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        wheel.writestr("pkg/config.py", f"K = '{keys['whl']}'")
    (root / "pkg-1.0-py3-none-any.whl").write_bytes(buffer.getvalue())
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        data = f"K={keys['tgz']}".encode()
        info = tarfile.TarInfo("pkg/.env")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    (root / "pkg.tar.gz").write_bytes(buffer.getvalue())
    (root / "README.md").write_text("Set nb_YOUR_API_KEY_HERE and ${NB_API_KEY}.\n")
    paths = {
        "py": "src/client.py",
        "ipynb": "analysis.ipynb",
        "yaml": "secret.yaml",
        "utf16": "notes.txt",
        "crlf": "win.ini",
        "url": "log.txt",
        "whl": "pkg-1.0-py3-none-any.whl!pkg/config.py",
        "tgz": "pkg.tar.gz!pkg/.env",
    }
    return {fingerprint(keys[name]): paths[name] for name in keys}


def _json(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads(capsys.readouterr().out)["findings"]
    return rows


def test_every_context_is_found_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["audit", "--format", "json"]) == 1
    rows = _json(capsys)
    assert {row["fingerprint"]: row["path"] for row in rows} == expected
    assert len(rows) == len(expected)


def test_clean_tree_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.py").write_text("nb_epoch = 3\nkey = 'nb_YOUR_API_KEY_HERE'\n")
    assert main(["audit", str(tmp_path)]) == 0
    assert "no keys found" in capsys.readouterr().out


def test_show_suppressed_lists_placeholders_and_identifiers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.py").write_text("nb_samples_per_epoch = 3\nkey = 'nb_YOUR_API_KEY_HERE'\n")
    assert main(["audit", "--show-suppressed", "--format", "json", str(tmp_path)]) == 0
    assert [row["rule_id"] for row in _json(capsys)] == [
        "identifier-words",
        "documentation-example",
    ]


def test_baseline_update_then_only_new_keys_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    old = new_key()
    (tree / "a.py").write_text(f"K = '{old}'\n")
    baseline = tmp_path / "baseline.json"
    assert main(["audit", "--baseline", str(baseline), "--update-baseline", str(tree)]) == 0
    assert old[3:] not in baseline.read_text()
    # An edit above the known key moves it down a line; it stays known.
    (tree / "a.py").write_text(f"# header\n\nK = '{old}'\n")
    assert main(["audit", "--baseline", str(baseline), str(tree)]) == 0
    fresh = new_key()
    (tree / "b.py").write_text(f"K = '{fresh}'\n")
    capsys.readouterr()
    assert main(["audit", "--baseline", str(baseline), "--format", "json", str(tree)]) == 1
    assert [row["fingerprint"] for row in _json(capsys)] == [fingerprint(fresh)]


def test_pyproject_skip_allow_and_body_rule(tmp_path: Path) -> None:
    allowed, skipped, short = new_key(), new_key(), "nb_" + new_key()[3:19]
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "k.json").write_text(f'"{skipped}"')
    (tmp_path / "a.py").write_text(f"A = '{allowed}'\nB = '{short}'\n")
    table = f'[tool.nbkit.audit]\nskip = ["fixtures/"]\nallow = ["{fingerprint(allowed)}"]\n'
    (tmp_path / "pyproject.toml").write_text(table)
    assert main(["audit", str(tmp_path)]) == 0
    (tmp_path / "pyproject.toml").write_text(table + "min-length = 16\n")
    assert main(["audit", str(tmp_path)]) == 1


def test_output_file_and_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = new_key()
    (tmp_path / "a.py").write_text(f"K = '{key}'\n")
    for fmt in ("table", "json", "sarif", "markdown"):
        out = tmp_path / f"report.{fmt}"
        assert main(["audit", "--format", fmt, "--output", str(out), str(tmp_path / "a.py")]) == 1
        text = out.read_text()
        assert key[3:] not in text and key[:5] + "…" + key[-2:] in text
    assert capsys.readouterr().out == ""


def test_unreadable_input_exits_two_and_the_scan_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = new_key()
    (tmp_path / "a.py").write_text(f"K = '{key}'\n")
    assert main(["audit", str(tmp_path / "missing"), str(tmp_path / "a.py")]) == 2
    captured = capsys.readouterr()
    assert "missing" in captured.err and "a.py" in captured.out


def test_usage_errors_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "--update-baseline", "."]) == 2
    assert "--baseline" in capsys.readouterr().err
    assert main(["audit", "--verify", "--verify-rate", "0", "."]) == 2
    assert "--verify-rate" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["audit", "--format", "xml"])
    assert caught.value.code == 2


def test_audit_py_wrapper_has_the_same_exit_codes(tmp_path: Path) -> None:
    key = new_key()
    (tmp_path / "clean.txt").write_text("nothing here\n")
    run = [sys.executable, str(ROOT / "audit.py")]
    assert subprocess.run([*run, str(tmp_path)], capture_output=True).returncode == 0
    (tmp_path / "dirty.txt").write_text(key)
    result = subprocess.run([*run, str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 1 and key[3:] not in result.stdout + result.stderr
    result = subprocess.run([*run, "-"], input=key, capture_output=True, text=True)
    assert result.returncode == 1 and "<stdin>" in result.stdout
    assert subprocess.run([*run, "--bogus"], capture_output=True).returncode == 2
    # audit.py leaves with os._exit: a report bigger than a pipe's buffer still arrives whole.
    (tmp_path / "many.txt").write_text("\n".join(new_key() for _ in range(400)))
    result = subprocess.run([*run, "--format", "json", str(tmp_path)], capture_output=True)
    assert len(result.stdout) > 65536
    assert len(json.loads(result.stdout)["findings"]) == 401
