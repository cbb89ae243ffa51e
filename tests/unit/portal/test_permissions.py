"""Permission predicates, without the app."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal.auth import permissions


@dataclass
class FakeUser:
    role: str
    organisation_id: int | None = 1
    is_authenticated: bool = True


class Anonymous:
    is_authenticated = False
    role = None
    organisation_id = None


EXPECTED = {
    # predicate: roles allowed
    "is_staff": {"staff", "admin"},
    "is_admin": {"admin"},
    "is_partner": {"partner"},
    "can_view_results": {"staff", "admin"},
    "can_contribute_knowledge": {"contributor", "staff", "admin"},
    "can_decide_account_requests": {"staff", "admin"},
    "can_manage_users": {"admin"},
    "can_read_audit_log": {"admin"},
    "can_merge_organisations": {"staff", "admin"},
    "is_signed_in": {"partner", "contributor", "staff", "admin"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_predicates_allow_exactly_the_expected_roles(name: str) -> None:
    predicate = getattr(permissions, name)
    allowed = {
        role for role in ("partner", "contributor", "staff", "admin") if predicate(FakeUser(role))
    }
    assert allowed == EXPECTED[name]
    assert predicate(Anonymous()) is False
    assert predicate(None) is False
