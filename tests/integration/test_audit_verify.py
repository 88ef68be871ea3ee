"""--verify against a tiny HTTPS server on 127.0.0.1 (trustme certificate, http.server)."""

from __future__ import annotations

import http.server
import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from nbkit.cli import main
from nbkit.keys import fingerprint, new_key

ACTIVE, NO_PLAN, INVALID = new_key(), new_key(), new_key()
ANSWERS = {
    ACTIVE: (404, "Video not found"),
    NO_PLAN: (403, "API access requires the API plan"),
    INVALID: (401, "Invalid API key"),
}


SEEN: list[str] = []


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        key = self.headers.get("Authorization", "").removeprefix("Bearer ")
        SEEN.append(self.path)
        status, message = ANSWERS.get(key, (401, "Invalid API key"))
        body = json.dumps({"success": False, "error": message}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def https_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    ca = trustme.CA()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("NB_BASE_URL", f"https://127.0.0.1:{server.server_address[1]}/api/v1/")
    monkeypatch.setenv("NB_CA_BUNDLE", str(ca_file))
    SEEN.clear()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.usefixtures("https_target")
def test_verify_labels_each_unique_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.py").write_text(
        f"A = '{ACTIVE}'\nB = '{NO_PLAN}'\nC = '{INVALID}'\nD = '{ACTIVE}'\n"
    )
    assert main(["audit", "--verify", "--verify-rate", "10", "--format", "json", str(tree)]) == 1
    rows = json.loads(capsys.readouterr().out)["findings"]
    assert [(row["fingerprint"], row["status"]) for row in rows] == [
        (fingerprint(ACTIVE), "active"),
        (fingerprint(NO_PLAN), "no-api-plan"),
        (fingerprint(INVALID), "invalid"),
        (fingerprint(ACTIVE), "active"),
    ]
    # One probe per unique key, each a credit-free status lookup.
    assert len(SEEN) == 3
    assert set(SEEN) == {"/api/v1/video-status.php?video_id=vid_000000000000"}


@pytest.mark.usefixtures("https_target")
def test_untrusted_certificate_is_a_target_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("NB_CA_BUNDLE")
    (tmp_path / "a.py").write_text(f"A = '{ACTIVE}'\n")
    assert main(["audit", "--verify", str(tmp_path / "a.py")]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the target" in err and ACTIVE[3:] not in err
