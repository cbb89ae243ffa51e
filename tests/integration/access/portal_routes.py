"""Routes of the portal core: home, language, sign-in, passwords, account, account requests,
organisations, the mail outbox, accounts and the audit log (administrators), API."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.auth import account_requests, accounts, passwords
from tests.factories import make_user
from tests.integration.access import ADMIN, EVERYONE, SIGNED_IN, STAFF, Case


def _request_id(session: Session, app) -> str:
    request = account_requests.request_account(
        session,
        account_requests.AccountRequestInput(
            "new@example.org", "New", "Org", "cso", None, "", "en"
        ),
    )
    return str(request.id)


def _reset_url(session: Session, app) -> str:
    user = accounts.user_by_email(session, "staff@matrix.example.org")
    return "/password/reset/" + passwords.password_reset_token(user, app.config["SECRET_KEY"])


def _user_url(suffix: str = "", active: bool = True):
    """The page of a fresh account (never one of the matrix's own, which must stay signed in)."""

    def build(session: Session, app) -> str:
        user = make_user(session, "contributor")
        user.active = active
        session.flush()
        return f"/admin/users/{user.id}{suffix}"

    return build


CASES = [
    Case("/", "GET", EVERYONE, "/"),
    Case("/robots.txt", "GET", EVERYONE, "/robots.txt"),
    Case("/language", "POST", EVERYONE, "/language", {"lang": "fr"}),
    Case("/login", "GET", EVERYONE, "/login"),
    Case("/login", "POST", EVERYONE, "/login", {"email": "x@example.org"}),
    Case("/logout", "POST", SIGNED_IN, "/logout"),
    Case("/password/forgot", "GET", EVERYONE, "/password/forgot"),
    Case("/password/forgot", "POST", EVERYONE, "/password/forgot", {"email": "x@example.org"}),
    Case("/password/reset/<token>", "POST", EVERYONE, _reset_url, {"password": "short"}),
    Case("/password/reset/<token>", "GET", EVERYONE, _reset_url),
    Case("/account", "GET", SIGNED_IN, "/account"),
    Case("/account/tokens", "POST", SIGNED_IN, "/account/tokens", {"label": "x"}),
    Case("/account/tokens/<int:token_id>/revoke", "POST", SIGNED_IN, "/account/tokens/999/revoke"),
    Case("/account/request", "GET", EVERYONE, "/account/request"),
    Case("/account/request", "POST", EVERYONE, "/account/request", {"email": "bad"}),
    Case("/admin/account-requests", "GET", STAFF, "/admin/account-requests"),
    Case(
        "/admin/account-requests/<int:request_id>/approve",
        "POST",
        STAFF,
        lambda s, a: f"/admin/account-requests/{_request_id(s, a)}/approve",
    ),
    Case(
        "/admin/account-requests/<int:request_id>/decline",
        "POST",
        STAFF,
        lambda s, a: f"/admin/account-requests/{_request_id(s, a)}/decline",
    ),
    Case("/admin/organisations", "GET", STAFF, "/admin/organisations"),
    Case(
        "/admin/organisations/merge",
        "GET",
        STAFF,
        "/admin/organisations/merge?duplicate=MATRIX-CSO&keep=MATRIX-UN",
    ),
    Case("/admin/organisations/merge", "POST", STAFF, "/admin/organisations/merge"),
    Case("/admin/outbox", "GET", STAFF, "/admin/outbox"),
    Case("/admin/outbox/<int:item_id>/retry", "POST", STAFF, "/admin/outbox/999/retry"),
    Case("/admin/users", "GET", ADMIN, "/admin/users?q=matrix&role=partner&state=active"),
    Case("/admin/users/<int:user_id>", "GET", ADMIN, _user_url()),
    Case("/admin/users/<int:user_id>/account", "POST", ADMIN, _user_url("/account")),
    Case("/admin/users/<int:user_id>/deactivate", "POST", ADMIN, _user_url("/deactivate")),
    Case(
        "/admin/users/<int:user_id>/reactivate",
        "POST",
        ADMIN,
        _user_url("/reactivate", active=False),
    ),
    Case("/admin/users/<int:user_id>/reset-password", "POST", ADMIN, _user_url("/reset-password")),
    Case("/admin/audit", "GET", ADMIN, "/admin/audit?object_type=user"),
    Case("/admin/audit/export.csv", "GET", ADMIN, "/admin/audit/export.csv?action=x"),
    Case("/api/v1/health", "GET", EVERYONE, "/api/v1/health"),
    Case("/api/v1/openapi.json", "GET", EVERYONE, "/api/v1/openapi.json"),
    Case("/api/v1/docs", "GET", EVERYONE, "/api/v1/docs"),
]
