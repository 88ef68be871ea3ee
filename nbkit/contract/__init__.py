"""The contract as data, loaded once, and the API model every other part uses."""

from __future__ import annotations

from nbkit.contract.auth_table import AuthTable, Expectation, Method, load_auth_table
from nbkit.contract.conformance import CHECKS, Deviation, Exchange, deviations, locate
from nbkit.contract.load import (
    AUTH_TABLE_FILE,
    CONFLICTS_FILE,
    CONTRACT_FILE,
    CONTRACTS_DIR,
    HISTORY_DIR,
    SCHEMAS_DIR,
    dereference,
    read_document,
)
from nbkit.contract.message import Request, Response
from nbkit.contract.openapi import (
    Operation,
    api_prefix,
    documented_base_url,
    load_openapi,
    operation,
    operations,
)
from nbkit.contract.roles import KeyRole
from nbkit.contract.validate import schema, validator

__all__ = [
    "AUTH_TABLE_FILE",
    "CHECKS",
    "CONFLICTS_FILE",
    "CONTRACTS_DIR",
    "CONTRACT_FILE",
    "HISTORY_DIR",
    "SCHEMAS_DIR",
    "AuthTable",
    "Deviation",
    "Exchange",
    "Expectation",
    "KeyRole",
    "Method",
    "Operation",
    "Request",
    "Response",
    "api_prefix",
    "dereference",
    "deviations",
    "documented_base_url",
    "load_auth_table",
    "load_openapi",
    "locate",
    "operation",
    "operations",
    "read_document",
    "schema",
    "validator",
]
