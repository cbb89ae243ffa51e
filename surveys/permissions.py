"""Who may do what with surveys: pure predicates over a user (None when anonymous)."""

from __future__ import annotations

from typing import Any, Protocol

from portal.auth.permissions import is_admin, is_partner, is_staff


class Actor(Protocol):
    role: str
    organisation_id: int | None
    office_id: int | None


def can_manage_campaigns(user: Actor | None) -> bool:
    """Create, open and close campaigns, upload rosters, send mail, see progress and export."""
    return is_staff(user)


def can_author_surveys(user: Actor | None) -> bool:
    """See every version of every survey, upload and download XLSForms, compare and preview."""
    return is_staff(user)


def can_export_identifiable(user: Actor | None) -> bool:
    """The identifiable export (response ids, exact attributes, free text beside them): an
    administrator's access, audited on its own; staff get the anonymous export only."""
    return is_admin(user)


def can_answer_office_surveys(user: Actor | None) -> bool:
    """Partner focal points see their office's open partner surveys ("My surveys")."""
    return is_partner(user)


def can_answer_for_office(user: Actor | None, office: Any) -> bool:
    """A partner answers only for the office their account belongs to."""
    return (
        is_partner(user)
        and office is not None
        and user is not None
        and getattr(user, "office_id", None) == office.id
        and user.organisation_id == office.organisation_id
    )


def can_continue_invitation(user: Actor | None, bound_user_id: int | None) -> bool:
    """A survey opened from an account can be continued by that account only; one opened from a
    link by whoever holds the browser session it was bound to."""
    if bound_user_id is None:
        return True
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "id", None) == (
        bound_user_id
    )
