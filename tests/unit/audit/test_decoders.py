"""Every encoding a leaked key takes: found, classified as a key, and labelled.

Each encoder below is written from the encoding's definition, not from the
decoder: a key of every default alphabet and of each length from 24 to 64 goes
through it, inside the text a real file would hold around it, and must come
back as exactly that key, verdict `key`, with the encoding named. The
counterexamples are encoded text that holds no key.
"""

from __future__ import annotations

import base64
import binascii
import io
import secrets
import string
import urllib.parse
from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbkit.audit.classify import Context
from nbkit.audit.content import Settings, scan_chunks, scan_content
from nbkit.audit.detect import compile_pattern, find_candidates
from nbkit.audit.finding import Finding, KeyVerdict
from nbkit.audit.markers import hits
from nbkit.audit.sources.archive import Limits
from nbkit.keys import PREFIX, fingerprint

PATTERN = compile_pattern()
ALPHABETS = {
    "hex": "0123456789abcdef",
    "base62": string.ascii_letters + string.digits,
    "base64url": string.ascii_letters + string.digits + "-_",
}


def _settings() -> Settings:
    return Settings(PATTERN, Context(), 1 << 20, Limits(), collect_keys=False)


def _percent_all(text: str) -> str:
    return "".join(f"%{ord(c):02X}" for c in text)


def _u(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in text)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# name: (how the key is written into a file, the `encoding` reported)
ENCODERS: dict[str, tuple[Callable[[str], bytes], str]] = {
    "percent-every": (lambda k: f"GET /v1?api_key={_percent_all(k)}&x=1\n".encode(), "percent"),
    "percent-lower": (
        lambda k: f"key={_percent_all(k).lower()}\n".encode(),
        "percent",
    ),
    "percent-underscore": (
        lambda k: f"url: https://h/?k={k.replace('_', '%5F')}\n".encode(),
        "percent",
    ),
    "percent-quote": (
        lambda k: f"u={urllib.parse.quote(k, safe='')}&z\n".replace("_", "%5F").encode(),
        "percent",
    ),
    "unicode-escape": (lambda k: f'{{"key": "{_u(k)}"}}\n'.encode(), "unicode-escape"),
    "unicode-escape-doubled": (
        lambda k: f'"{_u(k).replace(chr(92), chr(92) * 2)}"\n'.encode(),
        "unicode-escape",
    ),
    "unicode-escape-8": (
        lambda k: ('s = "' + "".join(f"\\U{ord(c):08x}" for c in k) + '"\n').encode(),
        "unicode-escape",
    ),
    "unicode-notation": (
        lambda k: (" ".join(f"U+{ord(c):04X}" for c in k) + "\n").encode(),
        "unicode-escape",
    ),
    "hex-escape": (
        lambda k: ("k = b'" + "".join(f"\\x{ord(c):02x}" for c in k) + "'\n").encode(),
        "hex-escape",
    ),
    "html-decimal": (
        lambda k: ("<td>" + "".join(f"&#{ord(c)};" for c in k) + "</td>\n").encode(),
        "html-entity",
    ),
    "html-hex": (
        lambda k: ("<td>" + "".join(f"&#x{ord(c):x};" for c in k) + "</td>\n").encode(),
        "html-entity",
    ),
    "html-lowbar": (lambda k: f"<p>{k.replace('_', '&lowbar;')}</p>\n".encode(), "html-entity"),
    "hex": (lambda k: f"secret: {k.encode().hex()}\n".encode(), "hex"),
    "hex-upper": (lambda k: f"x = 0x{k.encode().hex().upper()};\n".encode(), "hex"),
    "utf-32-le-bom": (
        lambda k: b"\xff\xfe\x00\x00" + f"a\nkey={k}\n".encode("utf-32-le"),
        "utf-32",
    ),
    "utf-32-be-bom": (
        lambda k: b"\x00\x00\xfe\xff" + f"a\nkey={k}\n".encode("utf-32-be"),
        "utf-32",
    ),
    "utf-32-le": (lambda k: f"key = {k}\r\n".encode("utf-32-le"), "utf-32"),
    "utf-32-be": (lambda k: f"key = {k}\r\n".encode("utf-32-be"), "utf-32"),
    "utf-32-in-binary": (
        lambda k: b"\x7fELF\x02\x01" + f"{k}".encode("utf-32-le") + b"\x00\x03",
        "utf-32",
    ),
    "utf-16-after-short-header": (
        lambda k: b"REGEDIT4 header\r\n" + f'\r\n"key"="{k}"\r\n'.encode("utf-16-le"),
        "utf-16",
    ),
    "utf-16-after-long-header": (
        lambda k: b"# ascii header\n" * 800 + f"key={k}\n".encode("utf-16-be"),
        "utf-16",
    ),
    "base64-of-utf-16": (
        lambda k: f"powershell -EncodedCommand {_b64(f'$k={k!r}'.encode('utf-16-le'))}\n".encode(),
        "base64>utf-16",
    ),
    "base64-of-utf-16-be": (
        lambda k: f"v: {_b64(f'k={k}'.encode('utf-16-be'))}\n".encode(),
        "base64>utf-16",
    ),
    "base64-of-binary": (
        lambda k: f"blob: {_b64(bytes(range(32)) + b' ' + k.encode() + bytes(8))}\n".encode(),
        "base64",
    ),
    "base64-of-percent": (
        lambda k: f"data: {_b64(f'url=/?k={_percent_all(k)}'.encode())}\n".encode(),
        "base64>percent",
    ),
    "base64-of-hex": (lambda k: f"v: {_b64(k.encode().hex().encode())}\n".encode(), "base64>hex"),
    "base64-of-unicode-escape": (
        lambda k: f"v: {_b64(_u(k).encode())}\n".encode(),
        "base64>unicode-escape",
    ),
    "hex-of-base64": (
        lambda k: f"v: {_b64(b' ' + k.encode()).encode().hex()}\n".encode(),
        "hex>base64",
    ),
    "base64-of-base64": (
        lambda k: f"v: {_b64(b'token: ' + _b64(k.encode()).encode())}\n".encode(),
        "base64>base64",
    ),
    "percent-of-percent": (
        lambda k: f"next={urllib.parse.quote(_percent_all(k))}\n".encode(),
        "percent>percent",
    ),
}


def _key(alphabet: str, length: int) -> str:
    return PREFIX + "".join(secrets.choice(alphabet) for _ in range(length))


def _found(data: bytes) -> list[tuple[bytes, str]]:
    return [(c.value, c.encoding) for c in find_candidates(data, PATTERN)]


@pytest.mark.parametrize("name", sorted(ENCODERS))
@pytest.mark.parametrize("alphabet", sorted(ALPHABETS))
def test_every_encoding_gives_back_the_key_for_every_length(name: str, alphabet: str) -> None:
    encode, label = ENCODERS[name]
    for length in range(24, 65):
        key = _key(ALPHABETS[alphabet], length)
        data = encode(key)
        assert hits(data, filtered=True), (name, length)  # the one pass sees a marker
        found, problems = scan_content(data, "f", _settings(), {})
        assert problems == []
        shown = [(f.fingerprint, f.verdict, f.encoding) for f in found]
        assert shown == [(fingerprint(key.encode()), KeyVerdict.KEY, label)], (name, length)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(ENCODERS)),
    body=st.text(alphabet=ALPHABETS["base64url"], min_size=24, max_size=64),
    before=st.sampled_from(["", "x = ", "\n\n", "é: ", "\t"]),
)
def test_an_encoded_key_is_found_wherever_it_sits(name: str, body: str, before: str) -> None:
    encode, label = ENCODERS[name]
    key = PREFIX + body
    data = before.encode() + encode(key)
    assert (key.encode(), label) in _found(data)


def test_the_location_is_that_of_the_encoded_text() -> None:
    key = _key(ALPHABETS["base62"], 40)
    data = f"line one\n  k = {_percent_all(key)}\n".encode()
    [found] = find_candidates(data, PATTERN)
    assert (found.line, found.column) == (2, 7)


# Encoded text without a key: markers of every decoder, with what follows them too short,
# not a key body, or not at a token boundary.
COUNTEREXAMPLES = {
    "percent-short": b"a=%6E%62%5Fabc&b=1",
    "percent-inside-a-word": ("conf" + _percent_all("nb_" + "a1B2" * 8)).encode(),
    "percent-only-prefix": b"q=%6E%62%5F&x=%41%42",
    "unicode-escape-short": b'"\\u006e\\u0062\\u005f\\u0041"',
    "html-not-a-body": b"&#110;&#98;&#95;&#32;&#33;&#34;&#35;&#36;&#37;&#38;&#39;",
    "hex-of-other-bytes": b"6e625f" + b"00" * 40,
    "hex-noise": secrets.token_bytes(2000).hex().encode().replace(b"6e625f", b"000000"),
    "utf-32-short": "nb_ab".encode("utf-32-le"),
    "base64-of-short": base64.b64encode(b"nb_abc").replace(b"=", b""),
    "base64-of-utf-16-short": base64.b64encode("nb_a".encode("utf-16-le")),
    "base64-noise": base64.b64encode(secrets.token_bytes(3000)),
}


@pytest.mark.parametrize("name", sorted(COUNTEREXAMPLES))
def test_encoded_text_without_a_key_gives_no_key(name: str) -> None:
    found, _ = scan_content(COUNTEREXAMPLES[name], "f", _settings(), {})
    assert [f for f in found if f.verdict == KeyVerdict.KEY] == []


def test_a_plain_key_holding_other_markers_is_found_once() -> None:
    # Hex and base64 markers inside a plain key's body are part of it, not more keys.
    key = PREFIX + "6e625f414243444546474849" + "bmJfQUJDREVGR0hJSks"
    assert _found(f"k = {key}\n".encode()) == [(key.encode(), "raw")]


def test_dense_escaped_keys_are_each_found_once() -> None:
    keys = [_key(ALPHABETS["base64url"], 40) for _ in range(300)]
    data = "&".join(f"k={_percent_all(k)}" for k in keys).encode()
    assert [value for value, _ in _found(data)] == [k.encode() for k in keys]


@pytest.mark.parametrize("bom", [b"", b"\xff\xfe\x00\x00"])
def test_utf32_read_in_chunks_reports_what_the_whole_reports(bom: bytes) -> None:
    key = _key(ALPHABETS["base62"], 48)
    text = "".join(f"line {i} é\n" for i in range(40)) + f"k = {key}\n" + "tail\n" * 30
    data = bom + text.encode("utf-32-le")
    whole, _ = scan_content(data, "f", _settings(), {})
    for chunk in (64, 68, 100, 256):
        found: list[Finding] = []
        stream = io.BytesIO(data)
        settings_ = replace(_settings(), chunk_size=chunk)
        scan_chunks(b"", stream.read, "f", settings_, {}, found)
        assert [(f.fingerprint, f.location.line) for f in found] == [
            (f.fingerprint, f.location.line) for f in whole
        ], chunk


def test_hex_keys_are_found_after_other_hex_bytes() -> None:
    key = _key(ALPHABETS["base62"], 32)
    for before in (b"", b"=", b"z=", b"\x00\x01\x02\x03\x04\x05 "):
        data = f"h={binascii.hexlify(before + key.encode()).decode()}\n".encode()
        assert _found(data) == [(key.encode(), "hex")], before
    # After a hex byte that is a word character the key is inside a word: not one.
    assert _found(f"h={binascii.hexlify(b'a' + key.encode()).decode()}".encode()) == []
