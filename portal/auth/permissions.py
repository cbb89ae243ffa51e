"""Who may do what: pure predicates over a user (None when anonymous), tested without the app."""

from __future__ import annotations

from typing import Protocol


class Actor(Protocol):
    role: str
    organisation_id: int | None


STAFF_ROLES = frozenset({"staff", "admin"})
CONTRIBUTOR_ROLES = frozenset({"contributor", "staff", "admin"})


def _role(user: Actor | None) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.role


def is_signed_in(user: Actor | None) -> bool:
    return _role(user) is not None


def is_staff(user: Actor | None) -> bool:
    """UNV staff and administrators: run campaigns, moderate, read results."""
    return _role(user) in STAFF_ROLES


def is_admin(user: Actor | None) -> bool:
    return _role(user) == "admin"


def is_partner(user: Actor | None) -> bool:
    return _role(user) == "partner"


def can_view_results(user: Actor | None) -> bool:
    """The results matrix, indicator pages, exports and the indicators API."""
    return is_staff(user)


def can_contribute_knowledge(user: Actor | None) -> bool:
    """Submit knowledge products (contributors from partner organisations, and staff)."""
    return _role(user) in CONTRIBUTOR_ROLES


def can_decide_account_requests(user: Actor | None) -> bool:
    return is_staff(user)


def can_manage_users(user: Actor | None) -> bool:
    """List and search accounts; change role and organisation; deactivate; force a reset."""
    return is_admin(user)


def can_merge_organisations(user: Actor | None) -> bool:
    """See the organisations with their likely duplicates, and merge one into another."""
    return is_staff(user)


def can_read_audit_log(user: Actor | None) -> bool:
    """Read and export the audit trail (it names who did what to whom): administrators only."""
    return is_admin(user)
