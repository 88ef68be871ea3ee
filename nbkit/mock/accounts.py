"""Users, plans and keys of the mock; keys are kept only as SHA-256 digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Final

from nbkit.keys import new_key

__all__ = ["PLANS", "AccountStore", "Plan", "User", "find_plan", "has_api_access"]


@dataclass(frozen=True, slots=True)
class Plan:
    """A subscription plan; only API / Build's price is documented (API-FACTS 3.3)."""

    id: str
    name: str
    price_eur: Decimal


# Basic and Pro prices are not documented; they are set below the API plan so
# that both the default rule and the literal 89 EUR rule refuse them.
PLANS: Final = (
    Plan("free", "Free", Decimal("0")),
    Plan("basic", "Basic", Decimal("9.99")),
    Plan("pro", "Pro", Decimal("29.99")),
    Plan("api", "API / Build", Decimal("59.99")),
)


def find_plan(plan_id: str) -> Plan:
    """The plan with this id; raises KeyError naming the known ids."""
    for plan in PLANS:
        if plan.id == plan_id:
            return plan
    raise KeyError(f"unknown plan {plan_id!r}; known: {', '.join(p.id for p in PLANS)}")


def has_api_access(plan: Plan, *, api_plans: frozenset[str], threshold_eur: Decimal | None) -> bool:
    """Whether a plan may call the API: by price threshold if one is set, else by plan id."""
    if threshold_eur is not None:
        # The literal rule of API-FACTS 3.3 (C11): refused when the price is below it.
        return plan.price_eur >= threshold_eur
    return plan.id in api_plans


def _digest(key: bytes) -> bytes:
    return hashlib.sha256(key).digest()


@dataclass(frozen=True, slots=True)
class User:
    """An account: its plan, whether it is active, and the digest of its current key."""

    id: str
    plan: Plan
    active: bool
    key_digest: bytes = field(repr=False)
    retired_digests: tuple[bytes, ...] = field(default=(), repr=False)


class AccountStore:
    """The users; it never holds a key, only SHA-256 digests of keys."""

    __slots__ = ("_by_digest", "_retired", "_users")

    def __init__(self) -> None:
        self._users: dict[str, User] = {}
        self._by_digest: dict[bytes, str] = {}
        self._retired: dict[bytes, str] = {}

    def create(self, *, plan: Plan, active: bool = True) -> tuple[User, str]:
        """Add a user; return it and its key, which the store does not keep."""
        key = new_key()
        user = User(f"usr_{secrets.token_hex(6)}", plan, active, _digest(key.encode()))
        self._users[user.id] = user
        self._by_digest[user.key_digest] = user.id
        return user, key

    def get(self, user_id: str) -> User:
        """The user with this id; raises KeyError."""
        return self._users[user_id]

    def users(self) -> tuple[User, ...]:
        """Every user, in creation order."""
        return tuple(self._users.values())

    def regenerate(self, user_id: str) -> str:
        """Give the user a new key; the old one stops working at once (API-FACTS 3.2)."""
        user = self._users[user_id]
        key = new_key()
        del self._by_digest[user.key_digest]
        self._retired[user.key_digest] = user.id
        updated = replace(
            user,
            key_digest=_digest(key.encode()),
            retired_digests=(*user.retired_digests, user.key_digest),
        )
        self._users[user_id] = updated
        self._by_digest[updated.key_digest] = user_id
        return key

    def set_plan(self, user_id: str, plan: Plan) -> User:
        """Move the user to another plan."""
        user = replace(self._users[user_id], plan=plan)
        self._users[user_id] = user
        return user

    def set_active(self, user_id: str, active: bool) -> User:
        """Activate or deactivate the user."""
        user = replace(self._users[user_id], active=active)
        self._users[user_id] = user
        return user

    def find(self, key: bytes, *, include_retired: bool = False) -> User | None:
        """The user whose current key this is (or a retired one, if asked), else None.

        The dicts are keyed by digest, so lookup timing can reveal at most a
        prefix of a SHA-256 digest, never of the key; the final comparison is
        constant-time.
        """
        digest = _digest(key)
        user_id = self._by_digest.get(digest)
        if user_id is not None:
            user = self._users[user_id]
            return user if hmac.compare_digest(user.key_digest, digest) else None
        if include_retired:
            user_id = self._retired.get(digest)
            if user_id is not None:
                user = self._users[user_id]
                matches = any(hmac.compare_digest(old, digest) for old in user.retired_digests)
                return user if matches else None
        return None
