"""Signing in and out, throttling, CSRF, password resets, API tokens and account requests."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

from sqlalchemy import select

from portal.auth.account_requests import NEW_ORGANISATION
from portal.models import AccountRequest, User
from tests.conftest import PASSWORD, csrf_from
from tests.factories import make_org, make_user
from tests.outbox_helpers import deliver_mail


def _user(session, role="staff", **kw) -> User:
    user = make_user(session, role, **kw)
    session.commit()
    return user


def _login(client, email_address, password=PASSWORD, token=None):
    token = token if token is not None else csrf_from(client, "/login")
    return client.post(
        "/login", data={"email": email_address, "password": password, "csrf_token": token}
    )


def test_login_with_the_right_password_signs_in(client, session) -> None:
    user = _user(session)
    response = _login(client, user.email)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_login_with_a_wrong_password_is_refused_with_a_message(client, session) -> None:
    user = _user(session)
    response = _login(client, user.email, "wrong password here")
    assert response.status_code == 401
    assert "The e-mail or password is not right." in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_login_without_csrf_token_is_refused(client, session) -> None:
    user = _user(session)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/account").status_code == 302


def test_repeated_failed_logins_are_throttled(client, session) -> None:
    user = _user(session)
    statuses = [_login(client, user.email, "wrong password here").status_code for _ in range(7)]
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429, 429]
    # The right password is refused too, but only to the address that failed (see test_lockout).
    assert _login(client, user.email).status_code == 429


def test_failed_logins_against_many_accounts_are_throttled_per_client(client, session) -> None:
    statuses = [
        _login(client, f"guess{i}@example.org", "wrong password here").status_code
        for i in range(12)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]


def test_a_session_cookie_replayed_after_logout_no_longer_works(app, client, session) -> None:
    user = _user(session)
    assert _login(client, user.email).status_code == 302
    stolen = client.get_cookie("session").value
    client.post("/logout", data={"csrf_token": csrf_from(client, "/account")})
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/account").status_code == 302


def test_login_redirects_only_to_paths_on_this_site(client, session) -> None:
    user = _user(session)
    token = csrf_from(client, "/login")
    response = client.post(
        "/login?next=https://evil.example/x",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def _mail_link(app) -> str:
    deliver_mail(app)
    outbox = Path(app.config["PORTAL_DATA_DIR"]) / "outbox"
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https://\S+", text).group(0)


def test_password_reset_link_comes_from_base_url_and_works_once(app, client, session) -> None:
    user = _user(session)
    client.post(
        "/password/forgot",
        data={"email": user.email, "csrf_token": csrf_from(client, "/password/forgot")},
    )
    link = _mail_link(app)
    assert link.startswith("https://portal.example.org/password/reset/")
    path = link.removeprefix("https://portal.example.org")
    token = csrf_from(client, path)
    new_password = "a brand new passphrase"
    response = client.post(
        path, data={"password": new_password, "confirm": new_password, "csrf_token": token}
    )
    assert response.status_code == 302
    assert client.get(path).status_code == 410
    assert _login(client, user.email, new_password).status_code == 302


def test_mailed_links_ignore_a_poisoned_host_header(app) -> None:
    from portal.mail import absolute_url

    with app.test_request_context("/", headers={"Host": "evil.example"}):
        link = absolute_url("auth.reset_password", token="t")
    assert link == "https://portal.example.org/password/reset/t"


def test_forgot_password_answers_the_same_for_unknown_addresses(app, client) -> None:
    response = client.post(
        "/password/forgot",
        data={"email": "nobody@example.org", "csrf_token": csrf_from(client, "/password/forgot")},
    )
    assert response.status_code == 302
    deliver_mail(app)
    assert not (Path(app.config["PORTAL_DATA_DIR"]) / "outbox").exists()


def test_api_token_authenticates_a_bearer_and_stops_when_revoked(app, client, session) -> None:
    user = _user(session, "staff")
    assert _login(client, user.email).status_code == 302
    page = client.post(
        "/account/tokens",
        data={"label": "workbook", "csrf_token": csrf_from(client, "/account")},
    ).get_data(as_text=True)
    token = re.search(r"unv_[A-Za-z0-9_-]+", page).group(0)
    other = app.test_client()
    assert (
        other.get("/api/v1/health", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )
    token_id = re.search(r"/account/tokens/(\d+)/revoke", page).group(1)
    client.post(
        f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_from(client, "/account")}
    )
    session.rollback()
    from portal.auth.accounts import user_for_api_token

    assert user_for_api_token(session, token) is None


def test_bearer_tokens_do_not_sign_in_html_pages(app, session) -> None:
    from portal.auth.accounts import issue_api_token

    user = _user(session, "staff")
    token = issue_api_token(session, user)
    session.commit()
    response = app.test_client().get("/account", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 302


def test_account_request_approved_by_staff_creates_a_contributor_and_mails_a_link(
    app, client, session
) -> None:
    org = make_org(session, "unv", code="UNV")
    staff = _user(session, "staff", org=org)
    token = csrf_from(client, "/account/request")
    response = client.post(
        "/account/request",
        data={
            "name": "Ana Pérez",
            "email": "ana@mies.gob.ec",
            "organisation_name": "MIES Ecuador",
            "organisation_kind": "member_state",
            "country": "ECU",
            "reason": "VNR",
            "csrf_token": token,
        },
    )
    assert response.status_code == 200
    session.rollback()
    request_row = session.scalar(select(AccountRequest))
    assert (request_row.state, request_row.country) == ("pending", "ECU")
    assert _login(client, staff.email).status_code == 302
    client.post(
        f"/admin/account-requests/{request_row.id}/approve",
        data={
            "organisation": NEW_ORGANISATION,
            "csrf_token": csrf_from(client, "/admin/account-requests"),
        },
    )
    session.rollback()
    user = session.scalar(select(User).where(User.email == "ana@mies.gob.ec"))
    assert user.role == "contributor" and user.organisation.kind == "member_state"
    assert user.password_hash is None
    assert "/password/reset/" in _mail_link(app)
