"""Sending invitations and reminders: a fresh single-use link each, in the invitee's language.

The mail goes out inside the action's transaction, last: if the server refuses, the error rolls
the transaction back and no link, no "sent" mark and no audit row is kept. (A later change will
hand the mail to an outbox instead.)
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
from surveys.campaigns import OBJECT_TYPE, accepts_answers, campaign_definition, get_campaign
from surveys.invitations import issue_links
from surveys.models import Invitation
from surveys.questionnaire import text_for

Links = list[tuple[Invitation, str]]


def link_url(token: str) -> str:
    """The link as mailed, from BASE_URL. Needs an app."""
    return mail.absolute_url("surveys.open_link", token=token)


def _compose(template: str, invitation: Invitation, token: str) -> mail.Mail:
    campaign = invitation.campaign
    definition = campaign_definition(campaign)
    return mail.compose(
        template,
        invitation.contact_email or "",
        invitation.locale or "en",
        name=invitation.contact_name,
        survey_title=text_for(definition.title, invitation.locale or "en"),
        year=campaign.year,
        closes_on=campaign.closes_on,
        link=link_url(token),
    )


def _mail_links(session: Session, links: Links, template: str, now: datetime) -> list[mail.Mail]:
    """Mark each invitation mailed (`survey_invitation`) or reminded, and compose its mail."""
    mails = []
    for invitation, token in links:
        mails.append(_compose(template, invitation, token))
        if template == "survey_invitation":
            invitation.sent_at = now
        else:
            invitation.reminded_at = now
            invitation.reminder_count += 1
    session.flush()
    return mails


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

    `before_mail` receives the new links once they are stored and before anything is mailed (the
    command line writes its links file there); if it raises, nothing is mailed.
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
    mails = _mail_links(session, links, "survey_invitation", now)
    audit.record(
        session, actor, "surveys.invitations_sent", OBJECT_TYPE, campaign.id, invitations=len(mails)
    )
    if before_mail is not None:
        before_mail(links)
    # Sent last: if the server refuses, the request or command rolls back and no link is recorded.
    return mail.send(mails)


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
    completed it, unless reminded less than `min_days` ago. Needs an app."""
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
    mails = _mail_links(session, links, "survey_reminder", now)
    audit.record(
        session, actor, "surveys.reminders_sent", OBJECT_TYPE, campaign.id, reminders=len(mails)
    )
    # Sent last: if the server refuses, the request or command rolls back and no link is recorded.
    return mail.send(mails)
