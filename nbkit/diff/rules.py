"""The rule table: every change nbkit diff reports, with its id, level, direction and check.

Ids are permanent: reports and docs/diff-rules.md carry them. Each request
rule has a response mirror (the same change judged on what the client
receives) or a waiver saying why there is none: nbkit.diff.mirrors.
"""

from __future__ import annotations

from typing import Final

from nbkit.diff.change import Direction, Level
from nbkit.diff.checks import (
    auth,
    bodies,
    formats,
    params,
    paths,
    responses,
    schemas,
    security,
    structure,
)
from nbkit.diff.pair import Kind, Rule

__all__ = ["RULES"]

# Short names keep each row of the table on one line.
BREAK: Final = Level.BREAKING
WARN: Final = Level.WARNING
INFO: Final = Level.INFO
REQ: Final = Direction.REQUEST
RES: Final = Direction.RESPONSE

# Cheapest first: whole operations, then parameters and bodies, then schema keywords.
RULES: Final[tuple[Rule, ...]] = (
    Rule("operation-removed", BREAK, REQ, Kind.OPERATION, paths.operation_removed),
    Rule("operation-added", INFO, REQ, Kind.OPERATION, paths.operation_added),
    Rule("rate-limit-lowered", BREAK, REQ, Kind.RATE_LIMIT, paths.rate_limit_lowered),
    Rule("rate-limit-raised", INFO, REQ, Kind.RATE_LIMIT, paths.rate_limit_raised),
    Rule("rate-limit-policy-changed", WARN, REQ, Kind.RATE_LIMIT, paths.rate_limit_policy_changed),
    Rule("server-removed", BREAK, REQ, Kind.SERVER, paths.server_removed),
    Rule("server-added", INFO, REQ, Kind.SERVER, paths.server_added),
    Rule("request-param-removed", WARN, REQ, Kind.PARAMETER, params.param_removed),
    Rule("request-param-added-required", BREAK, REQ, Kind.PARAMETER, params.param_added_required),
    Rule("request-param-added-optional", INFO, REQ, Kind.PARAMETER, params.param_added_optional),
    Rule("request-param-became-required", BREAK, REQ, Kind.PARAMETER, params.param_became_required),
    Rule("request-param-became-optional", INFO, REQ, Kind.PARAMETER, params.param_became_optional),
    Rule("request-param-renamed", BREAK, REQ, Kind.PARAMETER, params.param_renamed),
    Rule(
        "request-body-became-required", BREAK, REQ, Kind.REQUEST_BODY, bodies.body_became_required
    ),
    Rule("request-body-became-optional", INFO, REQ, Kind.REQUEST_BODY, bodies.body_became_optional),
    Rule("request-media-type-removed", BREAK, REQ, Kind.MEDIA_TYPE, bodies.media_type_removed),
    Rule("request-media-type-added", INFO, REQ, Kind.MEDIA_TYPE, bodies.media_type_added),
    Rule("response-media-type-removed", BREAK, RES, Kind.MEDIA_TYPE, bodies.media_type_removed),
    Rule("response-media-type-added", INFO, RES, Kind.MEDIA_TYPE, bodies.media_type_added),
    Rule(
        "response-success-status-removed",
        BREAK,
        RES,
        Kind.RESPONSE,
        responses.success_status_removed,
    ),
    Rule("response-error-status-removed", INFO, RES, Kind.RESPONSE, responses.error_status_removed),
    Rule("response-success-status-added", INFO, RES, Kind.RESPONSE, responses.success_status_added),
    Rule("response-error-status-added", WARN, RES, Kind.RESPONSE, responses.error_status_added),
    Rule("response-header-removed", BREAK, RES, Kind.HEADER, responses.header_removed),
    Rule("response-header-added", INFO, RES, Kind.HEADER, responses.header_added),
    Rule(
        "response-header-became-optional", BREAK, RES, Kind.HEADER, responses.header_became_optional
    ),
    Rule(
        "response-header-became-required", INFO, RES, Kind.HEADER, responses.header_became_required
    ),
    Rule("request-property-removed", WARN, REQ, Kind.PROPERTY, bodies.request_property_removed),
    Rule("request-property-refused", BREAK, REQ, Kind.PROPERTY, bodies.request_property_refused),
    Rule("response-property-removed", BREAK, RES, Kind.PROPERTY, bodies.property_removed),
    Rule("request-property-renamed", BREAK, REQ, Kind.PROPERTY, bodies.property_renamed),
    Rule("response-property-renamed", BREAK, RES, Kind.PROPERTY, bodies.property_renamed),
    Rule(
        "request-property-became-required",
        BREAK,
        REQ,
        Kind.PROPERTY,
        bodies.property_became_required,
    ),
    Rule(
        "response-property-became-required",
        INFO,
        RES,
        Kind.PROPERTY,
        bodies.property_became_required,
    ),
    Rule(
        "request-property-became-optional",
        INFO,
        REQ,
        Kind.PROPERTY,
        bodies.property_became_optional,
    ),
    Rule(
        "response-property-became-optional",
        BREAK,
        RES,
        Kind.PROPERTY,
        bodies.property_became_optional,
    ),
    Rule(
        "request-property-added-required", BREAK, REQ, Kind.PROPERTY, bodies.property_added_required
    ),
    Rule(
        "request-property-added-optional", INFO, REQ, Kind.PROPERTY, bodies.property_added_optional
    ),
    Rule("response-property-added", INFO, RES, Kind.PROPERTY, bodies.property_added),
    Rule("request-type-changed", BREAK, REQ, Kind.SCHEMA, schemas.type_changed),
    Rule("response-type-changed", BREAK, RES, Kind.SCHEMA, schemas.type_changed),
    Rule("request-type-widened", INFO, REQ, Kind.SCHEMA, schemas.type_widened),
    Rule("response-type-widened", BREAK, RES, Kind.SCHEMA, schemas.type_widened),
    Rule("request-type-narrowed", BREAK, REQ, Kind.SCHEMA, schemas.type_narrowed),
    Rule("response-type-narrowed", INFO, RES, Kind.SCHEMA, schemas.type_narrowed),
    Rule("request-enum-narrowed", BREAK, REQ, Kind.SCHEMA, schemas.enum_narrowed),
    Rule("response-enum-narrowed", INFO, RES, Kind.SCHEMA, schemas.enum_narrowed),
    Rule("request-enum-widened", INFO, REQ, Kind.SCHEMA, schemas.enum_widened),
    Rule("response-enum-widened", WARN, RES, Kind.SCHEMA, schemas.enum_widened),
    Rule("request-max-length-tightened", BREAK, REQ, Kind.SCHEMA, schemas.max_length_tightened),
    Rule("response-max-length-tightened", INFO, RES, Kind.SCHEMA, schemas.max_length_tightened),
    Rule("request-max-length-loosened", INFO, REQ, Kind.SCHEMA, schemas.max_length_loosened),
    Rule("response-max-length-loosened", WARN, RES, Kind.SCHEMA, schemas.max_length_loosened),
    Rule("request-min-length-tightened", BREAK, REQ, Kind.SCHEMA, schemas.min_length_tightened),
    Rule("response-min-length-tightened", INFO, RES, Kind.SCHEMA, schemas.min_length_tightened),
    Rule("request-min-length-loosened", INFO, REQ, Kind.SCHEMA, schemas.min_length_loosened),
    Rule("response-min-length-loosened", WARN, RES, Kind.SCHEMA, schemas.min_length_loosened),
    Rule("request-maximum-tightened", BREAK, REQ, Kind.SCHEMA, schemas.maximum_tightened),
    Rule("response-maximum-tightened", INFO, RES, Kind.SCHEMA, schemas.maximum_tightened),
    Rule("request-maximum-loosened", INFO, REQ, Kind.SCHEMA, schemas.maximum_loosened),
    Rule("response-maximum-loosened", WARN, RES, Kind.SCHEMA, schemas.maximum_loosened),
    Rule("request-minimum-tightened", BREAK, REQ, Kind.SCHEMA, schemas.minimum_tightened),
    Rule("response-minimum-tightened", INFO, RES, Kind.SCHEMA, schemas.minimum_tightened),
    Rule("request-minimum-loosened", INFO, REQ, Kind.SCHEMA, schemas.minimum_loosened),
    Rule("response-minimum-loosened", WARN, RES, Kind.SCHEMA, schemas.minimum_loosened),
    Rule("request-max-items-tightened", BREAK, REQ, Kind.SCHEMA, schemas.max_items_tightened),
    Rule("response-max-items-tightened", INFO, RES, Kind.SCHEMA, schemas.max_items_tightened),
    Rule("request-max-items-loosened", INFO, REQ, Kind.SCHEMA, schemas.max_items_loosened),
    Rule("response-max-items-loosened", WARN, RES, Kind.SCHEMA, schemas.max_items_loosened),
    Rule("request-min-items-tightened", BREAK, REQ, Kind.SCHEMA, schemas.min_items_tightened),
    Rule("response-min-items-tightened", INFO, RES, Kind.SCHEMA, schemas.min_items_tightened),
    Rule("request-min-items-loosened", INFO, REQ, Kind.SCHEMA, schemas.min_items_loosened),
    Rule("response-min-items-loosened", WARN, RES, Kind.SCHEMA, schemas.min_items_loosened),
    Rule(
        "request-exclusive-maximum-tightened",
        BREAK,
        REQ,
        Kind.SCHEMA,
        schemas.exclusive_maximum_tightened,
    ),
    Rule(
        "response-exclusive-maximum-tightened",
        INFO,
        RES,
        Kind.SCHEMA,
        schemas.exclusive_maximum_tightened,
    ),
    Rule(
        "request-exclusive-maximum-loosened",
        INFO,
        REQ,
        Kind.SCHEMA,
        schemas.exclusive_maximum_loosened,
    ),
    Rule(
        "response-exclusive-maximum-loosened",
        WARN,
        RES,
        Kind.SCHEMA,
        schemas.exclusive_maximum_loosened,
    ),
    Rule(
        "request-exclusive-minimum-tightened",
        BREAK,
        REQ,
        Kind.SCHEMA,
        schemas.exclusive_minimum_tightened,
    ),
    Rule(
        "response-exclusive-minimum-tightened",
        INFO,
        RES,
        Kind.SCHEMA,
        schemas.exclusive_minimum_tightened,
    ),
    Rule(
        "request-exclusive-minimum-loosened",
        INFO,
        REQ,
        Kind.SCHEMA,
        schemas.exclusive_minimum_loosened,
    ),
    Rule(
        "response-exclusive-minimum-loosened",
        WARN,
        RES,
        Kind.SCHEMA,
        schemas.exclusive_minimum_loosened,
    ),
    Rule("request-pattern-added", BREAK, REQ, Kind.SCHEMA, schemas.pattern_added),
    Rule("response-pattern-added", INFO, RES, Kind.SCHEMA, schemas.pattern_added),
    Rule("request-pattern-removed", INFO, REQ, Kind.SCHEMA, schemas.pattern_removed),
    Rule("response-pattern-removed", WARN, RES, Kind.SCHEMA, schemas.pattern_removed),
    Rule("request-pattern-narrowed", BREAK, REQ, Kind.SCHEMA, schemas.pattern_narrowed),
    Rule("response-pattern-narrowed", INFO, RES, Kind.SCHEMA, schemas.pattern_narrowed),
    Rule("request-pattern-widened", INFO, REQ, Kind.SCHEMA, schemas.pattern_widened),
    Rule("response-pattern-widened", WARN, RES, Kind.SCHEMA, schemas.pattern_widened),
    # Undecidable: the request side assumes the worst.
    Rule("request-pattern-changed", BREAK, REQ, Kind.SCHEMA, schemas.pattern_changed),
    Rule("response-pattern-changed", WARN, RES, Kind.SCHEMA, schemas.pattern_changed),
    Rule("request-default-changed", WARN, REQ, Kind.SCHEMA, schemas.default_changed),
    Rule("response-default-changed", INFO, RES, Kind.SCHEMA, schemas.default_changed),
    Rule("request-format-added", BREAK, REQ, Kind.SCHEMA, formats.format_added),
    Rule("response-format-added", INFO, RES, Kind.SCHEMA, formats.format_added),
    Rule("request-format-removed", INFO, REQ, Kind.SCHEMA, formats.format_removed),
    Rule("response-format-removed", WARN, RES, Kind.SCHEMA, formats.format_removed),
    Rule("request-format-changed", BREAK, REQ, Kind.SCHEMA, formats.format_changed),
    Rule("response-format-changed", BREAK, RES, Kind.SCHEMA, formats.format_changed),
    Rule("request-const-changed", BREAK, REQ, Kind.SCHEMA, structure.const_changed),
    Rule("response-const-changed", BREAK, RES, Kind.SCHEMA, structure.const_changed),
    Rule("request-properties-closed", BREAK, REQ, Kind.SCHEMA, structure.properties_closed),
    Rule("response-properties-closed", INFO, RES, Kind.SCHEMA, structure.properties_closed),
    Rule("request-properties-opened", INFO, REQ, Kind.SCHEMA, structure.properties_opened),
    Rule("response-properties-opened", WARN, RES, Kind.SCHEMA, structure.properties_opened),
    Rule(
        "request-dependent-required-added",
        BREAK,
        REQ,
        Kind.SCHEMA,
        structure.dependent_required_added,
    ),
    Rule(
        "response-dependent-required-added",
        INFO,
        RES,
        Kind.SCHEMA,
        structure.dependent_required_added,
    ),
    Rule(
        "request-dependent-required-removed",
        INFO,
        REQ,
        Kind.SCHEMA,
        structure.dependent_required_removed,
    ),
    Rule(
        "response-dependent-required-removed",
        BREAK,
        RES,
        Kind.SCHEMA,
        structure.dependent_required_removed,
    ),
    Rule("request-conditional-added", BREAK, REQ, Kind.SCHEMA, structure.conditional_added),
    Rule("response-conditional-added", INFO, RES, Kind.SCHEMA, structure.conditional_added),
    Rule("request-conditional-removed", INFO, REQ, Kind.SCHEMA, structure.conditional_removed),
    Rule("response-conditional-removed", BREAK, RES, Kind.SCHEMA, structure.conditional_removed),
    # Where nbkit cannot tell, both fire: the request breaks, the response warns.
    Rule("request-negation-tightened", BREAK, REQ, Kind.SCHEMA, structure.negation_tightened),
    Rule("response-negation-tightened", INFO, RES, Kind.SCHEMA, structure.negation_tightened),
    Rule("request-negation-loosened", INFO, REQ, Kind.SCHEMA, structure.negation_loosened),
    Rule("response-negation-loosened", WARN, RES, Kind.SCHEMA, structure.negation_loosened),
    # Undecidable which values move between `then` and `else`: both sides assume the worst.
    Rule("request-condition-changed", BREAK, REQ, Kind.SCHEMA, structure.condition_changed),
    Rule("response-condition-changed", BREAK, RES, Kind.SCHEMA, structure.condition_changed),
    Rule(
        "request-alternative-removed", BREAK, REQ, Kind.ALTERNATIVE, structure.alternative_removed
    ),
    Rule(
        "response-alternative-removed", INFO, RES, Kind.ALTERNATIVE, structure.alternative_removed
    ),
    Rule("request-alternative-added", INFO, REQ, Kind.ALTERNATIVE, structure.alternative_added),
    Rule(
        "request-alternative-overlapped",
        BREAK,
        REQ,
        Kind.OVERLAP_GAINED,
        structure.alternative_overlapped,
    ),
    Rule(
        "response-alternative-overlapped",
        INFO,
        RES,
        Kind.OVERLAP_GAINED,
        structure.alternative_overlapped,
    ),
    Rule(
        "request-alternative-overlap-removed",
        INFO,
        REQ,
        Kind.OVERLAP_LOST,
        structure.alternative_overlap_removed,
    ),
    Rule(
        "response-alternative-overlap-removed",
        WARN,
        RES,
        Kind.OVERLAP_LOST,
        structure.alternative_overlap_removed,
    ),
    Rule("response-alternative-added", BREAK, RES, Kind.ALTERNATIVE, structure.alternative_added),
    Rule(
        "security-scheme-removed",
        BREAK,
        REQ,
        Kind.SECURITY_SCHEME,
        security.security_scheme_removed,
    ),
    Rule(
        "security-scheme-renamed",
        BREAK,
        REQ,
        Kind.SECURITY_SCHEME,
        security.security_scheme_renamed,
    ),
    Rule(
        "security-scheme-changed",
        BREAK,
        REQ,
        Kind.SECURITY_SCHEME,
        security.security_scheme_changed,
    ),
    Rule("security-scheme-added", INFO, REQ, Kind.SECURITY_SCHEME, security.security_scheme_added),
    Rule(
        "security-api-key-query-dropped",
        BREAK,
        REQ,
        Kind.OPERATION_SECURITY,
        security.security_api_key_query_dropped,
    ),
    Rule(
        "security-api-key-header-dropped",
        BREAK,
        REQ,
        Kind.OPERATION_SECURITY,
        security.security_api_key_header_dropped,
    ),
    Rule(
        "security-method-dropped",
        BREAK,
        REQ,
        Kind.OPERATION_SECURITY,
        security.security_method_dropped,
    ),
    Rule(
        "security-method-added", INFO, REQ, Kind.OPERATION_SECURITY, security.security_method_added
    ),
    Rule(
        "security-preferred-method-changed",
        INFO,
        REQ,
        Kind.OPERATION_SECURITY,
        security.security_preferred_method_changed,
    ),
    Rule(
        "security-requirement-tightened",
        BREAK,
        REQ,
        Kind.OPERATION_SECURITY,
        security.security_requirement_tightened,
    ),
    Rule(
        "security-requirement-loosened",
        INFO,
        REQ,
        Kind.OPERATION_SECURITY,
        security.security_requirement_loosened,
    ),
    Rule("security-key-prefix-changed", BREAK, REQ, Kind.KEY_SCHEMA, security.key_prefix_changed),
    Rule("security-key-pattern-changed", BREAK, REQ, Kind.KEY_SCHEMA, security.key_pattern_changed),
    Rule("auth-outcome-removed", BREAK, RES, Kind.AUTH_OUTCOME, auth.auth_outcome_removed),
    Rule("auth-outcome-added", INFO, RES, Kind.AUTH_OUTCOME, auth.auth_outcome_added),
    Rule("auth-status-changed", BREAK, RES, Kind.AUTH_OUTCOME, auth.auth_status_changed),
    Rule("auth-message-removed", BREAK, RES, Kind.AUTH_OUTCOME, auth.auth_message_removed),
    Rule("auth-message-added", WARN, RES, Kind.AUTH_OUTCOME, auth.auth_message_added),
    Rule(
        "auth-condition-outcome-changed",
        BREAK,
        RES,
        Kind.AUTH_CONDITION,
        auth.auth_condition_outcome_changed,
    ),
    Rule("auth-condition-removed", WARN, RES, Kind.AUTH_CONDITION, auth.auth_condition_removed),
    Rule("auth-condition-added", WARN, RES, Kind.AUTH_CONDITION, auth.auth_condition_added),
    Rule(
        "auth-schema-message-removed",
        BREAK,
        RES,
        Kind.AUTH_MESSAGES,
        auth.auth_schema_message_removed,
    ),
    Rule(
        "auth-schema-message-added", WARN, RES, Kind.AUTH_MESSAGES, auth.auth_schema_message_added
    ),
)
