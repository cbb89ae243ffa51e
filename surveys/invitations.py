"""Invitations: created from rosters or partner accounts, their single-use links, and their mail."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from portal import mail
from portal.auth import accounts
from portal.errors import InputError
from portal.models import Office, Organisation
from surveys import definitions
from surveys.campaigns import accepts_answers, campaign_definition
from surveys.definitions import N_
from surveys.models import Campaign, Invitation, InvitationLink, Response
from surveys.rosters import RosterEntry

OFFICE_NAMES = {"hq": "headquarters", "regional": "regional office", "country": "country office"}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _office_for(session: Session, entry: RosterEntry) -> Office:
    """The partner office a roster row names, added to the organisation if it has none yet."""
    org = session.get(Organisation, entry.organisation_id) if entry.organisation_id else None
    if org is None or entry.office_type is None:
        raise InputError(
            N_("Line %(line)s: the organisation and office type are needed."), line=entry.line
        )
    for office in org.offices:
        if office.office_type == entry.office_type and office.duty_station == entry.duty_station:
            return office
    name = " ".join(filter(None, (org.code, OFFICE_NAMES[entry.office_type], entry.duty_station)))
    return accounts.add_office(session, org, entry.office_type, entry.duty_station, name)


def create_invitations(
    session: Session, campaign: Campaign, entries: Sequence[RosterEntry], *, source: str = "roster"
) -> list[Invitation]:
    """One invitation per checked roster entry (no link yet: links are issued when sent)."""
    if campaign.state == "closed":
        raise InputError(N_("The campaign is closed; no one can be invited to it any more."))
    invitations = []
    for entry in entries:
        invitation = Invitation(
            campaign=campaign,
            source=source,
            contact_email=entry.email,
            contact_name=entry.name,
            locale=entry.locale,
            gender=entry.gender,
            category=entry.category,
            modality=entry.modality,
            age=entry.age,
            disability=entry.disability,
            nationality=entry.nationality,
            refugee=entry.refugee,
            duty_station=entry.duty_station,
            organisation_id=entry.organisation_id,
            office_type=entry.office_type,
            assignment_start=entry.assignment_start,
            assignment_end=entry.assignment_end,
        )
        if campaign.survey_key == "partner":
            invitation.office_id = _office_for(session, entry).id
        session.add(invitation)
        invitations.append(invitation)
    session.flush()
    return invitations


def issue_link(
    session: Session, invitation: Invitation, purpose: str, now: datetime, valid_days: int
) -> str:
    """A new single-use token for the invitation (returned once; only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(
        InvitationLink(invitation=invitation, token_hash=hash_token(token), purpose=purpose)
    )
    until = now + timedelta(days=valid_days)
    if invitation.expires_at is None or invitation.expires_at < until:
        invitation.expires_at = until
    session.flush()
    return token


def invitation_for_token(session: Session, token: str) -> Invitation | None:
    if not 20 <= len(token) <= 100:
        return None
    return session.scalar(
        select(Invitation)
        .join(InvitationLink, InvitationLink.invitation_id == Invitation.id)
        .where(InvitationLink.token_hash == hash_token(token))
        .options(joinedload(Invitation.campaign))
    )


def link_state(invitation: Invitation, now: datetime) -> str:
    """`ok`, or why the invitation cannot be answered: `used`, `closed`, `expired`, `not_open`."""
    campaign = invitation.campaign
    if invitation.used_at is not None:
        return "used"
    if campaign.state == "closed" or (
        campaign.state == "open" and not accepts_answers(campaign, now.date())
    ):
        return "closed"
    if invitation.expires_at is not None and invitation.expires_at <= now:
        return "expired"
    if campaign.state != "open":
        return "not_open"
    return "ok"


def invitation_for_office(
    session: Session, campaign: Campaign, office: Office, today: date
) -> Invitation:
    """The invitation a partner focal point answers for their office: the office's roster
    invitation when there is one, else one made for the account."""
    if campaign.survey_key != "partner" or not accepts_answers(campaign, today):
        raise InputError(N_("This survey is not open for answers."))
    answered = session.scalar(
        select(Response.id).where(
            Response.campaign_id == campaign.id, Response.office_id == office.id
        )
    )
    if answered is not None:
        raise InputError(N_("Your office has already answered this survey."))
    existing = session.scalars(
        select(Invitation)
        .where(Invitation.campaign_id == campaign.id, Invitation.office_id == office.id)
        .order_by(Invitation.started_at.is_(None), Invitation.id)
    ).first()
    if existing is not None:
        return existing
    invitation = Invitation(
        campaign=campaign,
        source="account",
        organisation_id=office.organisation_id,
        office_id=office.id,
        office_type=office.office_type,
        duty_station=office.duty_station,
    )
    session.add(invitation)
    session.flush()
    return invitation


def issue_links(
    session: Session,
    invitations: Sequence[Invitation],
    purpose: str,
    now: datetime,
    valid_days: int,
) -> list[tuple[Invitation, str]]:
    """(invitation, token) for each invitation: a fresh single-use link each."""
    return [(inv, issue_link(session, inv, purpose, now, valid_days)) for inv in invitations]


def _compose(template: str, invitation: Invitation, token: str) -> mail.Mail:
    campaign = invitation.campaign
    definition = campaign_definition(campaign)
    return mail.compose(
        template,
        invitation.contact_email or "",
        invitation.locale or "en",
        name=invitation.contact_name,
        survey_title=definitions.text_for(definition.title, invitation.locale or "en"),
        year=campaign.year,
        closes_on=campaign.closes_on,
        link=link_url(token),
    )


def link_url(token: str) -> str:
    """The link as mailed, from BASE_URL. Needs an app."""
    return mail.absolute_url("surveys.open_link", token=token)


def mail_links(
    session: Session, links: Sequence[tuple[Invitation, str]], template: str, now: datetime
) -> int:
    """Mail each invitee their link (`survey_invitation` or `survey_reminder`). Needs an app."""
    mails = []
    for invitation, token in links:
        mails.append(_compose(template, invitation, token))
        if template == "survey_invitation":
            invitation.sent_at = now
        else:
            invitation.reminded_at = now
            invitation.reminder_count += 1
    session.flush()
    # Sent last: if the server refuses, the request or command rolls back and no link is recorded.
    return mail.send(mails)


def send_invitations(
    session: Session,
    campaign: Campaign,
    now: datetime,
    valid_days: int,
    invitations: Sequence[Invitation] | None = None,
) -> int:
    """Mail a fresh link to every invitee not mailed yet (or to the given ones). Needs an app."""
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
    return mail_links(session, links, "survey_invitation", now)


def send_reminders(
    session: Session, campaign: Campaign, now: datetime, valid_days: int, min_days: int = 0
) -> int:
    """Mail a reminder, with a fresh link, to each invitee who was sent the survey and has not
    completed it, unless reminded less than `min_days` ago. Needs an app."""
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
    return mail_links(session, links, "survey_reminder", now)


@dataclass(frozen=True)
class OfficeSurvey:
    """An open partner campaign as an office sees it: not started, in progress or submitted."""

    campaign: Campaign
    status: str
    submitted_at: datetime | None = None


def office_surveys(session: Session, office: Office, now: datetime) -> list[OfficeSurvey]:
    """The open partner campaigns for an office's focal point, with the office's progress."""
    campaigns = [
        campaign
        for campaign in session.scalars(
            select(Campaign)
            .where(Campaign.survey_key == "partner", Campaign.state == "open")
            .order_by(Campaign.year.desc(), Campaign.id.desc())
        )
        if accepts_answers(campaign, now.date())
    ]
    ids = [campaign.id for campaign in campaigns]
    submitted = dict(
        session.execute(
            select(Response.campaign_id, Response.submitted_at).where(
                Response.office_id == office.id, Response.campaign_id.in_(ids)
            )
        ).all()
    )
    started = set(
        session.scalars(
            select(Invitation.campaign_id).where(
                Invitation.office_id == office.id,
                Invitation.campaign_id.in_(ids),
                Invitation.started_at.is_not(None),
            )
        )
    )
    surveys = []
    for campaign in campaigns:
        if campaign.id in submitted:
            surveys.append(OfficeSurvey(campaign, "submitted", submitted[campaign.id]))
        else:
            status = "in_progress" if campaign.id in started else "not_started"
            surveys.append(OfficeSurvey(campaign, status))
    return surveys
