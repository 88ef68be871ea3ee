"""Keys: fresh keys, fingerprints and redaction never leak the key."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nbkit.keys import (
    BODY_ALPHABET,
    BODY_LENGTH,
    PREFIX,
    fingerprint,
    new_key,
    redact,
    redact_text,
)

bodies = st.text(alphabet=BODY_ALPHABET + "-_", min_size=0, max_size=80)


def test_new_key_has_prefix_and_fixed_length_body() -> None:
    key = new_key()
    assert key.startswith(PREFIX)
    assert len(key) == len(PREFIX) + BODY_LENGTH
    assert new_key() != key


@given(bodies)
def test_redacted_form_never_contains_the_key(body: str) -> None:
    key = PREFIX + body
    if body:
        assert key not in redact(key)
    if len(body) > 4:
        assert body not in redact(key)


@given(bodies)
def test_redaction_shows_at_most_four_body_characters(body: str) -> None:
    shown = redact(PREFIX + body).removeprefix(PREFIX).replace("…", "")
    assert len(shown) <= 4


@given(st.text(max_size=80))
def test_fingerprint_is_stable_and_hex(key: str) -> None:
    assert fingerprint(key) == fingerprint(key.encode("utf-8", "surrogateescape"))
    assert len(fingerprint(key)) == 64
    int(fingerprint(key), 16)


def test_redacted_long_key_keeps_its_ends() -> None:
    key = PREFIX + "Ab" + "x" * 20 + "yz"
    assert redact(key) == "nb_Ab…yz"


def test_short_key_shows_no_body() -> None:
    assert redact("nb_abc") == "nb_…"


def test_redact_text_hides_every_key_in_a_message() -> None:
    first, second = new_key(), new_key()
    text = redact_text(f"GET /x?api_key={first} failed; header {second}; nb_epoch is fine")
    assert first not in text
    assert second not in text
    assert redact(first) in text
    assert "nb_epoch" in text
