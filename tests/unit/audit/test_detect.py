"""Tests for nbkit.audit.detect: candidates in plain and encoded bytes."""

from __future__ import annotations

import base64
import json
import random
import secrets
import string
import urllib.parse

import hypothesis.strategies as st
import pytest
from hypothesis import given

from nbkit.audit.detect import compile_pattern, find_candidates, is_at_boundary
from nbkit.audit.markers import BASE64, PLAIN, hits
from nbkit.audit.views import text_view
from nbkit.keys import PREFIX, new_key

PATTERN = compile_pattern()
HEX = "0123456789abcdef"
BASE62 = string.ascii_letters + string.digits
BASE64URL = BASE62 + "-_"


def _values(data: bytes) -> list[bytes]:
    return [c.value for c in find_candidates(data, PATTERN)]


@pytest.mark.parametrize("alphabet", [HEX, BASE62, BASE64URL], ids=["hex", "base62", "base64url"])
@pytest.mark.parametrize("length", [24, 32, 40, 64, 100])
def test_whole_body_is_caught_for_each_alphabet_and_length(alphabet: str, length: int) -> None:
    key = PREFIX + "".join(secrets.choice(alphabet) for _ in range(length))
    assert _values(f'api_key = "{key}"\n'.encode()) == [key.encode()]


def test_body_does_not_stop_at_the_first_underscore() -> None:
    key = PREFIX + "live_" + new_key()[3:] + "_x-y"
    assert _values(key.encode()) == [key.encode()]


def test_match_inside_a_longer_word_is_not_a_candidate() -> None:
    assert _values(("conf" + new_key()).encode()) == []
    assert _values(("X" + new_key()).encode()) == []


def test_match_after_a_non_boundary_one_is_still_found() -> None:
    key = new_key()
    assert _values(f"abcnb_zz {key}".encode()) == [key.encode()]


@pytest.mark.parametrize(
    "template",
    ["Authorization: Bearer%20{key}", "?api_key%3D{key}&x=1", "api_key%3d{key}"],
    ids=["bearer-percent", "query-percent", "lowercase-percent"],
)
def test_percent_encoded_urls(template: str) -> None:
    key = new_key()
    assert _values(template.format(key=key).encode()) == [key.encode()]


def test_json_escaped_strings() -> None:
    key = new_key()
    document = json.dumps({"text": f"line\n{key}\tend", "q": f'"{key}"'}).encode()
    assert _values(document) == [key.encode(), key.encode()]
    assert _values(f"\\u0022{key}".encode()) == [key.encode()]
    assert _values(f"\\x3d{key}".encode()) == [key.encode()]


def test_is_at_boundary_rules() -> None:
    assert is_at_boundary(b"nb_", 0)
    assert is_at_boundary(b" nb_", 1)
    assert not is_at_boundary(b"anb_", 1)
    assert is_at_boundary(b"%20nb_", 3)
    assert not is_at_boundary(b"%2gnb_", 3)


@pytest.mark.parametrize("shift", [0, 1, 2], ids=["aligned", "shift-1", "shift-2"])
def test_base64_values_at_every_alignment(shift: int) -> None:
    key = new_key()
    encoded = base64.b64encode(b"=:"[:shift] + key.encode() + b"\n").decode()
    found = find_candidates(f"data:\n  NB_API_KEY: {encoded}\n".encode(), PATTERN)
    assert [(c.value, c.encoding, c.line) for c in found] == [(key.encode(), "base64", 2)]


def test_base64url_values() -> None:
    key = PREFIX + "".join(secrets.choice(BASE64URL) for _ in range(43))
    encoded = base64.urlsafe_b64encode(key.encode() + b"??>>").decode()
    assert _values(f"v={encoded}".encode()) == [key.encode()]


@pytest.mark.parametrize(
    "codec,bom",
    [
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
    ],
    ids=["le-bom", "be-bom", "le", "be"],
)
def test_utf16_text(codec: str, bom: bytes) -> None:
    key = new_key()
    data = bom + f"first line\r\nkey = {key}\r\n".encode(codec)
    found = find_candidates(data, PATTERN)
    assert [(c.value, c.line, c.column, c.encoding) for c in found] == [
        (key.encode(), 2, 7, "utf-16")
    ]


def test_crlf_lines_and_columns() -> None:
    key = new_key()
    found = find_candidates(f"a\r\nbb\r\n  {key}\r\n".encode(), PATTERN)
    assert [(c.value, c.line, c.column) for c in found] == [(key.encode(), 3, 3)]


def test_columns_count_characters_not_bytes() -> None:
    key = new_key()
    found = find_candidates(f"é = {key}".encode(), PATTERN)
    assert found[0].column == 5


def test_invalid_utf8_does_not_break_detection() -> None:
    key = new_key()
    assert _values(b"\xc3\x28\xfd broken " + key.encode() + b" \xc3") == [key.encode()]


def test_binary_content_is_searched_like_strings() -> None:
    key, wide = new_key(), new_key()
    data = b"\x7fELF\x00\x01\x02" + key.encode() + b"\x00\x03" + wide.encode("utf-16-le")
    data += bytes(range(1, 256)) * 2
    assert text_view(data) is None
    assert sorted(_values(data)) == sorted([key.encode(), wide.encode()])
    assert {c.encoding for c in find_candidates(data, PATTERN)} == {"binary", "utf-16"}


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("shift", [0, 1])
def test_utf16_runs_in_binary_at_either_alignment(codec: str, shift: int) -> None:
    key = new_key()
    data = b"\x00\x01\x02" * 40 + b"\x07" * shift + f"k={key}".encode(codec) + b"\x00\xff" * 9
    assert _values(data) == [key.encode()]


@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff"])
def test_bom_like_first_bytes_do_not_hide_an_ascii_key(bom: bytes) -> None:
    key = new_key()
    assert _values(bom + f"\nkey = {key}\n".encode()) == [key.encode()]


def test_inline_marker_allows_the_line() -> None:
    key = new_key()
    found = find_candidates(f"x = '{key}'  # nbkit: allow\ny = '{key}'\n".encode(), PATTERN)
    assert [c.allowed_inline for c in found] == [True, False]


def test_templates_are_candidates() -> None:
    found = _values(b"a ${NB_API_KEY} {{ key }} <your-key> %(key)s $NB_KEY".replace(b" ", b" nb_"))
    assert len(found) == 5


def test_candidate_repr_never_shows_the_key() -> None:
    key = new_key()
    (found,) = find_candidates(key.encode(), PATTERN)
    assert key not in repr(found)
    assert key[3:] not in repr(found)


def test_bad_body_rule_is_an_input_error() -> None:
    from nbkit.errors import InputError

    with pytest.raises(InputError, match="not a valid regex"):
        compile_pattern("[unclosed")


def test_percent_encoding_survives_a_full_url_roundtrip() -> None:
    key = new_key()
    url = "https://x/?" + urllib.parse.urlencode({"auth": f"Bearer {key}"})
    assert _values(url.encode()) == [key.encode()]


def test_base64_value_holding_two_keys_and_json() -> None:
    first, second = new_key(), new_key()
    plain = json.dumps({"primary": first, "backup": second}).encode()
    encoded = base64.b64encode(plain).decode()
    assert sorted(_values(f"config: {encoded}\n".encode())) == sorted(
        [first.encode(), second.encode()]
    )


def test_base64_inside_a_long_line_is_found_once() -> None:
    key = new_key()
    filler = base64.b64encode(secrets.token_bytes(30_000)).decode()
    encoded = base64.b64encode(f" {key} ".encode()).decode()
    found = find_candidates(f"{filler} {encoded} {filler}".encode(), PATTERN)
    assert [(c.value, c.encoding) for c in found] == [(key.encode(), "base64")]


# Bytes made of the markers' pieces, so that generated data is full of whole, broken
# and overlapping markers.
_PIECES = [b"nb_", b"bmJf", b"5iX", b"uYl", b"n", b"b", b"_", b"J", b"X", b"Y", b"\n", b"a="]
_SOUP = st.lists(st.sampled_from(_PIECES), max_size=80).map(b"".join)
_BASE64_MARKERS = ((b"bmJf", 0), (b"5iX", 2), (b"uYl", 3))


def _occurrences(data: bytes, marker: bytes) -> list[int]:
    return [at for at in range(len(data)) if data.startswith(marker, at)]


@given(_SOUP)
def test_marker_scan_finds_what_a_plain_search_finds(data: bytes) -> None:
    plain = [at for at, kind in hits(data, filtered=False) if kind == PLAIN]
    groups = [at for at, kind in hits(data, filtered=False) if kind == BASE64]
    assert sorted(plain) == _occurrences(data, PREFIX.encode())
    expected = [at - group for m, group in _BASE64_MARKERS for at in _occurrences(data, m)]
    assert sorted(groups) == sorted(at for at in expected if at >= 0)


@given(_SOUP)
def test_only_text_without_any_marker_is_skipped_early(data: bytes) -> None:
    # A base64 marker counts where its group can start: enough characters before it.
    markers = [(PREFIX.encode(), 0), *_BASE64_MARKERS]
    # The loose markers (for a body rule of one's own): every base64 marker counts,
    # whatever follows it.
    present = any(at >= back for m, back in markers for at in _occurrences(data, m))
    assert (hits(data, filtered=False) == []) == (not present)
    if not hits(data, filtered=True):
        assert find_candidates(data, PATTERN) == []


_BODY = st.text(alphabet=BASE64URL, min_size=8, max_size=60)


@given(
    before=st.binary(max_size=5),
    body=_BODY,
    after=st.binary(max_size=5),
    urlsafe=st.booleans(),
)
def test_base64_markers_keep_every_encoded_candidate(
    before: bytes, body: str, after: bytes, urlsafe: bool
) -> None:
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    plain = before + b" " + PREFIX.encode() + body.encode() + b" " + after
    data = b"v: " + encode(plain) + b"\n"
    assert any(kind == BASE64 for _, kind in hits(data, filtered=True))
    assert PREFIX.encode() + body.encode() in _values(data)


def test_base64_noise_after_an_encoded_prefix_costs_no_decoding() -> None:
    rng = random.Random(7)
    lines = [base64.b64encode(b"nb_" + rng.randbytes(42)) for _ in range(2000)]
    data = b"\n".join(lines)
    groups = [at for at, kind in hits(data, filtered=True) if kind == BASE64]
    assert len(groups) < 100  # without the filter: one per line
    assert len([at for at, kind in hits(data, filtered=False) if kind == BASE64]) == 2000


def test_encoded_keys_inside_utf16_text_are_found() -> None:
    key = new_key()
    line = f"x = 1\nv: {base64.b64encode(key.encode()).decode()}\n"
    for data in (b"\xff\xfe" + line.encode("utf-16-le"), line.encode("utf-16-be")):
        assert _encodings(data) == [(key.encode(), "utf-16>base64")]
    # Text without any marker, in any reading, is no candidate.
    assert find_candidates("x = 1\n".encode("utf-16-le"), PATTERN) == []


def _encodings(data: bytes) -> list[tuple[bytes, str]]:
    return [(c.value, c.encoding) for c in find_candidates(data, PATTERN)]


def test_binary_records_pack_strings_but_text_keeps_the_boundary() -> None:
    key = new_key()
    packed = b"\x00\x13\x05capi" + key.encode() + b"\x00"
    assert _values(packed) == [key.encode()]
    stray_nul = b"x = 1\x00\n" + b"long enough prose " * 3 + b"conf" + key.encode() + b"\n"
    assert _values(stray_nul) == []
    assert _values(stray_nul.replace(b"conf", b"conf ")) == [key.encode()]
