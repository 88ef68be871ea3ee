"""Key roles: which kind of key a request carries, with its variable, condition and placeholder.

This is the one table of roles. The target reads each role's key from its
`NB_*` variable, the suite judges it by its `contracts/auth.yaml` condition,
and a cassette keeps it as its placeholder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from nbkit.keys import PREFIX
from nbkit.types import StrEnum

__all__ = ["ROLES_FROM_TARGET", "AuthKeys", "KeyRole", "role_of_placeholder"]


class KeyRole(StrEnum):
    """Which kind of key a request carries."""

    VALID = "valid"
    NO_PLAN = "no-plan"
    INACTIVE = "inactive"
    REVOKED = "revoked"
    OTHER_USER = "other-user"
    UNKNOWN = "unknown"
    MALFORMED = "malformed"
    NONE = "none"

    @property
    def variable(self) -> str | None:
        """The `NB_*` variable that gives this role's key; None for a key nbkit makes."""
        return _VARIABLES.get(self)

    @property
    def condition(self) -> str:
        """The `contracts/auth.yaml` condition a request with this role's key falls under."""
        return _CONDITIONS[self]

    @property
    def placeholder(self) -> str | None:
        """What stands for this role's key in a cassette; None for no key."""
        return _PLACEHOLDERS.get(self)


_VARIABLES: Final = {
    KeyRole.VALID: "NB_API_KEY",
    KeyRole.NO_PLAN: "NB_API_KEY_NO_PLAN",
    KeyRole.INACTIVE: "NB_API_KEY_INACTIVE",
    KeyRole.REVOKED: "NB_API_KEY_REVOKED",
    KeyRole.OTHER_USER: "NB_API_KEY_OTHER",
}
# The other user's key is as valid as the first: only what it may see differs.
_CONDITIONS: Final = {
    KeyRole.VALID: "valid-key",
    KeyRole.NO_PLAN: "plan-without-api-access",
    KeyRole.INACTIVE: "inactive-user",
    KeyRole.REVOKED: "revoked-key",
    KeyRole.OTHER_USER: "valid-key",
    KeyRole.UNKNOWN: "unknown-key",
    KeyRole.MALFORMED: "key-without-prefix",
    KeyRole.NONE: "no-credential",
}
# Each placeholder carries the word PLACEHOLDER, which the audit classifies as a
# placeholder; the malformed key has no prefix, and neither has its placeholder.
_PLACEHOLDERS: Final = {
    KeyRole.VALID: f"{PREFIX}PLACEHOLDER_VALID",
    KeyRole.NO_PLAN: f"{PREFIX}PLACEHOLDER_NO_PLAN",
    KeyRole.INACTIVE: f"{PREFIX}PLACEHOLDER_INACTIVE",
    KeyRole.REVOKED: f"{PREFIX}PLACEHOLDER_REVOKED",
    KeyRole.OTHER_USER: f"{PREFIX}PLACEHOLDER_OTHER",
    KeyRole.UNKNOWN: f"{PREFIX}PLACEHOLDER_UNKNOWN",
    KeyRole.MALFORMED: "PLACEHOLDER_MALFORMED",
}

# The roles whose keys a target gives (through their variables), in the target interface's order.
ROLES_FROM_TARGET: Final = tuple(role for role in KeyRole if role.variable is not None)


def role_of_placeholder(value: str) -> KeyRole | None:
    """The role a placeholder stands for, or None when `value` is no role's placeholder."""
    return next((role for role in KeyRole if role.placeholder == value), None)


@dataclass(frozen=True, slots=True)
class AuthKeys:
    """The keys a target gives, by role; its repr never shows a key."""

    by_role: Mapping[KeyRole, str] = field(default_factory=dict, repr=False)

    def get(self, role: KeyRole) -> str | None:
        """The key of `role`, or None when the target does not give it."""
        return self.by_role.get(role)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AuthKeys:
        """The keys the roles' NB_* variables give (blank counts as unset)."""
        found = {}
        for role in ROLES_FROM_TARGET:
            value = env.get(role.variable or "", "").strip()
            if value:
                found[role] = value
        return cls(found)
