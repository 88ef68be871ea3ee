"""Classify a candidate as key, placeholder, identifier or other-vendor key: the CLASSIFIERS table.

Every predicate is pure and judges the candidate's body (the text after `nb_`)
with explicit context. The table is evaluated in order and the first row that
matches decides; the last row, `nb-api-key`, matches everything left.
"""

from __future__ import annotations

import itertools
import math
import re
import secrets
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from nbkit.audit.finding import KeyVerdict

__all__ = [
    "CLASSIFIERS",
    "DEFAULT_MIN_LENGTH",
    "Classifier",
    "Context",
    "RandomBody",
    "classify",
    "has_low_entropy",
    "has_placeholder_word",
    "has_repeated_chars",
    "has_sequential_chars",
    "has_single_char_class",
    "is_any_body",
    "is_documentation_example",
    "is_other_vendor_key",
    "is_template_syntax",
    "is_too_short",
    "looks_like_camel_case",
    "looks_like_identifier",
]

# Keys' length is not documented (API-FACTS 3.2); generated keys have 40-character bodies
# and real-world keys of this shape run 24 to 64+, so shorter bodies are names, not keys.
DEFAULT_MIN_LENGTH: Final = 24
_HEX: Final = "0123456789abcdef"
_BASE62: Final = string.ascii_letters + string.digits
_BASE64URL: Final = _BASE62 + "-_"


@dataclass(frozen=True, slots=True)
class Context:
    """What a predicate may look at besides the body."""

    min_length: int = DEFAULT_MIN_LENGTH


@dataclass(frozen=True, slots=True)
class RandomBody:
    """A key-shaped example drawn at test time, so that no key-shaped literal sits in the repo."""

    alphabet: str
    length: int
    prefix: str = ""

    def draw(self) -> str:
        """A fresh random body from the alphabet, after the fixed prefix."""
        return self.prefix + "".join(secrets.choice(self.alphabet) for _ in range(self.length))


Example = str | RandomBody


@dataclass(frozen=True, slots=True)
class Classifier:
    """One row: id, verdict, predicate over the body, and the examples that prove it."""

    id: str
    verdict: KeyVerdict
    predicate: Callable[[str, Context], bool]
    description: str
    examples: tuple[Example, ...]
    counterexamples: tuple[Example, ...]


# The documentation's own examples (API-FACTS 3.2), without the prefix.
_DOC_EXAMPLES: Final = frozenset({"YOUR_API_KEY_HERE", "YOUR_KEY", "xxxxxxxx", "your_api_key_here"})
_PLACEHOLDER_WORDS: Final = frozenset(
    {
        "your", "here", "example", "placeholder", "replace", "changeme", "dummy", "fake",
        "sample", "redacted", "insert", "todo", "fixme", "test", "secret", "apikey", "xxx",
    }
)  # fmt: skip
# Other services' `nb_sk_` keys, with Stripe-style mode parts.
_VENDOR_PREFIX: Final = re.compile(r"sk_(?:test_|live_)?")
_TEMPLATE_OPENERS: Final = ("${", "{{", "<", "%(", "$")
_REPEAT_RUN: Final = 8
_SEQUENCE_RUN: Final = 8
# A random 24-character hex body has about 3.5 bits per character; 2.5 leaves no doubt.
_LOW_ENTROPY_BITS: Final = 2.5
# Byte tables that add or subtract one: with them a run check is a few C-level passes
# over the body's bytes instead of a Python loop per character, which dominated the
# audit's time on files dense with keys.
_NEXT_BYTE: Final = bytes((b + 1) % 256 for b in range(256))
_PREVIOUS_BYTE: Final = bytes((b - 1) % 256 for b in range(256))


def _has_run(data: bytes, table: bytes | None, length: int) -> bool:
    """Whether `length` bytes in a row each equal the one before mapped through table."""
    if len(data) < length:
        return False
    before, after = data[:-1], data[1:]
    if table is not None:
        before = before.translate(table)
    # XOR of the two as one integer: a zero byte wherever a byte continues the run.
    same = int.from_bytes(before, "big") ^ int.from_bytes(after, "big")
    return bytes(length - 1) in same.to_bytes(len(after), "big")


def is_documentation_example(body: str, ctx: Context) -> bool:
    """The body is one the published documentation uses as an example."""
    return body in _DOC_EXAMPLES


def is_template_syntax(body: str, ctx: Context) -> bool:
    """The body is template or variable syntax: `${VAR}`, `{{ key }}`, `<key>`, `%(key)s`."""
    return body.startswith(_TEMPLATE_OPENERS)


def has_placeholder_word(body: str, ctx: Context) -> bool:
    """A `_`- or `-`-separated part of the body is a placeholder word such as YOUR or HERE.

    A vendor's key prefix does not count: `sk_test_` marks a real test-mode key.
    """
    vendor = _VENDOR_PREFIX.match(body)
    rest = body[vendor.end() :] if vendor else body
    parts = rest.replace("-", "_").lower().split("_")
    return any(part in _PLACEHOLDER_WORDS for part in parts)


def has_repeated_chars(body: str, ctx: Context) -> bool:
    """One character fills half the body, or repeats eight times in a row."""
    if max(map(body.count, set(body))) * 2 >= len(body):
        return True
    if body.isascii():
        return _has_run(body.encode(), None, _REPEAT_RUN)
    run = 1
    for before, after in itertools.pairwise(body):
        run = run + 1 if before == after else 1
        if run >= _REPEAT_RUN:
            return True
    return False


def has_sequential_chars(body: str, ctx: Context) -> bool:
    """Eight or more characters in a row that count up or down (`0123456789`, `abcdefgh`)."""
    if body.isascii():
        data = body.encode()
        return _has_run(data, _NEXT_BYTE, _SEQUENCE_RUN) or _has_run(
            data, _PREVIOUS_BYTE, _SEQUENCE_RUN
        )
    for step in (1, -1):
        run = 1
        for before, after in itertools.pairwise(body):
            run = run + 1 if ord(after) - ord(before) == step else 1
            if run >= _SEQUENCE_RUN:
                return True
    return False


def _is_word_part(part: str) -> bool:
    # A word, optionally followed by digits (`epoch2`), in one case, with a vowel.
    letters = part.rstrip(string.digits)
    return (
        letters.isalpha()
        and (letters.islower() or letters.isupper())
        and any(ch in "aeiouyAEIOUY" for ch in letters)
    )


def looks_like_identifier(body: str, ctx: Context) -> bool:
    """The body is snake_case words (`samples_per_epoch`): a name in code, not a key."""
    parts = body.split("_")
    return all(part and _is_word_part(part) for part in parts)


# camelCase and PascalCase: words (`Samples`), at most one acronym (`HTTP`) and short digit
# runs, optionally joined by `_`. A random body fails it on shape alone almost always (an
# uppercase letter followed by another, a long digit run); what passes is then judged by
# how its parts read.
_CAMEL_SHAPE: Final = re.compile(
    r"(?:[A-Z]{2,4}(?=[A-Z][a-z]|[0-9_]|$)|[A-Za-z][a-z]+|[0-9]{1,3}|_)+"
)
_CAMEL_PART: Final = re.compile(r"[A-Z]{2,4}(?=[A-Z][a-z]|[0-9_]|$)|[A-Za-z][a-z]+")
_VOWELS: Final = frozenset("aeiouy")
_CONSONANT_RUN: Final = re.compile(r"[^aeiouy]{4}")
# Consonant pairs that English words hold (`backgroundColor`: `ck`, `gr`, `nd`, `ld`).
# Random text split at case changes passes the shape rules above about once in 300,000
# bodies of 24-30 characters; every such word seen had a pair outside this set
# (`Jwolk`, `Pjaza`, `Hqjyq`), and none of 3.5 million did after it.
_WORD_CONSONANT_PAIRS: Final = frozenset(
    [
        "bb",
        "bd",
        "bj",
        "bl",
        "br",
        "bs",
        "bt",
        "cc",
        "ch",
        "ck",
        "cl",
        "cq",
        "cr",
        "ct",
        "dd",
        "dg",
        "dj",
        "dl",
        "dm",
        "dn",
        "dr",
        "ds",
        "dv",
        "dw",
        "ff",
        "fl",
        "fr",
        "fs",
        "ft",
        "gg",
        "gh",
        "gl",
        "gm",
        "gn",
        "gr",
        "gs",
        "gt",
        "hl",
        "hm",
        "hn",
        "hr",
        "ht",
        "kg",
        "kl",
        "kn",
        "ks",
        "kw",
        "lb",
        "lc",
        "ld",
        "lf",
        "lg",
        "lk",
        "ll",
        "lm",
        "ln",
        "lp",
        "lr",
        "ls",
        "lt",
        "lv",
        "lw",
        "mb",
        "mf",
        "ml",
        "mm",
        "mn",
        "mp",
        "ms",
        "nb",
        "nc",
        "nd",
        "nf",
        "ng",
        "nj",
        "nk",
        "nl",
        "nm",
        "nn",
        "np",
        "nq",
        "ns",
        "nt",
        "nv",
        "nw",
        "nx",
        "nz",
        "pd",
        "pg",
        "ph",
        "pl",
        "pm",
        "pp",
        "pr",
        "ps",
        "pt",
        "rb",
        "rc",
        "rd",
        "rf",
        "rg",
        "rh",
        "rk",
        "rl",
        "rm",
        "rn",
        "rp",
        "rq",
        "rr",
        "rs",
        "rt",
        "rv",
        "rw",
        "sb",
        "sc",
        "sd",
        "sf",
        "sh",
        "sk",
        "sl",
        "sm",
        "sn",
        "sp",
        "sq",
        "ss",
        "st",
        "sw",
        "tb",
        "tc",
        "tf",
        "th",
        "tl",
        "tm",
        "tn",
        "tp",
        "tr",
        "ts",
        "tt",
        "tw",
        "wb",
        "wd",
        "wf",
        "wk",
        "wl",
        "wm",
        "wn",
        "wp",
        "wr",
        "ws",
        "wt",
        "xc",
        "xh",
        "xp",
        "xt",
        "zz",
    ]
)
_CAMEL_MAX_DIGITS: Final = 3
_CAMEL_MIN_WORD: Final = 4


def looks_like_camel_case(body: str, ctx: Context) -> bool:
    """The body is camelCase or PascalCase words (`trainingSamplesPerEpoch`): a name in code.

    Split at case changes and digits, every part must read as a word (a vowel, no four
    consonants in a row), with at least one case change, words four letters long on
    average, words filling three quarters of the body, at most one acronym and three
    digits. A random key of any default alphabet fails at least one of these.
    """
    if sum(ch.isdigit() for ch in body) > _CAMEL_MAX_DIGITS or not _CAMEL_SHAPE.fullmatch(body):
        return False
    parts = _CAMEL_PART.findall(body)
    words = [part for part in parts if not part.isupper()]
    if len(words) < 2 or len(parts) - len(words) > 1:
        return False
    if not any(word[0].isupper() for word in words[1:]):
        return False
    for word in words:
        lower = word.lower()
        if _VOWELS.isdisjoint(lower) or _CONSONANT_RUN.search(lower):
            return False
        for first, second in itertools.pairwise(lower):
            if not (
                first in _VOWELS or second in _VOWELS or first + second in _WORD_CONSONANT_PAIRS
            ):
                return False
    letters = sum(map(len, words))
    return letters * 4 >= len(body) * 3 and letters >= _CAMEL_MIN_WORD * len(words)


def is_other_vendor_key(body: str, ctx: Context) -> bool:
    """`nb_sk_` keys belong to other services (imgeditor.co, apinanobanana.com; API-FACTS 0)."""
    return body.startswith("sk_")


def has_single_char_class(body: str, ctx: Context) -> bool:
    """Letters of one case and nothing else: random keys mix cases or digits."""
    letters = body.replace("_", "").replace("-", "")
    return letters.isalpha() and (letters.islower() or letters.isupper())


def is_too_short(body: str, ctx: Context) -> bool:
    """The body is shorter than the configured minimum key length."""
    return len(body) < ctx.min_length


def has_low_entropy(body: str, ctx: Context) -> bool:
    """The body's Shannon entropy is far below that of any random key alphabet."""
    total = len(body)
    bits = -sum(n / total * math.log2(n / total) for n in Counter(body).values())
    return bits < _LOW_ENTROPY_BITS


def is_any_body(body: str, ctx: Context) -> bool:
    """Everything that no earlier row explained is a key."""
    return True


_RANDOM_KEYS: Final = (
    RandomBody(_BASE62, 40),
    RandomBody(_HEX, 32),
    RandomBody(_BASE64URL, 43),
    RandomBody(_BASE62, 24),
    RandomBody(_BASE62, 64),
)

CLASSIFIERS: Final = (
    Classifier(
        "documentation-example", KeyVerdict.PLACEHOLDER, is_documentation_example,
        "an example key from the published documentation",
        ("YOUR_API_KEY_HERE", "YOUR_KEY", "xxxxxxxx"),
        ("YOUR_API_KEY", *_RANDOM_KEYS),
    ),
    Classifier(
        "template-syntax", KeyVerdict.PLACEHOLDER, is_template_syntax,
        "template or variable syntax standing for a key",
        ("${NB_API_KEY}", "{{ api_key }}", "<your-key>", "%(key)s", "$NB_KEY"),
        ("samples_per_epoch", *_RANDOM_KEYS),
    ),
    Classifier(
        "placeholder-word", KeyVerdict.PLACEHOLDER, has_placeholder_word,
        "a placeholder word such as YOUR, HERE, EXAMPLE or CHANGEME",
        (
            "your_key_here", "REPLACE_WITH_YOUR_KEY", "example-key-0000", "dummy_value_1",
            "sk_test_your_key",
        ),
        ("samples_per_epoch", "yourself", RandomBody(_BASE62, 32, "sk_test_"), *_RANDOM_KEYS),
    ),
    Classifier(
        "repeated-chars", KeyVerdict.PLACEHOLDER, has_repeated_chars,
        "one character repeated (`xxxxxxxx`, `aaaa…`)",
        ("xxxxxxxxxxxxxxxxxxxxxxxxxxxx", "0000000000000000000000000", "Ab1zzzzzzzzzQ"),
        ("samples_per_epoch", *_RANDOM_KEYS),
    ),
    Classifier(
        "sequential-chars", KeyVerdict.PLACEHOLDER, has_sequential_chars,
        "characters counting up or down (`0123456789`, `abcdefgh`)",
        ("0123456789abcdef0123456789", "abcdefghijklmnopqrstuvwxyz", "Zyxwvutsr7Q"),
        ("samples_per_epoch", *_RANDOM_KEYS),
    ),
    Classifier(
        "identifier-words", KeyVerdict.IDENTIFIER, looks_like_identifier,
        "snake_case words: a name in code such as nb_samples_per_epoch",
        ("samples_per_epoch", "classes", "epoch", "validation_steps_per_epoch2", "MAX_WORKERS"),
        ("sk_live_x", "Samples_per_epoch", *_RANDOM_KEYS),
    ),
    Classifier(
        "identifier-camel-case", KeyVerdict.IDENTIFIER, looks_like_camel_case,
        "camelCase or PascalCase words: a name in code such as nb_trainingSamplesPerEpoch",
        (
            "trainingSamplesPerEpoch", "maxRetriesBeforeGivingUp", "TrainingSamplesPerEpoch",
            "layer2NormEpsilon", "HTTPServerConfig_default", "validationStepsPerEpoch2",
        ),
        (
            "trainingsamplesperepoch", "xkcdQwrtzPlmnbvcxzQwerty", "abcDefGhi1234567890Jklmnop",
            "ABCDEFGHIJKLMNOPQRSTUVWX", *_RANDOM_KEYS,
        ),
    ),
    Classifier(
        "other-vendor-key", KeyVerdict.OTHER_VENDOR, is_other_vendor_key,
        "an nb_sk_ key of another service",
        (
            RandomBody(_BASE62, 32, prefix="sk_"),
            RandomBody(_HEX, 40, prefix="sk_live_"),
            RandomBody(_BASE62, 32, prefix="sk_test_"),
        ),
        ("samples_per_epoch", *_RANDOM_KEYS),
    ),
    Classifier(
        "single-char-class", KeyVerdict.IDENTIFIER, has_single_char_class,
        "letters of one case only: random keys mix cases and digits",
        ("bcdfghjklmnpqrstvwxz", "QWRTPSDFGHZXCVBQWRTPSDFGHJKL", "foo-bar-baz-qux-quux-corge"),
        ("Mixed", *_RANDOM_KEYS),
    ),
    Classifier(
        "too-short", KeyVerdict.IDENTIFIER, is_too_short,
        "shorter than the minimum key length (24 by default)",
        ("a8F3kd92", "x1Y2z3W4v5U6t7"),
        _RANDOM_KEYS,
    ),
    Classifier(
        "low-entropy", KeyVerdict.PLACEHOLDER, has_low_entropy,
        "far less random than any key alphabet",
        ("abab1212abab1212abab1212ab", "Ab1Ab1Ab1Ab1Ab1Ab1Ab1Ab1Ab1"),
        _RANDOM_KEYS,
    ),
    Classifier(
        "nb-api-key", KeyVerdict.KEY, is_any_body,
        "a Nano Banana Video API key",
        _RANDOM_KEYS,
        (),
    ),
)  # fmt: skip


def classify(body: str, ctx: Context) -> Classifier:
    """The first row of CLASSIFIERS that matches the body."""
    for row in CLASSIFIERS:
        if row.predicate(body, ctx):
            return row
    raise AssertionError("the last classifier matches every body")  # pragma: no cover
