"""Account actions: one audit row each, alike from web and command line; mail after commit."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.auth import account_requests, passwords
from portal.auth.account_requests import NEW_ORGANISATION
from portal.db import database
from portal.models import AccountRequest, ApiToken, AuditEvent, Organisation, User
from tests.conftest import FAST_HASH, PASSWORD, csrf_from
from tests.factories import make_org, make_user
from tests.outbox_helpers import deliver_mail

REQUEST_FORM = {
    "name": "Ana Pérez",
    "email": "ana@mies.gob.ec",
    "organisation_name": "MIES Ecuador",
    "organisation_kind": "member_state",
    "country": "ECU",
    "reason": "VNR",
}
PERSONAL = ("@", "Ana", "Pérez", "Test staff", "MIES Ecuador", PASSWORD)


def _events(session, action: str) -> list[AuditEvent]:
    session.rollback()
    session.expire_all()
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(session.scalars(query))


def _apart_from_actor(event: AuditEvent) -> tuple[str, str, dict]:
    return event.action, event.object_type, event.details


def _outbox(app, *, deliver: bool = True) -> list[email.message.EmailMessage]:
    """The mails delivered so far, after the worker delivers what is queued (`deliver`).

    Inside an open transaction `deliver=False`: on SQLite the worker would wait for its lock.
    """
    if deliver:
        deliver_mail(app)
    folder = Path(app.config["PORTAL_DATA_DIR"]) / "outbox"
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(folder.glob("*.eml"))
    ]


def _no_personal_data_in_any_audit_row(session) -> None:
    session.rollback()
    for event in session.scalars(select(AuditEvent)):
        text = json.dumps(event.details, ensure_ascii=False)
        assert not [word for word in PERSONAL if word in text], (event.action, text)


@pytest.fixture
def staff(session) -> User:
    user = make_user(session, "staff", org=make_org(session, "unv", code="UNV"))
    session.commit()
    return user


def _request_account_on_the_web(client, session) -> AccountRequest:
    form = dict(REQUEST_FORM, csrf_token=csrf_from(client, "/account/request"))
    assert client.post("/account/request", data=form).status_code == 200
    session.rollback()
    return session.scalars(select(AccountRequest).order_by(AccountRequest.id.desc())).first()


def _approve_on_the_web(client, request_id: int, organisation: str = NEW_ORGANISATION) -> None:
    token = csrf_from(client, "/admin/account-requests")
    response = client.post(
        f"/admin/account-requests/{request_id}/approve",
        data={"organisation": organisation, "csrf_token": token},
    )
    assert response.status_code == 302


def test_creating_a_user_is_audited_alike_by_the_command_line_and_an_approval(
    app, client, auth, runner, session, staff
) -> None:
    make_org(session, "member_state", code="MIES", country="ECU")
    session.commit()
    request = _request_account_on_the_web(client, session)
    auth.login(staff.email)
    _approve_on_the_web(client, request.id, organisation="MIES")
    result = runner.invoke(
        args=["portal", "create-user", "cli@mies.gob.ec", "--role", "contributor", "--org", "MIES"]
    )
    assert result.exit_code == 0, result.output

    web, cli = _events(session, "auth.user_created")
    approved = session.scalar(select(User).where(User.email == "ana@mies.gob.ec"))
    typed = session.scalar(select(User).where(User.email == "cli@mies.gob.ec"))
    assert _apart_from_actor(web) == _apart_from_actor(cli)
    assert web.details == {
        "role": "contributor",
        "organisation_id": approved.organisation_id,
        "password_set": False,
    }
    assert (web.actor_id, web.object_id) == (staff.id, approved.id)
    assert (cli.actor_id, cli.object_id) == (None, typed.id)
    _no_personal_data_in_any_audit_row(session)


def test_creating_an_organisation_is_audited_alike_by_the_command_line_and_an_approval(
    app, client, auth, runner, session, staff
) -> None:
    request = _request_account_on_the_web(client, session)
    auth.login(staff.email)
    _approve_on_the_web(client, request.id)  # a new organisation chosen: the request's is created
    result = runner.invoke(
        args=["portal", "create-org", "SEN-MJ", "--name", "Ministère", "--kind", "member_state"]
        + ["--country", "ECU"]
    )
    assert result.exit_code == 0, result.output

    web, cli = _events(session, "auth.organisation_created")
    created = session.scalar(select(Organisation).where(Organisation.code == "MIES-ECU"))
    typed = session.scalar(select(Organisation).where(Organisation.code == "SEN-MJ"))
    assert _apart_from_actor(web) == _apart_from_actor(cli)
    assert web.details == {"kind": "member_state", "country": "ECU"}
    assert (web.actor_id, web.object_id) == (staff.id, created.id)
    assert (cli.actor_id, cli.object_id) == (None, typed.id)


def test_creating_a_token_is_audited_alike_by_the_command_line_and_the_account_page(
    client, auth, runner, session, staff
) -> None:
    auth.login(staff.email)
    token = csrf_from(client, "/account")
    assert (
        client.post("/account/tokens", data={"label": "a", "csrf_token": token}).status_code == 200
    )
    result = runner.invoke(args=["portal", "create-token", staff.email, "--label", "b"])
    assert result.exit_code == 0, result.output

    web, cli = _events(session, "auth.api_token_created")
    rows = list(session.scalars(select(ApiToken).order_by(ApiToken.id)))
    assert _apart_from_actor(web) == _apart_from_actor(cli)
    assert web.details == {"user_id": staff.id}
    assert (web.actor_id, web.object_id) == (staff.id, rows[0].id)
    assert (cli.actor_id, cli.object_id) == (None, rows[1].id)


def test_an_account_request_and_its_approval_are_audited_and_mailed(
    app, client, auth, session, staff
) -> None:
    request = _request_account_on_the_web(client, session)
    (asked,) = _events(session, "auth.account_requested")
    assert (asked.actor_id, asked.object_type, asked.object_id) == (
        None,
        "account_request",
        request.id,
    )
    assert asked.details == {"organisation_kind": "member_state", "country": "ECU"}
    assert _outbox(app) == []

    auth.login(staff.email)
    _approve_on_the_web(client, request.id)
    (approved,) = _events(session, "auth.account_request_approved")
    user = session.scalar(select(User).where(User.email == "ana@mies.gob.ec"))
    assert (approved.actor_id, approved.object_type, approved.object_id) == (
        staff.id,
        "account_request",
        request.id,
    )
    assert approved.details == {"user_id": user.id, "organisation_id": user.organisation_id}
    (message,) = _outbox(app)
    assert message["To"] == "ana@mies.gob.ec"
    assert "/password/reset/" in message.get_body(("plain",)).get_content()
    _no_personal_data_in_any_audit_row(session)


def test_a_declined_request_is_audited_and_mails_nothing(app, client, auth, session, staff) -> None:
    request = _request_account_on_the_web(client, session)
    auth.login(staff.email)
    token = csrf_from(client, "/admin/account-requests")
    client.post(f"/admin/account-requests/{request.id}/decline", data={"csrf_token": token})
    (declined,) = _events(session, "auth.account_request_declined")
    assert (declined.actor_id, declined.object_id, declined.details) == (staff.id, request.id, {})
    assert session.get(AccountRequest, request.id).state == "declined"
    assert _outbox(app) == []


def test_the_approval_mail_is_sent_only_once_the_approval_is_committed(app, session, staff) -> None:
    data = account_requests.AccountRequestInput(
        "ana@mies.gob.ec", "Ana", "MIES Ecuador", "member_state", "ECU", "", "es"
    )
    keys = {"hash_method": FAST_HASH, "secret_key": app.config["SECRET_KEY"]}
    with app.app_context():
        with database(app).transaction() as tx:
            request_id = account_requests.request_account(tx, data).id
        with pytest.raises(RuntimeError), database(app).transaction() as tx:
            actor = tx.get(User, staff.id)
            account_requests.approve_account_request(
                tx, actor, request_id, NEW_ORGANISATION, **keys
            )
            raise RuntimeError("the transaction fails after the action")
        assert _outbox(app) == []
        with database(app).transaction() as tx:
            actor = tx.get(User, staff.id)
            account_requests.approve_account_request(
                tx, actor, request_id, NEW_ORGANISATION, **keys
            )
            assert _outbox(app, deliver=False) == []  # queued, not sent, before the commit
    assert [message["To"] for message in _outbox(app)] == ["ana@mies.gob.ec"]
    assert len(_events(session, "auth.account_request_approved")) == 1


def _ask_for_a_reset(client, address: str):
    token = csrf_from(client, "/password/forgot")
    return client.post("/password/forgot", data={"email": address, "csrf_token": token})


def _flash(client) -> str:
    """The notice the next page shows (the login page, where the answer redirects)."""
    page = client.get("/login").get_data(as_text=True)
    start = page.find('class="flash-list"')
    return page[start : page.find("</p>", start)] if start >= 0 else ""


def test_a_reset_request_is_audited_and_mailed_and_an_unknown_address_looks_the_same(
    app, session, staff
) -> None:
    unknown_client, known_client = app.test_client(), app.test_client()
    unknown = _ask_for_a_reset(unknown_client, "nobody@example.org")
    assert _outbox(app) == []
    assert _events(session, "auth.password_reset_requested") == []
    known = _ask_for_a_reset(known_client, staff.email)
    assert [message["To"] for message in _outbox(app)] == [staff.email]
    (event,) = _events(session, "auth.password_reset_requested")
    assert (event.actor_id, event.object_type, event.object_id, event.details) == (
        None,
        "user",
        staff.id,
        {},
    )
    assert (unknown.status_code, unknown.headers["Location"], unknown.get_data()) == (
        known.status_code,
        known.headers["Location"],
        known.get_data(),
    )
    notice = _flash(known_client)
    assert "If that address has an account" in notice
    assert _flash(unknown_client) == notice


def test_the_reset_mail_is_sent_only_once_the_request_is_committed(app, staff) -> None:
    with app.app_context():
        with pytest.raises(RuntimeError), database(app).transaction() as tx:
            passwords.request_password_reset(tx, staff.email, secret_key="test-secret-key")
            raise RuntimeError("the transaction fails after the action")
        assert _outbox(app) == []
        with database(app).transaction() as tx:
            passwords.request_password_reset(tx, staff.email, secret_key="test-secret-key")
            assert _outbox(app, deliver=False) == []
    assert len(_outbox(app)) == 1


def test_a_password_reset_is_audited_and_ends_older_sessions(app, client, session, staff) -> None:
    path = "/password/reset/" + passwords.password_reset_token(staff, "test-secret-key")
    version_before = staff.session_version
    new_password = "a brand new passphrase"
    form = {
        "password": new_password,
        "confirm": new_password,
        "csrf_token": csrf_from(client, path),
    }
    assert client.post(path, data=form).status_code == 302
    (event,) = _events(session, "auth.password_reset")
    assert (event.actor_id, event.object_type, event.object_id, event.details) == (
        staff.id,
        "user",
        staff.id,
        {},
    )
    assert session.get(User, staff.id).session_version == version_before + 1


def test_signing_out_and_revoking_a_token_are_audited(client, auth, session, staff) -> None:
    auth.login(staff.email)
    page = client.post(
        "/account/tokens", data={"label": "x", "csrf_token": csrf_from(client, "/account")}
    ).get_data(as_text=True)
    session.rollback()
    token_id = session.scalar(select(ApiToken.id))
    assert f"/account/tokens/{token_id}/revoke" in page
    client.post(
        f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_from(client, "/account")}
    )
    auth.logout()
    (revoked,) = _events(session, "auth.api_token_revoked")
    assert (revoked.actor_id, revoked.object_id, revoked.details) == (
        staff.id,
        token_id,
        {"user_id": staff.id},
    )
    (signed_out,) = _events(session, "auth.signed_out")
    assert (signed_out.actor_id, signed_out.object_type, signed_out.object_id) == (
        staff.id,
        "user",
        staff.id,
    )
    _no_personal_data_in_any_audit_row(session)
