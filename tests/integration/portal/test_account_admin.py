"""Account administration by administrators: search, role and organisation, deactivation and
reactivation, forced password resets, the guard rails, and the same actions on the command line."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.auth import accounts, directory, tokens
from portal.models import ApiToken, AuditEvent, User
from tests.conftest import PASSWORD, csrf_from
from tests.factories import make_org, make_user
from tests.outbox_helpers import deliver_mail

NEW_PASSWORD = "a brand new passphrase"


def _sign_in(app, email: str, password: str = PASSWORD):
    client = app.test_client()
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_from(client, "/login")},
    )
    return client, response.status_code


def _post(client, path: str, **data: str):
    return client.post(path, data={**data, "csrf_token": csrf_from(client, "/account")})


def _events(session, action: str) -> list[AuditEvent]:
    session.rollback()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _reload(session, user_id: int) -> User:
    session.rollback()
    session.expire_all()  # objects committed earlier are not expired by a rollback
    return session.get(User, user_id)


def _people(session):
    unv = make_org(session, "unv", code="UNV")
    undp = make_org(session, "un_entity", code="UNDP", name="UN Development Programme")
    admin = make_user(session, "admin", org=unv, email="admin@example.org")
    partner = make_user(session, "partner", org=undp, email="focal@undp.example.org")
    session.commit()
    return admin, partner, unv, undp


def test_admin_finds_accounts_by_text_role_organisation_and_state(app, session) -> None:
    admin, partner, _unv, undp = _people(session)
    gone = make_user(session, "contributor", email="gone@example.org")
    gone.active = False
    session.commit()
    client, _ = _sign_in(app, admin.email)

    page = client.get("/admin/users?q=UNDP.example&role=partner&org=UNDP&state=active")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "focal@undp.example.org" in text and "gone@example.org" not in text
    assert "1 account found." in text
    inactive = client.get("/admin/users?state=inactive").get_data(as_text=True)
    assert "gone@example.org" in inactive and "focal@undp.example.org" not in inactive


def test_the_list_pages_through_many_accounts_in_address_order(app, session) -> None:
    for number in range(5):
        make_user(session, "staff", email=f"person{number}@example.org", password=None)
    session.commit()
    found = directory.find_users(session, directory.UserFilters(text="person"), 2, per_page=2)
    assert [user.email for user in found.items] == ["person2@example.org", "person3@example.org"]
    assert (found.total, found.pages) == (5, 3)
    beyond = directory.find_users(session, directory.UserFilters(text="person"), 99, per_page=2)
    assert (beyond.number, [user.email for user in beyond.items]) == (3, ["person4@example.org"])


def test_a_bad_filter_is_named_and_lists_nothing(app, session) -> None:
    admin, *_ = _people(session)
    client, _ = _sign_in(app, admin.email)
    page = client.get("/admin/users?role=emperor&page=99999999999999999999")
    assert page.status_code == 422
    assert "Not a valid choice" in page.get_data(as_text=True)


def test_role_and_organisation_change_together_with_one_event_each(app, session) -> None:
    admin, partner, unv, _undp = _people(session)
    client, _ = _sign_in(app, admin.email)
    response = _post(client, f"/admin/users/{partner.id}/account", role="staff", organisation="UNV")
    assert response.status_code == 302
    changed = _reload(session, partner.id)
    assert (changed.role, changed.organisation_id) == ("staff", unv.id)
    [role_event] = _events(session, "auth.role_changed")
    assert (role_event.actor_id, role_event.object_id) == (admin.id, partner.id)
    assert role_event.details == {"before": "partner", "after": "staff"}
    [org_event] = _events(session, "auth.organisation_changed")
    assert org_event.details["after"] == unv.id


def test_a_partner_without_organisation_is_refused_and_nothing_changes(app, session) -> None:
    admin, partner, *_ = _people(session)
    client, _ = _sign_in(app, admin.email)
    response = _post(client, f"/admin/users/{partner.id}/account", role="partner", organisation="")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A partner account needs an organisation" in page
    assert _reload(session, partner.id).organisation_id is not None
    assert _events(session, "auth.organisation_changed") == []


def test_deactivation_ends_sessions_and_tokens_at_once_and_reactivation_revives_neither(
    app, session
) -> None:
    admin, partner, *_ = _people(session)
    token = tokens.create_api_token(session, None, partner, "script")
    session.commit()
    theirs, status = _sign_in(app, partner.email)
    assert status == 302 and theirs.get("/account").status_code == 200
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/openapi.json", headers=bearer).status_code == 200
    client, _ = _sign_in(app, admin.email)

    unconfirmed = _post(client, f"/admin/users/{partner.id}/deactivate")
    assert unconfirmed.status_code == 422 and _reload(session, partner.id).active
    assert _post(client, f"/admin/users/{partner.id}/deactivate", confirm="y").status_code == 302

    assert theirs.get("/account").status_code == 302  # back to the sign-in page
    assert _sign_in(app, partner.email)[1] == 401
    [event] = _events(session, "auth.user_deactivated")
    assert event.details == {"tokens_revoked": 1}
    assert _post(client, f"/admin/users/{partner.id}/reactivate").status_code == 302
    assert _reload(session, partner.id).active
    assert theirs.get("/account").status_code == 302  # the old cookie stays dead
    assert accounts.user_for_api_token(session, token) is None
    assert _sign_in(app, partner.email)[1] == 302


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(app, session) -> None:
    admin, *_ = _people(session)
    client, _ = _sign_in(app, admin.email)
    path = f"/admin/users/{admin.id}"
    for action, data in (
        ("account", {"role": "staff", "organisation": "UNV", "confirm_self": "y"}),
        ("deactivate", {"confirm": "y", "confirm_self": "y"}),
    ):
        response = _post(client, f"{path}/{action}", **data)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "admin@example.org is the last active administrator" in page
    still = _reload(session, admin.id)
    assert (still.role, still.active) == ("admin", True)


def test_an_admin_removes_their_own_access_only_when_they_confirm_it(app, session) -> None:
    admin, *_ = _people(session)
    make_user(session, "admin", email="second@example.org")
    session.commit()
    client, _ = _sign_in(app, admin.email)
    path = f"/admin/users/{admin.id}/account"
    response = _post(client, path, role="staff", organisation="UNV")
    assert "take your own administrator access away" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert _reload(session, admin.id).role == "admin"
    _post(client, path, role="staff", organisation="UNV", confirm_self="y")
    assert _reload(session, admin.id).role == "staff"
    assert client.get("/admin/users").status_code == 403


def test_a_forced_reset_stops_the_password_and_mails_a_link_in_the_owners_language(
    app, session, smtp_server
) -> None:
    admin, partner, *_ = _people(session)
    partner.locale = "fr"
    tokens.create_api_token(session, None, partner, "script")
    session.commit()
    theirs, _ = _sign_in(app, partner.email)
    client, _ = _sign_in(app, admin.email)
    path = f"/admin/users/{partner.id}/reset-password"
    assert _post(client, path, confirm="y").status_code == 302

    assert theirs.get("/account").status_code == 302
    assert _sign_in(app, partner.email)[1] == 401
    assert session.scalar(select(ApiToken.revoked_at)) is not None
    deliver_mail(app)
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["focal@undp.example.org"]
    assert message["Subject"] == (
        "Votre mot de passe pour le Portail des résultats du VNU a été réinitialisé"
    )
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"https://portal\.example\.org(/password/reset/\S+)", text).group(1)
    reset = app.test_client()
    form = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert reset.post(link, data={**form, "csrf_token": csrf_from(reset, link)}).status_code == 302
    assert _sign_in(app, partner.email, NEW_PASSWORD)[1] == 302
    [event] = _events(session, "auth.password_reset_forced")
    assert (event.actor_id, event.details) == (admin.id, {"tokens_revoked": 1})


def test_a_deactivated_account_is_not_reset(app, session) -> None:
    admin, partner, *_ = _people(session)
    partner.active = False
    session.commit()
    client, _ = _sign_in(app, admin.email)
    response = _post(client, f"/admin/users/{partner.id}/reset-password", confirm="y")
    assert "reactivate the account before" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert _reload(session, partner.id).password_hash is not None


def test_staff_who_are_not_admins_cannot_administer_accounts(app, session) -> None:
    _admin, partner, *_ = _people(session)
    staff = make_user(session, "staff")
    session.commit()
    client, _ = _sign_in(app, staff.email)
    assert client.get("/admin/users").status_code == 403
    assert _post(client, f"/admin/users/{partner.id}/deactivate", confirm="y").status_code == 403
    assert _reload(session, partner.id).active


def test_the_command_line_runs_the_same_actions_with_the_same_events(app, runner, session) -> None:
    admin, partner, *_ = _people(session)
    commands = [
        ["update-user", partner.email, "--role", "contributor"],
        ["deactivate-user", partner.email],
        ["reactivate-user", partner.email],
        ["reset-password", partner.email],
    ]
    for args in commands:
        result = runner.invoke(args=["portal", *args])
        assert result.exit_code == 0, result.output
    listed = runner.invoke(args=["portal", "list-users", "--role", "contributor"])
    assert listed.output == "focal@undp.example.org\tcontributor\tUNDP\tactive\n"
    session.rollback()
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == partner.id).order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "auth.role_changed",
        "auth.user_deactivated",
        "auth.user_reactivated",
        "auth.password_reset_forced",
    ]
    assert _reload(session, partner.id).password_hash is None


def test_the_command_line_keeps_the_last_admin_too(app, runner, session) -> None:
    admin, *_ = _people(session)
    result = runner.invoke(args=["portal", "deactivate-user", admin.email])
    assert result.exit_code == 1
    assert "admin@example.org is the last active administrator" in result.output
    result = runner.invoke(args=["portal", "update-user", admin.email, "--role", "partner"])
    assert result.exit_code == 1 and "last active administrator" in result.output
    assert _reload(session, admin.id).active


def test_a_new_organisation_lets_go_of_an_office_of_the_old_one(app, session) -> None:
    admin, partner, _unv, undp = _people(session)
    office = accounts.add_office(session, undp, "country", "KEN", "UNDP Kenya")
    partner.office_id = office.id
    unicef = make_org(session, "un_entity", code="UNICEF")
    session.commit()
    client, _ = _sign_in(app, admin.email)
    path = f"/admin/users/{partner.id}/account"
    assert _post(client, path, role="partner", organisation="UNICEF").status_code == 302
    moved = _reload(session, partner.id)
    assert (moved.organisation_id, moved.office_id) == (unicef.id, None)
