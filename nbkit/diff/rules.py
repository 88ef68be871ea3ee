"""The rule table: every change nbkit diff reports, with its id, level, direction and check.

Ids are permanent: reports and docs/diff-rules.md carry them. Each request
rule names its response mirror (the same change judged on what the client
receives) or a waiver saying why there is none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from nbkit.diff.change import Direction, Level
from nbkit.diff.checks.auth import (
    auth_condition_added,
    auth_condition_outcome_changed,
    auth_condition_removed,
    auth_message_added,
    auth_message_removed,
    auth_outcome_added,
    auth_outcome_removed,
    auth_schema_message_added,
    auth_schema_message_removed,
    auth_status_changed,
)
from nbkit.diff.checks.bodies import (
    media_type_added,
    media_type_removed,
    property_added,
    property_added_optional,
    property_added_required,
    property_became_optional,
    property_became_required,
    property_ignored,
    property_refused,
    property_removed,
    property_renamed,
)
from nbkit.diff.checks.params import (
    param_added_optional,
    param_added_required,
    param_became_optional,
    param_became_required,
    param_removed,
    param_renamed,
)
from nbkit.diff.checks.paths import (
    operation_added,
    operation_removed,
    rate_limit_lowered,
    rate_limit_policy_changed,
    rate_limit_raised,
    server_added,
    server_removed,
)
from nbkit.diff.checks.responses import (
    error_status_added,
    error_status_removed,
    header_added,
    header_became_optional,
    header_became_required,
    header_removed,
    success_status_added,
    success_status_removed,
)
from nbkit.diff.checks.schemas import (
    default_changed,
    enum_narrowed,
    enum_widened,
    exclusive_maximum_loosened,
    exclusive_maximum_tightened,
    exclusive_minimum_loosened,
    exclusive_minimum_tightened,
    max_items_loosened,
    max_items_tightened,
    max_length_loosened,
    max_length_tightened,
    maximum_loosened,
    maximum_tightened,
    min_items_loosened,
    min_items_tightened,
    min_length_loosened,
    min_length_tightened,
    minimum_loosened,
    minimum_tightened,
    pattern_added,
    pattern_changed,
    pattern_narrowed,
    pattern_removed,
    pattern_widened,
    type_changed,
    type_narrowed,
    type_widened,
)
from nbkit.diff.checks.security import (
    key_pattern_changed,
    key_prefix_changed,
    security_api_key_header_dropped,
    security_api_key_query_dropped,
    security_method_added,
    security_method_dropped,
    security_preferred_method_changed,
    security_requirement_loosened,
    security_requirement_tightened,
    security_scheme_added,
    security_scheme_changed,
    security_scheme_removed,
    security_scheme_renamed,
)
from nbkit.diff.checks.structure import (
    alternative_added,
    alternative_overlap_removed,
    alternative_overlapped,
    alternative_removed,
    condition_changed,
    conditional_added,
    conditional_removed,
    const_changed,
    dependent_required_added,
    dependent_required_removed,
    properties_closed,
    properties_opened,
)
from nbkit.diff.pair import Check, Kind

__all__ = ["MIRRORS", "RULES", "WAIVERS", "Rule", "mirror_of"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the table: which pairs it judges, how, and how bad a hit is."""

    id: str
    level: Level
    direction: Direction
    kind: Kind
    check: Check

    @property
    def summary(self) -> str:
        """What the rule reports: the first line of its check's docstring."""
        doc = (self.check.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else self.id


REQ: Final = Direction.REQUEST
RES: Final = Direction.RESPONSE

# Cheapest first: whole operations, then parameters and bodies, then schema keywords.
RULES: Final[tuple[Rule, ...]] = (
    Rule("operation-removed", Level.BREAKING, REQ, Kind.OPERATION, operation_removed),
    Rule("operation-added", Level.INFO, REQ, Kind.OPERATION, operation_added),
    Rule("rate-limit-lowered", Level.BREAKING, REQ, Kind.RATE_LIMIT, rate_limit_lowered),
    Rule("rate-limit-raised", Level.INFO, REQ, Kind.RATE_LIMIT, rate_limit_raised),
    Rule(
        "rate-limit-policy-changed", Level.WARNING, REQ, Kind.RATE_LIMIT, rate_limit_policy_changed
    ),
    Rule("server-removed", Level.BREAKING, REQ, Kind.SERVER, server_removed),
    Rule("server-added", Level.INFO, REQ, Kind.SERVER, server_added),
    Rule("request-param-removed", Level.WARNING, REQ, Kind.PARAMETER, param_removed),
    Rule("request-param-added-required", Level.BREAKING, REQ, Kind.PARAMETER, param_added_required),
    Rule("request-param-added-optional", Level.INFO, REQ, Kind.PARAMETER, param_added_optional),
    Rule(
        "request-param-became-required", Level.BREAKING, REQ, Kind.PARAMETER, param_became_required
    ),
    Rule("request-param-became-optional", Level.INFO, REQ, Kind.PARAMETER, param_became_optional),
    Rule("request-param-renamed", Level.BREAKING, REQ, Kind.PARAMETER, param_renamed),
    Rule("request-media-type-removed", Level.BREAKING, REQ, Kind.MEDIA_TYPE, media_type_removed),
    Rule("request-media-type-added", Level.INFO, REQ, Kind.MEDIA_TYPE, media_type_added),
    Rule("response-media-type-removed", Level.BREAKING, RES, Kind.MEDIA_TYPE, media_type_removed),
    Rule("response-media-type-added", Level.INFO, RES, Kind.MEDIA_TYPE, media_type_added),
    Rule(
        "response-success-status-removed",
        Level.BREAKING,
        RES,
        Kind.RESPONSE,
        success_status_removed,
    ),
    Rule("response-error-status-removed", Level.INFO, RES, Kind.RESPONSE, error_status_removed),
    Rule("response-success-status-added", Level.INFO, RES, Kind.RESPONSE, success_status_added),
    Rule("response-error-status-added", Level.WARNING, RES, Kind.RESPONSE, error_status_added),
    Rule("response-header-removed", Level.BREAKING, RES, Kind.HEADER, header_removed),
    Rule("response-header-added", Level.INFO, RES, Kind.HEADER, header_added),
    Rule(
        "response-header-became-optional", Level.BREAKING, RES, Kind.HEADER, header_became_optional
    ),
    Rule("response-header-became-required", Level.INFO, RES, Kind.HEADER, header_became_required),
    Rule("request-property-removed", Level.WARNING, REQ, Kind.PROPERTY, property_ignored),
    Rule("request-property-refused", Level.BREAKING, REQ, Kind.PROPERTY, property_refused),
    Rule("response-property-removed", Level.BREAKING, RES, Kind.PROPERTY, property_removed),
    Rule("request-property-renamed", Level.BREAKING, REQ, Kind.PROPERTY, property_renamed),
    Rule("response-property-renamed", Level.BREAKING, RES, Kind.PROPERTY, property_renamed),
    Rule(
        "request-property-became-required",
        Level.BREAKING,
        REQ,
        Kind.PROPERTY,
        property_became_required,
    ),
    Rule(
        "response-property-became-required",
        Level.INFO,
        RES,
        Kind.PROPERTY,
        property_became_required,
    ),
    Rule(
        "request-property-became-optional", Level.INFO, REQ, Kind.PROPERTY, property_became_optional
    ),
    Rule(
        "response-property-became-optional",
        Level.BREAKING,
        RES,
        Kind.PROPERTY,
        property_became_optional,
    ),
    Rule(
        "request-property-added-required",
        Level.BREAKING,
        REQ,
        Kind.PROPERTY,
        property_added_required,
    ),
    Rule(
        "request-property-added-optional", Level.INFO, REQ, Kind.PROPERTY, property_added_optional
    ),
    Rule("response-property-added", Level.INFO, RES, Kind.PROPERTY, property_added),
    Rule("request-type-changed", Level.BREAKING, REQ, Kind.SCHEMA, type_changed),
    Rule("response-type-changed", Level.BREAKING, RES, Kind.SCHEMA, type_changed),
    Rule("request-type-widened", Level.INFO, REQ, Kind.SCHEMA, type_widened),
    Rule("response-type-widened", Level.BREAKING, RES, Kind.SCHEMA, type_widened),
    Rule("request-type-narrowed", Level.BREAKING, REQ, Kind.SCHEMA, type_narrowed),
    Rule("response-type-narrowed", Level.INFO, RES, Kind.SCHEMA, type_narrowed),
    Rule("request-enum-narrowed", Level.BREAKING, REQ, Kind.SCHEMA, enum_narrowed),
    Rule("response-enum-narrowed", Level.INFO, RES, Kind.SCHEMA, enum_narrowed),
    Rule("request-enum-widened", Level.INFO, REQ, Kind.SCHEMA, enum_widened),
    Rule("response-enum-widened", Level.WARNING, RES, Kind.SCHEMA, enum_widened),
    Rule("request-max-length-tightened", Level.BREAKING, REQ, Kind.SCHEMA, max_length_tightened),
    Rule("response-max-length-tightened", Level.INFO, RES, Kind.SCHEMA, max_length_tightened),
    Rule("request-max-length-loosened", Level.INFO, REQ, Kind.SCHEMA, max_length_loosened),
    Rule("response-max-length-loosened", Level.WARNING, RES, Kind.SCHEMA, max_length_loosened),
    Rule("request-min-length-tightened", Level.BREAKING, REQ, Kind.SCHEMA, min_length_tightened),
    Rule("response-min-length-tightened", Level.INFO, RES, Kind.SCHEMA, min_length_tightened),
    Rule("request-min-length-loosened", Level.INFO, REQ, Kind.SCHEMA, min_length_loosened),
    Rule("response-min-length-loosened", Level.WARNING, RES, Kind.SCHEMA, min_length_loosened),
    Rule("request-maximum-tightened", Level.BREAKING, REQ, Kind.SCHEMA, maximum_tightened),
    Rule("response-maximum-tightened", Level.INFO, RES, Kind.SCHEMA, maximum_tightened),
    Rule("request-maximum-loosened", Level.INFO, REQ, Kind.SCHEMA, maximum_loosened),
    Rule("response-maximum-loosened", Level.WARNING, RES, Kind.SCHEMA, maximum_loosened),
    Rule("request-minimum-tightened", Level.BREAKING, REQ, Kind.SCHEMA, minimum_tightened),
    Rule("response-minimum-tightened", Level.INFO, RES, Kind.SCHEMA, minimum_tightened),
    Rule("request-minimum-loosened", Level.INFO, REQ, Kind.SCHEMA, minimum_loosened),
    Rule("response-minimum-loosened", Level.WARNING, RES, Kind.SCHEMA, minimum_loosened),
    Rule("request-max-items-tightened", Level.BREAKING, REQ, Kind.SCHEMA, max_items_tightened),
    Rule("response-max-items-tightened", Level.INFO, RES, Kind.SCHEMA, max_items_tightened),
    Rule("request-max-items-loosened", Level.INFO, REQ, Kind.SCHEMA, max_items_loosened),
    Rule("response-max-items-loosened", Level.WARNING, RES, Kind.SCHEMA, max_items_loosened),
    Rule("request-min-items-tightened", Level.BREAKING, REQ, Kind.SCHEMA, min_items_tightened),
    Rule("response-min-items-tightened", Level.INFO, RES, Kind.SCHEMA, min_items_tightened),
    Rule("request-min-items-loosened", Level.INFO, REQ, Kind.SCHEMA, min_items_loosened),
    Rule("response-min-items-loosened", Level.WARNING, RES, Kind.SCHEMA, min_items_loosened),
    Rule(
        "request-exclusive-maximum-tightened",
        Level.BREAKING,
        REQ,
        Kind.SCHEMA,
        exclusive_maximum_tightened,
    ),
    Rule(
        "response-exclusive-maximum-tightened",
        Level.INFO,
        RES,
        Kind.SCHEMA,
        exclusive_maximum_tightened,
    ),
    Rule(
        "request-exclusive-maximum-loosened",
        Level.INFO,
        REQ,
        Kind.SCHEMA,
        exclusive_maximum_loosened,
    ),
    Rule(
        "response-exclusive-maximum-loosened",
        Level.WARNING,
        RES,
        Kind.SCHEMA,
        exclusive_maximum_loosened,
    ),
    Rule(
        "request-exclusive-minimum-tightened",
        Level.BREAKING,
        REQ,
        Kind.SCHEMA,
        exclusive_minimum_tightened,
    ),
    Rule(
        "response-exclusive-minimum-tightened",
        Level.INFO,
        RES,
        Kind.SCHEMA,
        exclusive_minimum_tightened,
    ),
    Rule(
        "request-exclusive-minimum-loosened",
        Level.INFO,
        REQ,
        Kind.SCHEMA,
        exclusive_minimum_loosened,
    ),
    Rule(
        "response-exclusive-minimum-loosened",
        Level.WARNING,
        RES,
        Kind.SCHEMA,
        exclusive_minimum_loosened,
    ),
    Rule("request-pattern-added", Level.BREAKING, REQ, Kind.SCHEMA, pattern_added),
    Rule("response-pattern-added", Level.INFO, RES, Kind.SCHEMA, pattern_added),
    Rule("request-pattern-removed", Level.INFO, REQ, Kind.SCHEMA, pattern_removed),
    Rule("response-pattern-removed", Level.WARNING, RES, Kind.SCHEMA, pattern_removed),
    Rule("request-pattern-narrowed", Level.BREAKING, REQ, Kind.SCHEMA, pattern_narrowed),
    Rule("response-pattern-narrowed", Level.INFO, RES, Kind.SCHEMA, pattern_narrowed),
    Rule("request-pattern-widened", Level.INFO, REQ, Kind.SCHEMA, pattern_widened),
    Rule("response-pattern-widened", Level.WARNING, RES, Kind.SCHEMA, pattern_widened),
    # Undecidable: the request side assumes the worst.
    Rule("request-pattern-changed", Level.BREAKING, REQ, Kind.SCHEMA, pattern_changed),
    Rule("response-pattern-changed", Level.WARNING, RES, Kind.SCHEMA, pattern_changed),
    Rule("request-default-changed", Level.WARNING, REQ, Kind.SCHEMA, default_changed),
    Rule("response-default-changed", Level.INFO, RES, Kind.SCHEMA, default_changed),
    Rule("request-const-changed", Level.BREAKING, REQ, Kind.SCHEMA, const_changed),
    Rule("response-const-changed", Level.BREAKING, RES, Kind.SCHEMA, const_changed),
    Rule("request-properties-closed", Level.BREAKING, REQ, Kind.SCHEMA, properties_closed),
    Rule("response-properties-closed", Level.INFO, RES, Kind.SCHEMA, properties_closed),
    Rule("request-properties-opened", Level.INFO, REQ, Kind.SCHEMA, properties_opened),
    Rule("response-properties-opened", Level.WARNING, RES, Kind.SCHEMA, properties_opened),
    Rule(
        "request-dependent-required-added",
        Level.BREAKING,
        REQ,
        Kind.SCHEMA,
        dependent_required_added,
    ),
    Rule(
        "response-dependent-required-added", Level.INFO, RES, Kind.SCHEMA, dependent_required_added
    ),
    Rule(
        "request-dependent-required-removed",
        Level.INFO,
        REQ,
        Kind.SCHEMA,
        dependent_required_removed,
    ),
    Rule(
        "response-dependent-required-removed",
        Level.BREAKING,
        RES,
        Kind.SCHEMA,
        dependent_required_removed,
    ),
    Rule("request-conditional-added", Level.BREAKING, REQ, Kind.SCHEMA, conditional_added),
    Rule("response-conditional-added", Level.INFO, RES, Kind.SCHEMA, conditional_added),
    Rule("request-conditional-removed", Level.INFO, REQ, Kind.SCHEMA, conditional_removed),
    Rule("response-conditional-removed", Level.BREAKING, RES, Kind.SCHEMA, conditional_removed),
    # Undecidable which values move between `then` and `else`: both sides assume the worst.
    Rule("request-condition-changed", Level.BREAKING, REQ, Kind.SCHEMA, condition_changed),
    Rule("response-condition-changed", Level.BREAKING, RES, Kind.SCHEMA, condition_changed),
    Rule("request-alternative-removed", Level.BREAKING, REQ, Kind.ALTERNATIVE, alternative_removed),
    Rule("response-alternative-removed", Level.INFO, RES, Kind.ALTERNATIVE, alternative_removed),
    Rule("request-alternative-added", Level.INFO, REQ, Kind.ALTERNATIVE, alternative_added),
    Rule(
        "request-alternative-overlapped",
        Level.BREAKING,
        REQ,
        Kind.OVERLAP_GAINED,
        alternative_overlapped,
    ),
    Rule(
        "response-alternative-overlapped",
        Level.INFO,
        RES,
        Kind.OVERLAP_GAINED,
        alternative_overlapped,
    ),
    Rule(
        "request-alternative-overlap-removed",
        Level.INFO,
        REQ,
        Kind.OVERLAP_LOST,
        alternative_overlap_removed,
    ),
    Rule(
        "response-alternative-overlap-removed",
        Level.WARNING,
        RES,
        Kind.OVERLAP_LOST,
        alternative_overlap_removed,
    ),
    Rule("response-alternative-added", Level.BREAKING, RES, Kind.ALTERNATIVE, alternative_added),
    Rule(
        "security-scheme-removed",
        Level.BREAKING,
        REQ,
        Kind.SECURITY_SCHEME,
        security_scheme_removed,
    ),
    Rule(
        "security-scheme-renamed",
        Level.BREAKING,
        REQ,
        Kind.SECURITY_SCHEME,
        security_scheme_renamed,
    ),
    Rule(
        "security-scheme-changed",
        Level.BREAKING,
        REQ,
        Kind.SECURITY_SCHEME,
        security_scheme_changed,
    ),
    Rule("security-scheme-added", Level.INFO, REQ, Kind.SECURITY_SCHEME, security_scheme_added),
    Rule(
        "security-api-key-query-dropped",
        Level.BREAKING,
        REQ,
        Kind.OPERATION_SECURITY,
        security_api_key_query_dropped,
    ),
    Rule(
        "security-api-key-header-dropped",
        Level.BREAKING,
        REQ,
        Kind.OPERATION_SECURITY,
        security_api_key_header_dropped,
    ),
    Rule(
        "security-method-dropped",
        Level.BREAKING,
        REQ,
        Kind.OPERATION_SECURITY,
        security_method_dropped,
    ),
    Rule("security-method-added", Level.INFO, REQ, Kind.OPERATION_SECURITY, security_method_added),
    Rule(
        "security-preferred-method-changed",
        Level.INFO,
        REQ,
        Kind.OPERATION_SECURITY,
        security_preferred_method_changed,
    ),
    Rule(
        "security-requirement-tightened",
        Level.BREAKING,
        REQ,
        Kind.OPERATION_SECURITY,
        security_requirement_tightened,
    ),
    Rule(
        "security-requirement-loosened",
        Level.INFO,
        REQ,
        Kind.OPERATION_SECURITY,
        security_requirement_loosened,
    ),
    Rule("security-key-prefix-changed", Level.BREAKING, REQ, Kind.KEY_SCHEMA, key_prefix_changed),
    Rule("security-key-pattern-changed", Level.BREAKING, REQ, Kind.KEY_SCHEMA, key_pattern_changed),
    Rule("auth-outcome-removed", Level.BREAKING, RES, Kind.AUTH_OUTCOME, auth_outcome_removed),
    Rule("auth-outcome-added", Level.INFO, RES, Kind.AUTH_OUTCOME, auth_outcome_added),
    Rule("auth-status-changed", Level.BREAKING, RES, Kind.AUTH_OUTCOME, auth_status_changed),
    Rule("auth-message-removed", Level.BREAKING, RES, Kind.AUTH_OUTCOME, auth_message_removed),
    Rule("auth-message-added", Level.WARNING, RES, Kind.AUTH_OUTCOME, auth_message_added),
    Rule(
        "auth-condition-outcome-changed",
        Level.BREAKING,
        RES,
        Kind.AUTH_CONDITION,
        auth_condition_outcome_changed,
    ),
    Rule("auth-condition-removed", Level.WARNING, RES, Kind.AUTH_CONDITION, auth_condition_removed),
    Rule("auth-condition-added", Level.WARNING, RES, Kind.AUTH_CONDITION, auth_condition_added),
    Rule(
        "auth-schema-message-removed",
        Level.BREAKING,
        RES,
        Kind.AUTH_MESSAGES,
        auth_schema_message_removed,
    ),
    Rule(
        "auth-schema-message-added",
        Level.WARNING,
        RES,
        Kind.AUTH_MESSAGES,
        auth_schema_message_added,
    ),
)

# Request rules whose mirror is not simply `response-` + the rest of the id.
MIRRORS: Final[Mapping[str, str]] = {
    "request-param-removed": "response-header-removed",
    "request-param-added-required": "response-header-added",
    "request-param-added-optional": "response-header-added",
    "request-param-became-required": "response-header-became-required",
    "request-param-became-optional": "response-header-became-optional",
    "request-property-refused": "response-property-removed",
    "request-property-added-required": "response-property-added",
    "request-property-added-optional": "response-property-added",
}

_W_OP: Final = (
    "an operation is one request and its responses; its removal or addition is reported once"
)

_W_RATE: Final = (
    "a rate limit bounds what the client sends; what it receives shows in"
    " the rate_limit body schema and the X-RateLimit-* headers"
)

_W_SEC: Final = (
    "credentials travel only in requests; the auth-* rules judge the errors the client receives"
)

_W_SERVER: Final = "a server is where requests go; a response has no server of its own"

_W_REN: Final = (
    "a response header cannot be matched across a rename;"
    " response-header-removed and response-header-added report it"
)

# Request rules with no response mirror, and why.
WAIVERS: Final[Mapping[str, str]] = {
    "operation-removed": _W_OP,
    "operation-added": _W_OP,
    "rate-limit-lowered": _W_RATE,
    "rate-limit-raised": _W_RATE,
    "rate-limit-policy-changed": _W_RATE,
    "request-param-renamed": _W_REN,
    "server-removed": _W_SERVER,
    "server-added": _W_SERVER,
    "security-requirement-tightened": _W_SEC,
    "security-requirement-loosened": _W_SEC,
    "security-scheme-removed": _W_SEC,
    "security-scheme-renamed": _W_SEC,
    "security-scheme-changed": _W_SEC,
    "security-scheme-added": _W_SEC,
    "security-api-key-query-dropped": _W_SEC,
    "security-api-key-header-dropped": _W_SEC,
    "security-method-dropped": _W_SEC,
    "security-method-added": _W_SEC,
    "security-preferred-method-changed": _W_SEC,
    "security-key-prefix-changed": _W_SEC,
    "security-key-pattern-changed": _W_SEC,
}


def mirror_of(rule: Rule) -> str | None:
    """The id of the response rule that judges the same change as a request rule."""
    if rule.direction is not Direction.REQUEST or rule.id in WAIVERS:
        return None
    return MIRRORS.get(rule.id, rule.id.replace("request-", "response-", 1))
