"""Replay a scenario from its cassette, network blocked, with the placeholders as keys."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final, NoReturn

from nbkit.cassettes.cassette import Interaction, load_cassette
from nbkit.cassettes.record import make_vcr
from nbkit.cassettes.recording import DOCUMENTED_BASE_URL
from nbkit.cassettes.scenarios import VIDEO_ID_SLOT, Scenario, build_call
from nbkit.cassettes.scrub import Scrubber
from nbkit.contract import KeyRole
from nbkit.errors import InputError
from nbkit.target import Target

__all__ = ["NetworkBlocked", "Unmatched", "blocked_network", "recorded_video_id", "replay"]

# Where the cassettes say they went; never contacted: the network is blocked.
REPLAY_BASE_URL: Final = DOCUMENTED_BASE_URL


class Unmatched(InputError):
    """Raised when a cassette holds no answer for a replayed request (or there is no cassette)."""


class NetworkBlocked(OSError):
    """Raised by any socket connect while a replay runs."""


def _refuse(*args: object, **kwargs: object) -> NoReturn:
    raise NetworkBlocked("nbkit replay: the network is blocked; a request missed its cassette")


@contextmanager
def blocked_network() -> Iterator[None]:
    """Make every real socket connect fail while the block is open."""
    saved = socket.socket.connect, socket.socket.connect_ex
    socket.socket.connect = _refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = _refuse  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex = saved  # type: ignore[method-assign]


def recorded_video_id(path: Path) -> str | None:
    """The video id the recording asked about: the setup made it, so replay reads it back."""
    for interaction in load_cassette(path):
        for name, value in interaction.query:
            if name == "video_id":
                return value
    return None


def replay(item: Scenario, *, root: Path) -> Interaction:
    """The recorded answer to the scenario's request, as an interaction; Unmatched if none."""
    from vcr.errors import (  # type: ignore[import-untyped]
        CannotOverwriteExistingCassetteException,
    )

    path = root / item.cassette
    if not path.is_file():
        raise Unmatched(
            f"{item.label}: no cassette {path}; record it with `nbkit cassettes record`"
        )
    needs_id = any(value == VIDEO_ID_SLOT for _, value in item.query)
    video_id = recorded_video_id(path) if needs_id else None
    key = None if item.role is KeyRole.NONE else item.role.placeholder
    call = build_call(item, base_url=REPLAY_BASE_URL, key=key, video_id=video_id)
    config = make_vcr(record_mode="none", scrubber=Scrubber())
    with (
        blocked_network(),
        config.use_cassette(str(path)),
        Target(REPLAY_BASE_URL).http_client() as client,
    ):
        try:
            response = client.request(
                call.method, call.url, headers=call.headers, content=call.content
            )
        except CannotOverwriteExistingCassetteException:
            # vcrpy's own message lists the request; ours names it without any key value.
            raise Unmatched(f"{item.label}: no matching request recorded in {path}") from None
    return Interaction(
        cassette=item.cassette.as_posix(),
        index=1,
        method=call.method,
        uri=call.url,
        request_headers={name.lower(): value for name, value in call.headers.items()},
        request_body=None if call.content is None else call.content.decode(),
        status=response.status_code,
        headers={name.lower(): value for name, value in response.headers.items()},
        body=response.text,
    )
