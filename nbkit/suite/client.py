"""The suite's HTTP client: one keep-alive connection, a request budget, a rate cap."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import httpx

from nbkit.contract import Request, Response
from nbkit.errors import TargetError
from nbkit.target import Missing, Target
from nbkit.types import Closing

__all__ = ["Budget", "Client", "Unsendable"]


class Unsendable(Exception):
    """The HTTP client refused to put this request on the wire (e.g. a control character)."""


@dataclass(slots=True)
class Budget:
    """How many requests the run may make, and how fast; counts every request sent."""

    max_requests: int
    min_interval: float = 0.0
    count: int = 0
    _last: float = field(default=0.0, repr=False)

    def take(self) -> None:
        """Count one request; raises `Missing` once the budget is spent, waits to keep the rate."""
        if self.count >= self.max_requests:
            raise Missing(f"the request budget of {self.max_requests} is spent")
        if self.min_interval:
            # A live API's budget is shared with its real users: keep under the cap.
            wait = self._last + self.min_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()
        self.count += 1


class Client(Closing):
    """Sends the suite's requests to one target and counts them against the budget."""

    def __init__(self, target: Target, budget: Budget) -> None:
        self.target = target
        self.budget = budget
        self._http = target.http_client()

    def close(self) -> None:
        self._http.close()

    def send(self, request: Request) -> Response:
        """One request; raises `Unsendable` or `TargetError` (which never show the key)."""
        # pytest prints a frame's arguments in tracebacks; these hold keys.
        __tracebackhide__ = True
        # Bytes, so non-ASCII values go out as UTF-8 instead of failing to encode.
        encoded = [(name.encode(), value.encode()) for name, value in request.headers]
        content = None if request.body is None else json.dumps(request.body).encode()
        if content is not None:
            encoded.append((b"Content-Type", b"application/json"))
        try:
            built = self._http.build_request(
                request.method,
                request.url,
                headers=encoded,
                params=list(request.params),
                content=content,
            )
        except (httpx.InvalidURL, UnicodeError, ValueError) as err:
            raise Unsendable(type(err).__name__) from None
        self.budget.take()
        try:
            response = self._http.send(built)
        except httpx.LocalProtocolError as err:
            raise Unsendable(type(err).__name__) from None
        except httpx.HTTPError as err:
            # The message of an httpx error can quote the URL, and so a ?api_key=.
            where = request.url.split("?")[0]
            raise TargetError(f"{request.method} {where}: {type(err).__name__}") from None
        return Response.from_text(response.status_code, response.headers, response.text)
