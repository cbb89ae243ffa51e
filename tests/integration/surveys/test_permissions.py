"""Survey permissions as pure predicates, without the app."""

from __future__ import annotations

from dataclasses import dataclass

from surveys import permissions


@dataclass
class User:
    role: str
    organisation_id: int | None = 1
    office_id: int | None = 10
    id: int = 7
    is_authenticated: bool = True


@dataclass
class Office:
    id: int = 10
    organisation_id: int = 1


def test_only_staff_and_admins_manage_campaigns() -> None:
    allowed = {
        role
        for role in ("admin", "staff", "partner", "contributor")
        if permissions.can_manage_campaigns(User(role))
    }
    assert allowed == {"admin", "staff"}
    assert not permissions.can_manage_campaigns(None)


def test_a_partner_answers_only_for_their_own_office() -> None:
    assert permissions.can_answer_for_office(User("partner"), Office())
    assert not permissions.can_answer_for_office(User("partner", office_id=11), Office())
    assert not permissions.can_answer_for_office(User("partner", organisation_id=2), Office())
    assert not permissions.can_answer_for_office(User("staff"), Office())
    assert not permissions.can_answer_for_office(User("partner"), None)


def test_an_account_bound_survey_continues_only_for_that_account() -> None:
    assert permissions.can_continue_invitation(None, None)
    assert permissions.can_continue_invitation(User("partner", id=7), 7)
    assert not permissions.can_continue_invitation(User("partner", id=8), 7)
    assert not permissions.can_continue_invitation(None, 7)
