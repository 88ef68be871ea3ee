"""Keys: fresh keys, fingerprints and redaction never leak the key."""

from __future__ import annotations

import io
import json
import sys
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nbkit.keys import (
    BODY_ALPHABET,
    BODY_LENGTH,
    PREFIX,
    RedactingWriter,
    fingerprint,
    new_key,
    redact,
    redact_text,
    redacted_streams,
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


# Key bodies in every alphabet the audit's body rule can be set to, mixed enough to be keys.
_KEY_ALPHABETS = (BODY_ALPHABET, BODY_ALPHABET + "+/", BODY_ALPHABET + "-_")
_WINDOW = 8


@st.composite
def _key_bodies(draw: st.DrawFn) -> str:
    chars = draw(st.sampled_from(_KEY_ALPHABETS))
    body = draw(st.text(alphabet=chars, min_size=24, max_size=64))
    # A random key mixes cases and digits; these three make it one whatever was drawn.
    spots = draw(st.lists(st.integers(0, len(body)), min_size=3, max_size=3))
    for spot, char in zip(spots, "aQ7", strict=True):
        body = body[:spot] + char + body[spot:]
    return body + draw(st.sampled_from(["", "=", "=="]))


def _spell(body: str, how: str) -> str:
    """The body as a path, a URL, a C string, JSON or git's quoting can hold it."""
    if how == "percent":
        return quote(body, safe="")
    if how == "percent-path":
        return quote(body, safe="/")
    if how == "hex":
        return "".join(f"\\x{ord(ch):02x}" if ch in "+/=_-" else ch for ch in body)
    if how == "unicode":
        return "".join(f"\\u{ord(ch):04x}" if ch in "+/=_-" else ch for ch in body)
    if how == "octal":
        return "".join(f"\\{ord(ch):03o}" if ch in "+/=_-" else ch for ch in body)
    if how == "json":
        return json.dumps(body).strip('"').replace("/", "\\/")
    if how == "json-of-hex":  # an escaped string written into JSON: its backslashes doubled
        return json.dumps(_spell(body, "hex")).strip('"')
    if how == "percent-twice":  # a SARIF uri of a path that was percent-encoded already
        return quote(quote(body, safe=""), safe="")
    return body


_SPELLINGS = (
    "plain",
    "percent",
    "percent-path",
    "hex",
    "unicode",
    "octal",
    "json",
    "json-of-hex",
    "percent-twice",
)
_PREFIXES = (
    "nb_",
    "nb%5F",
    "nb%5f",
    "nb%255F",
    "nb\\x5f",
    "nb\\\\x5f",
    "nb\\u005f",
    "nb\\137",
    "%6Eb_",
)


@given(
    _key_bodies(),
    st.sampled_from(_SPELLINGS),
    st.sampled_from(_PREFIXES),
    st.sampled_from(["", " ", "/tmp/", "x", "=", '"', "api_key="]),
    st.sampled_from(["", " ", "/x.py", ".json", '"', "!in/a.env", "\n"]),
)
def test_redact_text_leaves_no_eight_characters_of_a_key_in_any_spelling(
    body: str, how: str, prefix: str, before: str, after: str
) -> None:
    spelled = _spell(body, how)
    shown = redact_text(before + prefix + spelled + after)
    pieces = {spelled[i : i + _WINDOW] for i in range(len(spelled) - _WINDOW + 1)}
    pieces |= {body[i : i + _WINDOW] for i in range(len(body) - _WINDOW + 1)}
    assert not [piece for piece in pieces if piece in shown]
    assert redact_text(shown) == shown


@pytest.mark.parametrize(
    "text",
    [
        "nb_epoch",
        "nb_samples_per_epoch",
        "nb_utils/io.py",
        "nb_v1.2.3",
        "nb_classes=10",
        "model.nb_layers + nb_heads",
        "NB_API_KEY=",
        "nb_",
        "nb_abc",
    ],
)
def test_redact_text_keeps_names_that_are_not_keys(text: str) -> None:
    assert redact_text(text) == text


def test_redact_text_redacts_a_one_case_key_too_long_for_a_word() -> None:
    body = "qwhdkzmxplvbnrtyuiasdfghjklzxc"
    assert redact_text(f"nb_{body}") == redact(f"nb_{body}")


@pytest.mark.parametrize("tail", ["/abcdefgh", "/schemas/a.json", "/api/v1/", ".json"])
def test_a_word_after_a_key_may_be_the_end_of_a_base64_key_and_is_not_shown(
    tail: str,
) -> None:
    key = new_key()
    assert redact_text(f"/tmp/{key}{tail} x") == f"/tmp/{redact(key + tail)} x"


def test_redacting_writer_sees_a_key_written_in_pieces() -> None:
    key = new_key()
    target = io.StringIO()
    writer = RedactingWriter(target)
    writer.write(f"scanning {key[:10]}")
    writer.write(f"{key[10:]}\r")
    writer.write(f"found {key}")
    assert key[3:11] not in target.getvalue()
    writer.flush()
    assert target.getvalue() == f"scanning {redact(key)}\rfound {redact(key)}"


def test_redacted_streams_cover_stdout_and_stderr_and_restore_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    key = new_key()
    with redacted_streams():
        print(key)
        print(f"error: {key}", file=sys.stderr)
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (f"{redact(key)}\n", f"error: {redact(key)}\n")
    print(key[3:9])
    assert capsys.readouterr().out == f"{key[3:9]}\n"
