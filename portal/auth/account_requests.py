"""Account requests: asking for a contributor account, and staff approving or declining it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import mail
from portal.audit import record
from portal.auth.accounts import add_organisation, add_user, normalise_email, organisation_by_code
from portal.auth.organisations import new_organisation_code
from portal.auth.passwords import reset_link
from portal.countries import is_country
from portal.db import utcnow
from portal.errors import InputError, NotFound
from portal.markers import N_
from portal.models import ORG_KINDS, AccountRequest, User

# The choice "create a new organisation": never an organisation code (codes start with a letter
# or digit), so an empty or forgotten choice can never create one by default.
NEW_ORGANISATION = "+new"


@dataclass(frozen=True)
class AccountRequestInput:
    email: str
    name: str
    organisation_name: str
    organisation_kind: str
    country: str | None
    reason: str
    locale: str | None


def request_account(session: Session, data: AccountRequestInput) -> AccountRequest:
    """The action: store a visitor's request for a contributor account, for staff to decide."""
    address = normalise_email(data.email)
    if data.organisation_kind not in ORG_KINDS or data.organisation_kind == "unv":
        raise InputError("Unknown organisation kind %(kind)s.", kind=data.organisation_kind)
    if data.country and not is_country(data.country):
        raise InputError("Unknown country code %(code)s (ISO 3166 alpha-3).", code=data.country)
    request = AccountRequest(
        email=address,
        name=data.name.strip()[:200],
        organisation_name=data.organisation_name.strip()[:200],
        organisation_kind=data.organisation_kind,
        country=data.country or None,
        reason=data.reason.strip()[:2000],
        locale=data.locale,
    )
    session.add(request)
    session.flush()
    record(
        session,
        None,
        "auth.account_requested",
        "account_request",
        request.id,
        organisation_kind=request.organisation_kind,
        country=request.country,
    )
    session.flush()
    return request


def pending_account_requests(session: Session) -> list[AccountRequest]:
    return list(
        session.scalars(
            select(AccountRequest)
            .where(AccountRequest.state == "pending")
            .order_by(AccountRequest.created_at)
        )
    )


def _pending(session: Session, request_id: int) -> AccountRequest:
    request = session.get(AccountRequest, request_id)
    if request is None or request.state != "pending":
        raise NotFound(request_id)
    return request


def approve_account_request(
    session: Session,
    actor: User,
    request_id: int,
    organisation: str,
    *,
    new_code: str | None = None,
    hash_method: str,
    secret_key: str,
) -> User:
    """The action: create the contributor account in the chosen organisation.

    `organisation` is an existing organisation's code, or NEW_ORGANISATION to create one on
    purpose, with `new_code` (the code staff saw) or else a readable code derived from the name.
    The new contributor is mailed a link to set a password, once the account is committed.
    """
    request = _pending(session, request_id)
    if not organisation:
        raise InputError(N_("Choose the organisation, or choose to create a new one."))
    if organisation != NEW_ORGANISATION:
        org = organisation_by_code(session, organisation)
    else:
        code = new_code or new_organisation_code(
            session, request.organisation_name, request.country
        )
        org = add_organisation(
            session,
            actor,
            code,
            request.organisation_name,
            request.organisation_kind,
            request.country,
        )
    user = add_user(
        session,
        actor,
        request.email,
        "contributor",
        hash_method=hash_method,
        org_code=org.code,
        name=request.name,
        locale=request.locale,
    )
    request.state, request.decided_at, request.decided_by_id = "approved", utcnow(), actor.id
    request.user_id = user.id
    record(
        session,
        actor,
        "auth.account_request_approved",
        "account_request",
        request.id,
        user_id=user.id,
        organisation_id=org.id,
    )
    link = reset_link(user, secret_key)
    mail.queue(session, "account_approved", user.email, user.locale, link=link, user=user)
    session.flush()
    return user


def decline_account_request(session: Session, actor: User, request_id: int) -> AccountRequest:
    """The action: close the request without creating an account."""
    request = _pending(session, request_id)
    request.state, request.decided_at, request.decided_by_id = "declined", utcnow(), actor.id
    record(session, actor, "auth.account_request_declined", "account_request", request.id)
    session.flush()
    return request
