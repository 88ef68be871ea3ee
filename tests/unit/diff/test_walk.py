"""Walking two OpenAPI documents: operations, parameters, responses, security."""

from __future__ import annotations

import copy
from typing import Any

from nbkit.diff.pair import Kind
from nbkit.diff.walk import sites


def _doc() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": {
            "/v": {
                "parameters": [{"name": "id", "in": "query", "schema": {"type": "string"}}],
                "get": {
                    "responses": {
                        200: {
                            "description": "ok",
                            "headers": {"X-Limit": {"schema": {"type": "integer"}}},
                        }
                    }
                },
            }
        },
    }


def test_identical_documents_yield_only_scheme_pairs() -> None:
    assert {site.kind for site in sites(_doc(), _doc())} == {Kind.SECURITY_SCHEME}


def test_operation_parameter_overrides_the_path_parameter() -> None:
    before, after = _doc(), _doc()
    after["paths"]["/v"]["get"]["parameters"] = [
        {"name": "id", "in": "query", "required": True, "schema": {"type": "string"}}
    ]
    params = [site for site in sites(before, after) if site.kind is Kind.PARAMETER]
    assert len(params) == 1
    assert (params[0].pair.before_required, params[0].pair.after_required) == (False, True)
    assert params[0].pointer == "/paths/~1v/get/parameters/0"


def test_header_names_match_case_insensitively() -> None:
    before, after = _doc(), _doc()
    headers = after["paths"]["/v"]["get"]["responses"][200]["headers"]
    headers["x-limit"] = dict(headers.pop("X-Limit"), required=True)
    found = [site for site in sites(before, after) if site.kind is Kind.HEADER]
    assert len(found) == 1
    assert (found[0].pair.before_name, found[0].pair.after_name) == ("X-Limit", "x-limit")


def test_status_codes_read_as_integers_match_strings() -> None:
    before, after = _doc(), _doc()
    responses = after["paths"]["/v"]["get"]["responses"]
    responses["200"] = copy.deepcopy(responses.pop(200))
    responses["200"]["description"] = "changed"
    assert not [
        site
        for site in sites(before, after)
        if site.kind is Kind.RESPONSE and site.pair.before is None
    ]


def test_document_security_change_reaches_every_operation() -> None:
    before, after = _doc(), _doc()
    after["components"]["securitySchemes"]["key"] = {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
    }
    after["security"] = [{"key": []}]
    found = [site for site in sites(before, after) if site.kind is Kind.OPERATION_SECURITY]
    assert [(site.pair.before, site.pair.after) for site in found] == [
        ([["http bearer"]], [["apiKey header x-api-key"]])
    ]


def test_empty_requirement_means_anonymous() -> None:
    before, after = _doc(), _doc()
    after["paths"]["/v"]["get"]["security"] = [{}]
    (site,) = [site for site in sites(before, after) if site.kind is Kind.OPERATION_SECURITY]
    assert site.pair.after == [["anonymous"]]
