"""Recording through vcrpy against a real server that echoes keys: nothing reaches the disk."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from nbkit.cassettes.record import make_vcr
from nbkit.cassettes.scrub import ROLELESS_PLACEHOLDER, Scrubber
from nbkit.cassettes.verify import check_tree
from nbkit.contract import KeyRole
from nbkit.keys import new_key


class _Echo(BaseHTTPRequestHandler):
    """Answers with the request's key, a key of its own, and a cookie."""

    planted = ""

    def do_GET(self) -> None:
        body = json.dumps(
            {"success": True, "you_sent": self.headers.get("X-API-Key"), "other": self.planted}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Set-Cookie", f"session={self.planted}")
        self.send_header("X-Debug-Key", self.planted)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def echo_server() -> Iterator[tuple[str, str]]:
    planted = new_key()
    handler = type("Handler", (_Echo,), {"planted": planted})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", planted
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_keys_in_a_recorded_response_never_reach_the_cassette(
    tmp_path: Path, echo_server: tuple[str, str]
) -> None:
    origin, planted = echo_server
    sent = new_key()
    config = make_vcr(record_mode="all", scrubber=Scrubber({sent: KeyRole.VALID.placeholder}))
    path = tmp_path / "echo" / "echo.yaml"
    with config.use_cassette(str(path)), httpx.Client() as client:
        response = client.get(
            f"{origin}/api/v1/video-status.php?video_id=vid_1", headers={"X-API-Key": sent}
        )
    # The caller still got the real answer; only the stored copy is scrubbed.
    assert response.json()["other"] == planted
    text = path.read_text()
    assert planted not in text
    assert sent not in text
    assert "Set-Cookie" not in text and "set-cookie" not in text
    stored = json.loads(text.split("string: '", 1)[1].split("'\n", 1)[0])
    assert stored == {
        "success": True,
        "you_sent": KeyRole.VALID.placeholder,
        "other": ROLELESS_PLACEHOLDER,
    }
    assert check_tree(tmp_path).keys == ()
