"""The contract as data: the OpenAPI document, its schemas and the auth table, loaded once."""

from __future__ import annotations

from nbkit.contract.auth_table import AuthTable, Expectation, load_auth_table
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
from nbkit.contract.openapi import Operation, load_openapi, operations
from nbkit.contract.validate import schema, validator

__all__ = [
    "AUTH_TABLE_FILE",
    "CONFLICTS_FILE",
    "CONTRACTS_DIR",
    "CONTRACT_FILE",
    "HISTORY_DIR",
    "SCHEMAS_DIR",
    "AuthTable",
    "Expectation",
    "Operation",
    "dereference",
    "load_auth_table",
    "load_openapi",
    "operations",
    "read_document",
    "schema",
    "validator",
]
