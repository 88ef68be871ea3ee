"""The API's messages as the model reads them: a request to send, and the response it drew."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from nbkit.types import JSON

__all__ = ["Request", "Response"]


@dataclass(frozen=True, slots=True)
class Request:
    """A request before it goes out; `repr` hides headers and parameters (they may hold keys)."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    params: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    body: JSON | None = field(default=None, repr=False)

    def with_header(self, name: str, value: str) -> Request:
        """This request with one more header (duplicates kept, in order)."""
        return replace(self, headers=(*self.headers, (name, value)))

    def with_param(self, name: str, value: str) -> Request:
        """This request with one more query parameter (duplicates kept, in order)."""
        return replace(self, params=(*self.params, (name, value)))


@dataclass(frozen=True, slots=True)
class Response:
    """A response as the conformance checks read it. Header names are lower case."""

    status: int
    headers: Mapping[str, str]
    body: JSON
    text: str = ""
    # False when the body is not JSON (`body` is then None).
    is_json: bool = True

    @classmethod
    def from_text(cls, status: int, headers: Mapping[str, str], text: str | None) -> Response:
        """Parse `text` as JSON; a body that is not JSON is kept as text."""
        lowered = {name.lower(): value for name, value in headers.items()}
        try:
            return cls(status, lowered, json.loads(text or ""), text or "")
        except ValueError:
            return cls(status, lowered, None, text or "", is_json=False)

    @property
    def message(self) -> object:
        """The `error` field of the envelope, or None."""
        return self.body.get("error") if isinstance(self.body, dict) else None

    def describe(self) -> str:
        """`401 "Invalid API key"`: status and message, or the start of the body."""
        if isinstance(self.body, dict) and "error" in self.body:
            return f"{self.status} {json.dumps(self.body['error'], ensure_ascii=False)}"
        return f"{self.status} {self.text[:80]!r}" if self.text else str(self.status)
