"""Administering accounts: role and organisation, deactivation and reactivation, forced password
resets; each an action with its rules, guard rails and audit event (web and command line alike)."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal import mail
from portal.audit import record
from portal.auth.accounts import organisation_by_code
from portal.auth.passwords import reset_link
from portal.db import utcnow
from portal.errors import InputError, NotFound
from portal.markers import N_
from portal.models import ROLES, ApiToken, User

ORGANISATION_ROLES = frozenset({"partner", "contributor"})

LAST_ADMIN = N_(
    "%(email)s is the last active administrator: make another account an administrator first."
)
SELF_CHANGE = N_(
    "This would take your own administrator access away. Tick the confirmation to do it anyway."
)


def user_by_id(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id}")
    return user


def _active_admin_ids(session: Session) -> list[int]:
    # FOR UPDATE on PostgreSQL: two administrators demoting each other at once cannot both pass
    # the check below; SQLite's BEGIN IMMEDIATE already serialises writing transactions.
    query = select(User.id).where(User.role == "admin", User.active.is_(True)).with_for_update()
    return list(session.scalars(query))


def _guard_admin_loss(session: Session, actor: User | None, user: User, confirm_self: bool) -> None:
    """Refuse to leave no active administrator, and to remove one's own access unconfirmed."""
    if user.role != "admin" or not user.active:
        return
    if set(_active_admin_ids(session)) <= {user.id}:
        raise InputError(LAST_ADMIN, email=user.email)
    if actor is not None and actor.id == user.id and not confirm_self:
        raise InputError(SELF_CHANGE)


def change_account(
    session: Session,
    actor: User | None,
    user_id: int,
    *,
    role: str,
    org_code: str | None,
    confirm_self: bool = False,
) -> list[str]:
    """The action: set an account's role and organisation (either may stay as it is).

    Partners and contributors need an organisation; an office of another organisation is let go.
    Returns what changed ("role", "organisation"), each with its own audit event.
    """
    user = user_by_id(session, user_id)
    if role not in ROLES:
        raise InputError(
            "Unknown role %(role)s; use one of %(roles)s.", role=role, roles=", ".join(ROLES)
        )
    org = organisation_by_code(session, org_code) if org_code else None
    if role in ORGANISATION_ROLES and org is None:
        raise InputError("A %(role)s account needs an organisation (--org).", role=role)
    changed = []
    if role != user.role:
        if role != "admin":
            _guard_admin_loss(session, actor, user, confirm_self)
        record(session, actor, "auth.role_changed", "user", user.id, before=user.role, after=role)
        user.role = role
        changed.append("role")
    new_org_id = org.id if org else None
    if new_org_id != user.organisation_id:
        record(
            session,
            actor,
            "auth.organisation_changed",
            "user",
            user.id,
            before=user.organisation_id,
            after=new_org_id,
        )
        user.organisation = org
        if user.office is not None and user.office.organisation_id != new_org_id:
            user.office = None
        changed.append("organisation")
    session.flush()
    return changed


def _revoke_tokens(session: Session, user: User) -> int:
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def deactivate_user(
    session: Session, actor: User | None, user_id: int, *, confirm_self: bool = False
) -> User:
    """The action: the account can no longer sign in; its sessions and API tokens end at once
    (a later reactivation revives neither). Its records and audit trail stay."""
    user = user_by_id(session, user_id)
    if not user.active:
        raise InputError(N_("%(email)s is already deactivated."), email=user.email)
    _guard_admin_loss(session, actor, user, confirm_self)
    user.active = False
    user.session_version += 1
    revoked = _revoke_tokens(session, user)
    record(session, actor, "auth.user_deactivated", "user", user.id, tokens_revoked=revoked)
    session.flush()
    return user


def reactivate_user(session: Session, actor: User | None, user_id: int) -> User:
    """The action: the account may sign in again (with its password, or after a reset)."""
    user = user_by_id(session, user_id)
    if user.active:
        raise InputError(N_("%(email)s is already active."), email=user.email)
    user.active = True
    record(session, actor, "auth.user_reactivated", "user", user.id)
    session.flush()
    return user


def force_password_reset(
    session: Session, actor: User | None, user_id: int, *, secret_key: str
) -> User:
    """The action: the password stops working, every session and API token ends, and the owner
    is mailed (in their language) a link to set a new password."""
    user = user_by_id(session, user_id)
    if not user.active:
        raise InputError(
            N_("%(email)s is deactivated: reactivate the account before resetting its password."),
            email=user.email,
        )
    user.password_hash = None
    user.session_version += 1
    revoked = _revoke_tokens(session, user)
    record(session, actor, "auth.password_reset_forced", "user", user.id, tokens_revoked=revoked)
    # The link is made after the change: it is tied to the new state, so it works once.
    mail.queue(
        session,
        "password_reset_forced",
        user.email,
        user.locale,
        link=reset_link(user, secret_key),
        forgot_link=mail.absolute_url("auth.forgot_password"),
    )
    session.flush()
    return user


def active_admin_count(session: Session) -> int:
    query = select(func.count()).where(User.role == "admin", User.active.is_(True))
    return int(session.scalar(query) or 0)
