"""Sending invitations and reminders: a fresh single-use link each, in the invitee's language.

Each mail is queued in the outbox in the action's own transaction, with its link: both are kept,
or neither. The worker delivers them later, so a refusing mail server can delay a mail but never
leave someone holding a link that was not stored. Each mail is keyed by its link: retried
delivery never mails one link twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select
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
from surveys.models import Invitation, InvitationLink
from surveys.questionnaire import text_for

Links = list[tuple[Invitation, str]]


def link_url(token: str) -> str:
    """The link as mailed, from BASE_URL. Needs an app."""
    return mail.absolute_url("surveys.open_link", token=token)


def _queue(session: Session, template: str, invitation: Invitation, token: str) -> None:
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


def _mail_links(session: Session, links: Links, template: str, now: datetime) -> int:
    """Mark each invitation mailed (`survey_invitation`) or reminded, and queue its mail."""
    for invitation, token in links:
        _queue(session, template, invitation, token)
        if template == "survey_invitation":
            invitation.sent_at = now
        else:
            invitation.reminded_at = now
            invitation.reminder_count += 1
    session.flush()
    return len(links)


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
    """Mail a fresh link to every invitee not mailed yet (or to the given ones). Needs an app.

    `before_mail` receives the new links once they are stored and before any mail is queued (the
    command line writes its links file there); if it raises, nothing is stored or queued.
    Returns how many mails were queued.
    """
    now = now or utcnow()
    campaign = get_campaign(session, campaign_id)
    if campaign.state != "open":
        raise InputError(N_("Open the campaign before sending invitations."))
    if invitations is None:
        invitations = session.scalars(
            select(Invitation)
            .where(
                Invitation.campaign_id == campaign.id,
                Invitation.sent_at.is_(None),
                Invitation.used_at.is_(None),
                Invitation.contact_email.is_not(None),
            )
            .order_by(Invitation.id)
        ).all()
    links = issue_links(session, invitations, "invitation", now, valid_days)
    if before_mail is not None:
        before_mail(links)
    queued = _mail_links(session, links, "survey_invitation", now)
    audit.record(
        session, actor, "surveys.invitations_sent", OBJECT_TYPE, campaign.id, invitations=queued
    )
    return queued


def send_reminders(
    session: Session,
    actor: User | None,
    campaign_id: int,
    *,
    valid_days: int,
    now: datetime | None = None,
    min_days: int = 0,
) -> int:
    """Mail a reminder, with a fresh link, to each invitee who was sent the survey and has not
    completed it, unless reminded less than `min_days` ago. Needs an app. Returns how many mails
    were queued."""
    now = now or utcnow()
    campaign = get_campaign(session, campaign_id)
    if not accepts_answers(campaign, now.date()):
        raise InputError(N_("Reminders can be sent only while the campaign is open."))
    pending = session.scalars(
        select(Invitation)
        .where(
            Invitation.campaign_id == campaign.id,
            Invitation.sent_at.is_not(None),
            Invitation.used_at.is_(None),
            Invitation.contact_email.is_not(None),
            or_(
                Invitation.reminded_at.is_(None),
                Invitation.reminded_at <= now - timedelta(days=min_days),
            ),
        )
        .order_by(Invitation.id)
    ).all()
    links = issue_links(session, pending, "reminder", now, valid_days)
    queued = _mail_links(session, links, "survey_reminder", now)
    audit.record(
        session, actor, "surveys.reminders_sent", OBJECT_TYPE, campaign.id, reminders=queued
    )
    return queued
