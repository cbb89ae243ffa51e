"""Who may see and enter results: pure predicates over a user (None when anonymous)."""

from __future__ import annotations

from portal.auth.permissions import Actor, can_view_results, is_partner, is_staff

__all__ = ["can_enter_results", "can_view_partner_results", "can_view_results"]


def can_enter_results(user: Actor | None) -> bool:
    """Baselines, targets and staff-entered values: UNV staff and administrators."""
    return is_staff(user)


def can_view_partner_results(user: Actor | None) -> bool:
    """A partner focal point sees their own organisation's partner-survey results."""
    return is_partner(user) and getattr(user, "organisation_id", None) is not None
