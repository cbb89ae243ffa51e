"""Changing a campaign after creation: its title, dates and reminder schedule; deleting a draft.

Each is one action (rule, change, audit row) that the web pages and the command line call alike.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import delete
from sqlalchemy.orm import Session

from portal import audit
from portal.errors import InputError
from portal.markers import N_
from portal.models import User
from surveys.campaigns import OBJECT_TYPE, get_campaign
from surveys.models import REMINDER_DAYS_RANGE, REMINDER_LIMIT_RANGE, Campaign

TITLE_MAX = 200


@dataclass(frozen=True)
class CampaignSettings:
    """What staff may change on a campaign that is not closed."""

    title: str
    opens_on: date | None
    closes_on: date | None
    reminder_days: int
    reminder_limit: int
    reminders_automatic: bool

    @classmethod
    def of(cls, campaign: Campaign) -> CampaignSettings:
        return cls(**{f.name: getattr(campaign, f.name) for f in fields(cls)})


def check_reminder_schedule(days: int, limit: int) -> None:
    """Refuse a reminder schedule outside the bounds the database also enforces."""
    if not REMINDER_DAYS_RANGE[0] <= days <= REMINDER_DAYS_RANGE[1]:
        raise InputError(
            N_("Reminders wait between %(low)s and %(high)s days after the last mail."),
            low=REMINDER_DAYS_RANGE[0],
            high=REMINDER_DAYS_RANGE[1],
        )
    if not REMINDER_LIMIT_RANGE[0] <= limit <= REMINDER_LIMIT_RANGE[1]:
        raise InputError(
            N_("An invitee can be reminded between %(low)s and %(high)s times."),
            low=REMINDER_LIMIT_RANGE[0],
            high=REMINDER_LIMIT_RANGE[1],
        )


def _check(campaign: Campaign, wanted: CampaignSettings, today: date) -> None:
    if campaign.state == "closed":
        raise InputError(N_("A closed campaign cannot be changed."))
    if not wanted.title.strip():
        raise InputError(N_("The title must not be empty."))
    if len(wanted.title) > TITLE_MAX:
        raise InputError(N_("The title must be at most %(max)s characters."), max=TITLE_MAX)
    if wanted.opens_on and wanted.closes_on and wanted.closes_on < wanted.opens_on:
        raise InputError(N_("The closing date must not be before the opening date."))
    moved = wanted.closes_on != campaign.closes_on
    if campaign.state == "open" and moved and wanted.closes_on and wanted.closes_on < today:
        raise InputError(
            N_("A closing date in the past would close the campaign at once; close it instead.")
        )
    check_reminder_schedule(wanted.reminder_days, wanted.reminder_limit)


def update_campaign(
    session: Session,
    actor: User | None,
    campaign_id: int,
    wanted: CampaignSettings,
    *,
    today: date,
) -> list[str]:
    """Change the title, dates and reminder schedule of a draft or open campaign.

    Returns the names of the settings that changed (audited; nothing is recorded when none did).
    """
    campaign = get_campaign(session, campaign_id)
    wanted = CampaignSettings(**{**wanted.__dict__, "title": wanted.title.strip()})
    _check(campaign, wanted, today)
    before = CampaignSettings.of(campaign)
    changed = [
        f.name
        for f in fields(CampaignSettings)
        if getattr(before, f.name) != getattr(wanted, f.name)
    ]
    for name in changed:
        setattr(campaign, name, getattr(wanted, name))
    session.flush()
    if changed:
        audit.record(
            session, actor, "surveys.campaign_updated", OBJECT_TYPE, campaign.id, changed=changed
        )
    return changed


def delete_draft(session: Session, actor: User | None, campaign_id: int) -> str:
    """Delete a draft campaign with its invitees (a draft has no answers: it never opened).

    Returns its title, for the message that says it is gone.
    """
    campaign = get_campaign(session, campaign_id)
    if campaign.state != "draft":
        raise InputError(N_("Only a draft campaign can be deleted; close an open one instead."))
    title = campaign.title
    # The invitations and any links go with it (ON DELETE CASCADE); a draft never mailed a link.
    session.execute(delete(Campaign).where(Campaign.id == campaign.id))
    session.expunge(campaign)
    audit.record(
        session,
        actor,
        "surveys.campaign_deleted",
        OBJECT_TYPE,
        campaign_id,
        survey=campaign.survey_key,
    )
    session.flush()
    return title
