"""Schema pairing: renames, folded allOf, skipped equal subtrees."""

from __future__ import annotations

from nbkit.diff.change import Direction
from nbkit.diff.pair import Kind, Pair
from nbkit.diff.schema_pairs import Where, escape, matched, schema_sites

WHERE = Where(Direction.REQUEST, "POST", "/v")


def _same(before: object, after: object) -> bool:
    return before == after


def test_equal_nodes_under_new_names_are_renames() -> None:
    pairs = matched({"note": 1, "keep": 2}, {"remark": 1, "keep": 2}, same=_same)
    assert pairs == [("keep", "keep"), ("note", "remark")]


def test_a_lone_near_name_is_a_rename_even_with_other_additions() -> None:
    pairs = matched({"image_urls": 1}, {"image_url": 2, "video_model": 3}, same=_same)
    assert ("image_urls", "image_url") in pairs
    assert (None, "video_model") in pairs


def test_two_near_candidates_are_not_guessed() -> None:
    pairs = matched({"image_urls": 1}, {"image_url": 2, "image_uri": 3}, same=_same)
    assert ("image_urls", None) in pairs


def test_near_names_can_be_switched_off() -> None:
    assert matched({"a1": 1}, {"a2": 2}, same=_same, near_names=False) == [
        ("a1", None),
        (None, "a2"),
    ]


def test_equal_schemas_yield_nothing() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert list(schema_sites(schema, dict(schema), "/s", WHERE)) == []


def test_all_of_is_folded_so_properties_match_by_name() -> None:
    before = {
        "allOf": [{"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}]
    }
    after = {
        "type": "object",
        "required": ["a"],
        "properties": {"a": {"type": "string", "maxLength": 3}},
    }
    sites = list(schema_sites(before, after, "/s", WHERE))
    kinds = [(site.kind, site.pointer) for site in sites]
    assert (Kind.PROPERTY, "/s/properties/a") in kinds
    assert (Kind.SCHEMA, "/s/properties/a") in kinds
    prop = next(site for site in sites if site.kind is Kind.PROPERTY)
    assert (prop.pair.before_required, prop.pair.after_required) == (True, True)


def test_items_are_walked_and_disjoint_alternatives_fold_into_a_type_list() -> None:
    before = {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "null"}]}}
    after = {"type": "array", "items": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}
    sites = list(schema_sites(before, after, "/s", WHERE))
    (items,) = [site for site in sites if site.pointer == "/s/items"]
    assert items.pair.before == {"type": ["null", "string"]}
    assert items.pair.after == {"type": ["integer", "null"]}


def test_alternatives_match_by_what_they_accept_not_by_position() -> None:
    card = {"type": "object", "properties": {"card": {"type": "string"}}}
    iban = {"type": "object", "properties": {"iban": {"type": "string"}}}
    sites = list(schema_sites({"anyOf": [card, iban]}, {"anyOf": [iban]}, "/s", WHERE))
    (removed,) = [site for site in sites if site.kind is Kind.ALTERNATIVE]
    assert removed.pair == Pair(card, None)
    assert removed.pointer == "/s/anyOf/0"
    assert not [site for site in sites if site.kind is Kind.PROPERTY]


def test_a_removed_branch_that_a_remaining_one_accepts_is_not_reported() -> None:
    short = {"type": "string", "maxLength": 5}
    sites = schema_sites({"anyOf": [short, {"type": "string"}]}, {"type": "string"}, "/s", WHERE)
    assert [site for site in sites if site.kind is Kind.ALTERNATIVE] == []


def test_escape_follows_rfc_6901() -> None:
    assert escape("/api/v1/x.php") == "~1api~1v1~1x.php"
    assert escape("a~b") == "a~0b"


def test_any_of_turned_one_of_is_judged_by_the_overlap_of_its_branches() -> None:
    a = {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}
    b = {"type": "object", "required": ["b"], "properties": {"b": {"type": "string"}}}
    gained = list(schema_sites({"anyOf": [a, b]}, {"oneOf": [a, b]}, "/s", WHERE))
    assert [site.kind for site in gained if site.kind is not Kind.SCHEMA] == [Kind.OVERLAP_GAINED]
    lost = list(schema_sites({"oneOf": [a, b]}, {"anyOf": [a, b]}, "/s", WHERE))
    assert [site.kind for site in lost if site.kind is not Kind.SCHEMA] == [Kind.OVERLAP_LOST]


def test_any_of_turned_one_of_with_tagged_branches_is_no_change() -> None:
    def tagged(tag: str) -> dict[str, object]:
        return {"type": "object", "required": ["k"], "properties": {"k": {"const": tag}}}

    sites = schema_sites(
        {"anyOf": [tagged("a"), tagged("b")]}, {"oneOf": [tagged("a"), tagged("b")]}, "/s", WHERE
    )
    assert [site.kind for site in sites if site.kind is not Kind.SCHEMA] == []


def test_not_and_if_are_judged_whole_not_walked() -> None:
    before = {"not": {"maxLength": 3}, "if": {"maxLength": 3}, "then": {"minLength": 1}}
    after = {"not": {"maxLength": 5}, "if": {"maxLength": 5}, "then": {"minLength": 1}}
    pointers = [site.pointer for site in schema_sites(before, after, "/s", WHERE)]
    assert pointers == ["/s"]
