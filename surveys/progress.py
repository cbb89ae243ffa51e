"""Campaign progress: invited, mailed, started and completed, overall and by group; counts only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from surveys.campaigns import campaign_definition
from surveys.models import Campaign, Invitation, Response

# Groups shown on the progress page, by survey: office type for partners; category, gender and
# modality for volunteers.
PROGRESS_GROUPS: Mapping[str, tuple[str, ...]] = {  # by audience (SurveyDefinition.asks)
    "partner": ("office_type",),
    "volunteer": ("category", "gender", "modality"),
    "general": (),
}


@dataclass(frozen=True)
class GroupProgress:
    value: str | None
    invited: int
    started: int
    completed: int

    @property
    def response_rate(self) -> float | None:
        return self.completed / self.invited if self.invited else None


@dataclass(frozen=True)
class CampaignProgress:
    invited: int
    sent: int
    started: int
    completed: int
    reminders_sent: int
    reminded_invitees: int
    by_group: dict[str, list[GroupProgress]] = field(default_factory=dict)

    @property
    def response_rate(self) -> float | None:
        return self.completed / self.invited if self.invited else None


def _counts() -> list[Any]:
    started = (Invitation.started_at.is_not(None)) | (Invitation.used_at.is_not(None))
    return [
        func.count(Invitation.id),
        func.count(Invitation.sent_at),
        func.sum(case((started, 1), else_=0)),
        func.count(Invitation.used_at),
        func.coalesce(func.sum(Invitation.reminder_count), 0),
        func.count(Invitation.reminded_at),
    ]


def campaign_progress(session: Session, campaign: Campaign) -> CampaignProgress:
    """Invited, started, completed and reminders, overall and by the survey's progress groups."""
    where = Invitation.campaign_id == campaign.id
    invited, sent, started, completed, reminders, reminded = session.execute(
        select(*_counts()).where(where)
    ).one()
    by_group: dict[str, list[GroupProgress]] = {}
    for name in PROGRESS_GROUPS[campaign_definition(campaign).asks]:
        column = getattr(Invitation, name)
        rows = session.execute(
            select(column, *_counts()[:4]).where(where).group_by(column).order_by(column)
        ).all()
        by_group[name] = [
            GroupProgress(value, int(n), int(st or 0), int(done)) for value, n, _, st, done in rows
        ]
    return CampaignProgress(
        invited=int(invited),
        sent=int(sent),
        started=int(started or 0),
        completed=int(completed),
        reminders_sent=int(reminders),
        reminded_invitees=int(reminded),
        by_group=by_group,
    )


def response_count(session: Session, campaign: Campaign) -> int:
    return int(
        session.scalar(select(func.count(Response.id)).where(Response.campaign_id == campaign.id))
        or 0
    )
