"""The invitees of a campaign, one row each with where they stand, filtered and a page at a time.

Status comes from the invitation's own marks and from the outbox mail of its newest live link:
completed, in progress, opened, mail failed, invited (mailed) or not mailed yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from portal.models import OutboxMessage
from surveys.campaigns import LINK_MAIL_PREFIX
from surveys.models import Invitation, InvitationLink

STATUSES = ("not_sent", "invited", "mail_failed", "opened", "in_progress", "completed")
PER_PAGE = 50
MAX_QUERY = 200


def _newest_link() -> ColumnElement[int]:
    return (
        select(func.max(InvitationLink.id))
        .where(
            InvitationLink.invitation_id == Invitation.id,
            InvitationLink.revoked_at.is_(None),
            InvitationLink.purpose != "roster_file",
        )
        .correlate(Invitation)
        .scalar_subquery()
    )


def _mail_of(link_id: ColumnElement[int], column: Any) -> ColumnElement[str]:
    key = literal(LINK_MAIL_PREFIX) + cast(link_id, String)
    return select(column).where(OutboxMessage.idempotency_key == key).scalar_subquery()


def _status() -> ColumnElement[str]:
    mail_state = _mail_of(_newest_link(), OutboxMessage.state)
    return case(
        (Invitation.used_at.is_not(None), "completed"),
        (Invitation.started_at.is_not(None), "in_progress"),
        (Invitation.opened_at.is_not(None), "opened"),
        (mail_state == "failed", "mail_failed"),
        (Invitation.sent_at.is_not(None), "invited"),
        else_="not_sent",
    )


def _row_columns() -> list[Any]:
    newest = _newest_link()
    return [
        Invitation.id,
        Invitation.contact_email,
        Invitation.contact_name,
        Invitation.locale,
        Invitation.source,
        _status(),
        Invitation.sent_at,
        Invitation.reminder_count,
        _mail_of(newest, OutboxMessage.state),
        _mail_of(newest, OutboxMessage.last_error),
    ]


@dataclass(frozen=True)
class InviteeRow:
    id: int
    email: str | None
    name: str | None
    locale: str | None
    source: str
    status: str
    sent_at: datetime | None
    reminder_count: int
    mail_state: str | None
    mail_error: str | None


@dataclass(frozen=True)
class InviteePage:
    rows: list[InviteeRow]
    total: int
    page: int
    pages: int
    counts: dict[str, int]


def _filters(campaign_id: int, status: str | None, query: str) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Invitation.campaign_id == campaign_id]
    if status in STATUSES:
        where.append(_status() == status)
    words = query.strip().lower()[:MAX_QUERY]
    if words:
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(
            or_(
                func.lower(Invitation.contact_email).like(pattern, escape="\\"),
                func.lower(Invitation.contact_name).like(pattern, escape="\\"),
            )
        )
    return where


def status_counts(session: Session, campaign_id: int) -> dict[str, int]:
    """How many invitees of the campaign are in each status (every status, zeros included)."""
    status = _status().label("status")
    rows = session.execute(
        select(status, func.count())
        .select_from(Invitation)
        .where(Invitation.campaign_id == campaign_id)
        .group_by(status)
    ).all()
    found = {name: int(count) for name, count in rows}
    return {name: found.get(name, 0) for name in STATUSES}


def invitee_page(
    session: Session, campaign_id: int, *, status: str | None, query: str, page: int
) -> InviteePage:
    """One page of the campaign's invitees in roster order, with the count of each status."""
    where = _filters(campaign_id, status, query)
    total = int(session.scalar(select(func.count(Invitation.id)).where(*where)) or 0)
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    rows = session.execute(
        select(*_row_columns())
        .where(*where)
        .order_by(Invitation.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return InviteePage(
        [InviteeRow(*row) for row in rows], total, page, pages, status_counts(session, campaign_id)
    )


def invitee_status(session: Session, invitation: Invitation) -> InviteeRow:
    """The row of one invitee."""
    where = _filters(invitation.campaign_id, None, "")
    row = session.execute(
        select(*_row_columns()).where(*where, Invitation.id == invitation.id)
    ).one()
    return InviteeRow(*row)
