"""Personal API tokens: creating one, revoking one, and listing a user's active tokens."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit import record
from portal.auth.accounts import new_api_token
from portal.db import utcnow
from portal.errors import NotFound
from portal.models import ApiToken, User


def create_api_token(session: Session, actor: User | None, owner: User, label: str = "") -> str:
    """The action: a new token for `owner`, returned this once (only its hash is stored)."""
    row, token = new_api_token(session, owner, label)
    record(session, actor, "auth.api_token_created", "api_token", row.id, user_id=owner.id)
    session.flush()
    return token


def revoke_api_token(session: Session, actor: User, token_id: int) -> ApiToken:
    """The action: stop one of the actor's own active tokens from working."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != actor.id or row.revoked_at is not None:
        raise NotFound(token_id)
    row.revoked_at = utcnow()
    record(session, actor, "auth.api_token_revoked", "api_token", row.id, user_id=row.user_id)
    session.flush()
    return row


def api_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc())
        )
    )
