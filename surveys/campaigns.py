"""Campaigns: pinning definition versions, and the actions of the draft-open-closed life cycle.

Each action (create, open, close, purge contacts) checks its rule, makes the change, flushes and
writes one audit row; the web pages and the command line call the same actions.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from portal import audit
from portal.db import utcnow
from portal.errors import InputError, NotFound
from portal.markers import N_
from portal.models import OutboxMessage, User
from surveys.definition_checks import from_dict
from surveys.definition_files import latest, load_all
from surveys.definition_snapshots import content_hash, to_dict
from surveys.models import (
    SURVEY_KEYS,
    Campaign,
    Invitation,
    InvitationLink,
    SurveyDefinitionVersion,
)
from surveys.questionnaire import SurveyDefinition, text_for

OBJECT_TYPE = "survey_campaign"


def sync_definition(session: Session, definition: SurveyDefinition) -> SurveyDefinitionVersion:
    """The stored snapshot of a definition, stored now if new.

    A version already stored with other content is refused: a changed questionnaire needs a new
    version number, or answers given to the old wording would silently change meaning.
    """
    digest = content_hash(definition)
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
        snapshot=to_dict(definition),
    )
    session.add(stored)
    session.flush()
    return stored


def latest_definition_version(session: Session, survey_key: str) -> SurveyDefinitionVersion:
    """The newest definition of the survey: the newest YAML file's (stored if not yet) or a
    newer version imported from an XLSForm."""
    if survey_key in SURVEY_KEYS:
        shipped = sync_definition(session, latest(shipped_definitions(), survey_key))
        return newest_stored(session, survey_key) or shipped
    imported = newest_stored(session, survey_key)
    if imported is None:
        raise InputError(
            N_("Unknown survey %(key)s; import its form first, or use one of %(keys)s."),
            key=survey_key,
            keys=", ".join(SURVEY_KEYS),
        )
    return imported


def newest_stored(session: Session, survey_key: str) -> SurveyDefinitionVersion | None:
    """The highest stored version of the survey (shipped or imported as an XLSForm)."""
    return session.scalar(
        select(SurveyDefinitionVersion)
        .where(SurveyDefinitionVersion.survey_key == survey_key)
        .order_by(SurveyDefinitionVersion.version.desc())
        .limit(1)
    )


@lru_cache(maxsize=1)
def shipped_definitions() -> dict[tuple[str, int], SurveyDefinition]:
    return load_all()


_snapshot_cache: dict[str, SurveyDefinition] = {}


def definition_of(version: SurveyDefinitionVersion) -> SurveyDefinition:
    """The pinned definition, read from its snapshot (cached by content hash: it never changes)."""
    cached = _snapshot_cache.get(version.content_hash)
    if cached is None:
        source = f"{version.survey_key} v{version.version} (stored)"
        cached = from_dict(version.snapshot, source)
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
    actor: User | None,
    survey_key: str,
    year: int,
    *,
    title: str | None = None,
    opens_on: date | None = None,
    closes_on: date | None = None,
) -> Campaign:
    """A new draft campaign pinned to the newest definition of the survey."""
    version = latest_definition_version(session, survey_key)
    if not 2000 <= year <= 2100:
        raise InputError(N_("The year %(year)s is not plausible."), year=year)
    if opens_on and closes_on and closes_on < opens_on:
        raise InputError(N_("The closing date must not be before the opening date."))
    definition = definition_of(version)
    title = (title or "").strip() or f"{text_for(definition.title, 'en')} {year}"
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
        created_by_id=actor.id if actor is not None else None,
    )
    session.add(campaign)
    session.flush()
    audit.record(
        session,
        actor,
        "surveys.campaign_created",
        OBJECT_TYPE,
        campaign.id,
        definition_version_id=version.id,
    )
    return campaign


def open_campaign(
    session: Session, actor: User | None, campaign_id: int, *, now: datetime | None = None
) -> Campaign:
    """Open a draft for answers; a draft takes the newest definition version on opening."""
    campaign = get_campaign(session, campaign_id)
    if campaign.state != "draft":
        raise InputError(N_("Only a draft campaign can be opened."))
    campaign.definition_version = latest_definition_version(session, campaign.survey_key)
    campaign.state = "open"
    campaign.opened_at = now or utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "surveys.campaign_opened",
        OBJECT_TYPE,
        campaign.id,
        definition_version_id=campaign.definition_version_id,
    )
    return campaign


def close_campaign(
    session: Session, actor: User | None, campaign_id: int, *, now: datetime | None = None
) -> Campaign:
    """Close an open campaign: its links stop working."""
    campaign = get_campaign(session, campaign_id)
    if campaign.state != "open":
        raise InputError(N_("Only an open campaign can be closed."))
    campaign.state = "closed"
    campaign.closed_at = now or utcnow()
    session.flush()
    audit.record(session, actor, "surveys.campaign_closed", OBJECT_TYPE, campaign.id)
    return campaign


def accepts_answers(campaign: Campaign, today: date) -> bool:
    """Open, and not past its closing date."""
    return campaign.state == "open" and (campaign.closes_on is None or today <= campaign.closes_on)


def close_overdue_campaigns(session: Session, now: datetime) -> list[Campaign]:
    """Close the open campaigns whose closing date has passed (the periodic run calls this)."""
    overdue = session.scalars(
        select(Campaign.id).where(Campaign.state == "open", Campaign.closes_on < now.date())
    ).all()
    return [close_campaign(session, None, campaign_id, now=now) for campaign_id in overdue]


def link_mail_key(link_id: int | None) -> str:
    """The outbox key of the mail carrying one survey link: the link is mailed once at most."""
    return f"invitation-link:{link_id}"


def _forget_link_mails(session: Session, campaign_id: int) -> None:
    # Queued, failed or sent mails of the campaign's links hold addresses and names: they go too.
    link_ids = session.scalars(
        select(InvitationLink.id)
        .join(Invitation, Invitation.id == InvitationLink.invitation_id)
        .where(Invitation.campaign_id == campaign_id)
    ).all()
    for start in range(0, len(link_ids), 500):
        keys = [link_mail_key(link_id) for link_id in link_ids[start : start + 500]]
        session.execute(delete(OutboxMessage).where(OutboxMessage.idempotency_key.in_(keys)))


def purge_contacts(
    session: Session, actor: User | None, campaign_id: int, *, now: datetime | None = None
) -> int:
    """Erase the invitees' contact data and unfinished answers of a closed campaign, and the mails
    of its links still in the outbox.

    Counts stay: the invitations remain, without e-mail, name, nationality, age or saved answers
    (responses already hold the derived groups they need). Returns how many were purged.
    """
    campaign = get_campaign(session, campaign_id)
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
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    _forget_link_mails(session, campaign.id)
    campaign.contacts_purged_at = now or utcnow()
    session.flush()
    audit.record(
        session, actor, "surveys.contacts_purged", OBJECT_TYPE, campaign.id, invitations=count
    )
    return count


def purge_due_contacts(session: Session, now: datetime, days: int) -> list[Campaign]:
    """Purge every campaign closed at least `days` ago and not yet purged, one action each."""
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
        purge_contacts(session, None, campaign.id, now=now)
    return due
