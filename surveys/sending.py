"""Sending invitations and reminders: a fresh single-use link each, in the invitee's language.

Each mail is queued in the outbox in the action's own transaction, with its link: both are kept,
or neither. The worker delivers them later, so a refusing mail server can delay a mail but never
leave someone holding a link that was not stored. Each mail is keyed by its link: retried
delivery never mails one link twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from portal import audit, mail
from portal.db import utcnow
from portal.errors import InputError
from portal.markers import N_
from portal.models import User
from surveys.campaigns import (
    OBJECT_TYPE,
    accepts_answers,
    campaign_definition,
    get_campaign,
    link_mail_key,
)
from surveys.invitations import hash_token, issue_links
from surveys.models import Campaign, Invitation, InvitationLink
from surveys.questionnaire import text_for

Links = list[tuple[Invitation, str]]
CHUNK = 500  # ids per IN (...) list


def link_url(token: str) -> str:
    """The link as mailed, from BASE_URL. Needs an app."""
    return mail.absolute_url("surveys.open_link", token=token)


def queue_link_mail(session: Session, template: str, invitation: Invitation, token: str) -> None:
    """Queue the mail carrying `token` to the invitee, at most once per link."""
    campaign = invitation.campaign
    definition = campaign_definition(campaign)
    link_id = session.scalar(
        select(InvitationLink.id).where(InvitationLink.token_hash == hash_token(token))
    )
    mail.queue_once(
        session,
        link_mail_key(link_id),
        template,
        invitation.contact_email or "",
        invitation.locale or "en",
        name=invitation.contact_name,
        survey_title=text_for(definition.title, invitation.locale or "en"),
        year=campaign.year,
        closes_on=campaign.closes_on,
        link=link_url(token),
    )


def _mail_links(session: Session, links: Links, template: str) -> int:
    for invitation, token in links:
        queue_link_mail(session, template, invitation, token)
    session.flush()
    return len(links)


def _claim(session: Session, where: ColumnElement[bool], marks: dict[str, Any]) -> list[Invitation]:
    """Mark the invitations matching `where` and return them: a conditional UPDATE, so that two
    clicks (or a click and the worker) at the same moment never both mail one invitee."""
    ids = session.scalars(
        update(Invitation)
        .where(where)
        .values(**marks)
        .returning(Invitation.id)
        .execution_options(synchronize_session=False)
    ).all()
    claimed: list[Invitation] = []
    for start in range(0, len(ids), CHUNK):
        claimed += session.scalars(
            select(Invitation)
            .where(Invitation.id.in_(ids[start : start + CHUNK]))
            .order_by(Invitation.id)
            .execution_options(populate_existing=True)
        ).all()
    return sorted(claimed, key=lambda invitation: invitation.id)


def send_invitations(
    session: Session,
    actor: User | None,
    campaign_id: int,
    *,
    valid_days: int,
    now: datetime | None = None,
    invitations: Sequence[Invitation] | None = None,
    before_mail: Callable[[Links], None] | None = None,
) -> int:
    """Mail a fresh link to every invitee not mailed yet (or to those of the given ones not mailed
    yet). Needs an app.

    `before_mail` receives the new links once they are stored and before any mail is queued (the
    command line writes its links file there); if it raises, nothing is stored or queued.
    Returns how many mails were queued.
    """
    now = now or utcnow()
    campaign = get_campaign(session, campaign_id)
    if campaign.state != "open":
        raise InputError(N_("Open the campaign before sending invitations."))
    unsent = and_(
        Invitation.campaign_id == campaign.id,
        Invitation.sent_at.is_(None),
        Invitation.used_at.is_(None),
        Invitation.contact_email.is_not(None),
    )
    claimed: list[Invitation] = []
    if invitations is None:
        claimed = _claim(session, unsent, {"sent_at": now})
    else:
        ids = [invitation.id for invitation in invitations]
        for start in range(0, len(ids), CHUNK):
            chosen = Invitation.id.in_(ids[start : start + CHUNK])
            claimed += _claim(session, and_(unsent, chosen), {"sent_at": now})
    links = issue_links(session, claimed, "invitation", now, valid_days)
    if before_mail is not None:
        before_mail(links)
    queued = _mail_links(session, links, "survey_invitation")
    audit.record(
        session, actor, "surveys.invitations_sent", OBJECT_TYPE, campaign.id, invitations=queued
    )
    return queued


def reminder_due(campaign: Campaign, now: datetime, min_days: int = 0) -> ColumnElement[bool]:
    """The campaign's invitees a reminder may go to now: mailed, not completed, still reachable,
    reminded fewer times than the campaign's limit, and sent nothing for the campaign's number of
    days (or `min_days`, when more)."""
    cutoff = now - timedelta(days=max(campaign.reminder_days, min_days))
    return and_(
        Invitation.campaign_id == campaign.id,
        Invitation.sent_at.is_not(None),
        Invitation.sent_at <= cutoff,
        or_(Invitation.reminded_at.is_(None), Invitation.reminded_at <= cutoff),
        Invitation.reminder_count < campaign.reminder_limit,
        Invitation.used_at.is_(None),
        Invitation.contact_email.is_not(None),
    )


def reminders_due(session: Session, campaign: Campaign, now: datetime) -> int:
    """How many invitees a reminder would go to now."""
    return int(
        session.scalar(select(func.count(Invitation.id)).where(reminder_due(campaign, now))) or 0
    )


def send_reminders(
    session: Session,
    actor: User | None,
    campaign_id: int,
    *,
    valid_days: int,
    now: datetime | None = None,
    min_days: int = 0,
) -> int:
    """Mail a reminder, with a fresh link, to each invitee due one by the campaign's schedule
    (`reminder_due`), whoever asks: staff, the command line or the worker. Needs an app. Returns
    how many mails were queued."""
    now = now or utcnow()
    campaign = get_campaign(session, campaign_id)
    if not accepts_answers(campaign, now.date()):
        raise InputError(N_("Reminders can be sent only while the campaign is open."))
    marks = {"reminded_at": now, "reminder_count": Invitation.reminder_count + 1}
    claimed = _claim(session, reminder_due(campaign, now, min_days), marks)
    links = issue_links(session, claimed, "reminder", now, valid_days)
    queued = _mail_links(session, links, "survey_reminder")
    audit.record(
        session, actor, "surveys.reminders_sent", OBJECT_TYPE, campaign.id, reminders=queued
    )
    return queued
