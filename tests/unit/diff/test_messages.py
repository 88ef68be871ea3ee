"""Auth error messages: the fixed strings of a response's schemas, taken out for their own rules."""

from __future__ import annotations

from nbkit.diff.messages import messages, without_messages

RESPONSE = {
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "success": {"const": False},
                    "error": {"enum": ["Invalid API key", "API key required"]},
                    "hint": {"type": "string", "const": "Use a Bearer key", "examples": ["x"]},
                },
            }
        }
    }
}


def test_messages_are_the_fixed_strings_sorted() -> None:
    assert messages(RESPONSE) == ["API key required", "Invalid API key", "Use a Bearer key"]


def test_without_messages_keeps_that_the_values_were_strings() -> None:
    stripped = without_messages(RESPONSE)
    props = stripped["content"]["application/json"]["schema"]["properties"]  # type: ignore[index]
    assert props["error"] == {"type": "string"}
    assert props["hint"] == {"type": "string", "examples": ["x"]}
    assert props["success"] == {"const": False}
