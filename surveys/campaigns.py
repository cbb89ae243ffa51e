"""Campaigns: pinning definition versions, the draft-open-closed life cycle, progress and purges."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from portal.errors import InputError, NotFound
from surveys import definitions
from surveys.definitions import N_, SurveyDefinition
from surveys.models import (
    SURVEY_KEYS,
    Campaign,
    Invitation,
    Response,
    SurveyDefinitionVersion,
)

# Groups shown on the progress page, by survey: office type for partners; category, gender and
# modality for volunteers.
PROGRESS_GROUPS: Mapping[str, tuple[str, ...]] = {
    "partner": ("office_type",),
    "volunteer_exit": ("category", "gender", "modality"),
}


def sync_definition(session: Session, definition: SurveyDefinition) -> SurveyDefinitionVersion:
    """The stored snapshot of a definition, stored now if new.

    A version already stored with other content is refused: a changed questionnaire needs a new
    version number, or answers given to the old wording would silently change meaning.
    """
    digest = definitions.content_hash(definition)
    stored = session.scalar(
        select(SurveyDefinitionVersion).where(
            SurveyDefinitionVersion.survey_key == definition.key,
            SurveyDefinitionVersion.version == definition.version,
        )
    )
    if stored is not None:
        if stored.content_hash != digest:
            raise InputError(
                N_(
                    "Survey %(key)s version %(version)s changed after it was used; "
                    "save the change as version %(next)s."
                ),
                key=definition.key,
                version=definition.version,
                next=definition.version + 1,
            )
        return stored
    stored = SurveyDefinitionVersion(
        survey_key=definition.key,
        version=definition.version,
        content_hash=digest,
        snapshot=definitions.to_dict(definition),
    )
    session.add(stored)
    session.flush()
    return stored


def latest_definition_version(session: Session, survey_key: str) -> SurveyDefinitionVersion:
    """The newest definition of the survey from the YAML files, stored if not yet."""
    if survey_key not in SURVEY_KEYS:
        raise InputError(
            N_("Unknown survey %(key)s; use one of %(keys)s."),
            key=survey_key,
            keys=", ".join(SURVEY_KEYS),
        )
    return sync_definition(session, definitions.latest(_shipped_definitions(), survey_key))


@lru_cache(maxsize=1)
def _shipped_definitions() -> dict[tuple[str, int], SurveyDefinition]:
    return definitions.load_all()


_snapshot_cache: dict[str, SurveyDefinition] = {}


def definition_of(version: SurveyDefinitionVersion) -> SurveyDefinition:
    """The pinned definition, read from its snapshot (cached by content hash: it never changes)."""
    cached = _snapshot_cache.get(version.content_hash)
    if cached is None:
        source = f"{version.survey_key} v{version.version} (stored)"
        cached = definitions.from_dict(version.snapshot, source)
        _snapshot_cache[version.content_hash] = cached
    return cached


def campaign_definition(campaign: Campaign) -> SurveyDefinition:
    return definition_of(campaign.definition_version)


def get_campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"campaign {campaign_id}")
    return campaign


def list_campaigns(session: Session) -> list[Campaign]:
    return list(
        session.scalars(select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc()))
    )


def create_campaign(
    session: Session,
    survey_key: str,
    year: int,
    *,
    title: str | None = None,
    opens_on: date | None = None,
    closes_on: date | None = None,
    created_by_id: int | None = None,
) -> Campaign:
    """A new draft campaign pinned to the newest definition of the survey."""
    version = latest_definition_version(session, survey_key)
    if not 2000 <= year <= 2100:
        raise InputError(N_("The year %(year)s is not plausible."), year=year)
    if opens_on and closes_on and closes_on < opens_on:
        raise InputError(N_("The closing date must not be before the opening date."))
    definition = definition_of(version)
    title = (title or "").strip() or f"{definitions.text_for(definition.title, 'en')} {year}"
    if len(title) > 200:
        raise InputError(N_("The title must be at most %(max)s characters."), max=200)
    campaign = Campaign(
        survey_key=survey_key,
        definition_version=version,
        year=year,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        state="draft",
        created_by_id=created_by_id,
    )
    session.add(campaign)
    session.flush()
    return campaign


def open_campaign(session: Session, campaign: Campaign, now: datetime) -> None:
    """Open a draft for answers; a draft takes the newest definition version on opening."""
    if campaign.state != "draft":
        raise InputError(N_("Only a draft campaign can be opened."))
    campaign.definition_version = latest_definition_version(session, campaign.survey_key)
    campaign.state = "open"
    campaign.opened_at = now
    session.flush()


def close_campaign(session: Session, campaign: Campaign, now: datetime) -> None:
    if campaign.state != "open":
        raise InputError(N_("Only an open campaign can be closed."))
    campaign.state = "closed"
    campaign.closed_at = now
    session.flush()


def accepts_answers(campaign: Campaign, today: date) -> bool:
    """Open, and not past its closing date."""
    return campaign.state == "open" and (campaign.closes_on is None or today <= campaign.closes_on)


def close_overdue_campaigns(session: Session, now: datetime) -> list[Campaign]:
    """Close the open campaigns whose closing date has passed (the periodic run calls this)."""
    overdue = list(
        session.scalars(
            select(Campaign).where(Campaign.state == "open", Campaign.closes_on < now.date())
        )
    )
    for campaign in overdue:
        close_campaign(session, campaign, now)
    return overdue


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
    for name in PROGRESS_GROUPS[campaign.survey_key]:
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


def purge_contacts(session: Session, campaign: Campaign, now: datetime) -> int:
    """Erase the invitees' contact data and unfinished answers of a closed campaign.

    Counts stay: the invitations remain, without e-mail, name, nationality, age or saved answers
    (responses already hold the derived groups they need). Returns how many were purged.
    """
    if campaign.state != "closed":
        raise InputError(N_("Contact data can be purged only once the campaign is closed."))
    result = session.execute(
        update(Invitation)
        .where(Invitation.campaign_id == campaign.id)
        .values(
            contact_email=None,
            contact_name=None,
            nationality=None,
            age=None,
            partial_answers=None,
        )
        .execution_options(synchronize_session=False)
    )
    campaign.contacts_purged_at = now
    session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def purge_due_contacts(session: Session, now: datetime, days: int) -> list[Campaign]:
    """Purge every campaign closed at least `days` ago and not yet purged."""
    due = list(
        session.scalars(
            select(Campaign).where(
                Campaign.state == "closed",
                Campaign.contacts_purged_at.is_(None),
                Campaign.closed_at <= now - timedelta(days=days),
            )
        )
    )
    for campaign in due:
        purge_contacts(session, campaign, now)
    return due
