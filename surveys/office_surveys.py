"""Partner offices answering for themselves: their open surveys and the invitation they use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import InputError
from portal.markers import N_
from portal.models import Office
from surveys.campaigns import accepts_answers, get_campaign
from surveys.models import Campaign, Invitation, Response


def invitation_for_office(
    session: Session, campaign_id: int, office: Office, today: date
) -> Invitation:
    """The invitation a partner focal point answers for their office: the office's roster
    invitation when there is one, else one made for the account.

    Not audited: a row naming the account next to the invitation would tie the office's answers
    to a person, and answering is the respondent's own business, not a staff action.
    """
    campaign = get_campaign(session, campaign_id)
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
