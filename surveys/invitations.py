"""Invitations: created from rosters (an audited action), and their single-use links."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, delete, select, update
from sqlalchemy.orm import Session, joinedload

from portal import audit
from portal.auth import accounts
from portal.errors import InputError
from portal.markers import N_
from portal.models import Office, Organisation, OutboxMessage, User
from surveys.campaigns import (
    OBJECT_TYPE,
    accepts_answers,
    campaign_definition,
    get_campaign,
    link_mail_key,
)
from surveys.models import Campaign, Invitation, InvitationLink
from surveys.rosters import RosterEntry, read_roster

OFFICE_NAMES = {"hq": "headquarters", "regional": "regional office", "country": "country office"}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def office_for(session: Session, entry: RosterEntry) -> Office:
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
            invitation.office_id = office_for(session, entry).id
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


# Built once: each answering request runs one of these (SQLAlchemy then reuses the compiled form).
_LINK_BY_HASH = (
    select(InvitationLink)
    .where(InvitationLink.token_hash == bindparam("token_hash"))
    .options(joinedload(InvitationLink.invitation).joinedload(Invitation.campaign))
)
_BOUND = (
    select(Invitation, InvitationLink)
    .outerjoin(
        InvitationLink,
        and_(InvitationLink.invitation_id == Invitation.id, InvitationLink.id == bindparam("link")),
    )
    .where(Invitation.id == bindparam("invitation"))
    .options(joinedload(Invitation.campaign).joinedload(Campaign.definition_version))
)


def link_for_token(session: Session, token: str) -> InvitationLink | None:
    """The link of a token (revoked or not), with its invitation and campaign."""
    if not 20 <= len(token) <= 100:
        return None
    link: InvitationLink | None = session.scalar(_LINK_BY_HASH, {"token_hash": hash_token(token)})
    return link


def bound_invitation(
    session: Session, invitation_id: int, link_id: int | None
) -> tuple[Invitation, InvitationLink | None] | None:
    """An invitation a browser holds, with its campaign and definition version, and the link
    that opened it (None when the session was opened without one, or the link is gone): one
    query for what every answering request checks."""
    row = session.execute(_BOUND, {"invitation": invitation_id, "link": link_id}).first()
    return None if row is None else (row[0], row[1])


def invitation_for_token(session: Session, token: str) -> Invitation | None:
    """The invitation a token opens: none for an unknown or a revoked link."""
    link = link_for_token(session, token)
    return link.invitation if link is not None and link.revoked_at is None else None


def link_state(invitation: Invitation, now: datetime, link: InvitationLink | None = None) -> str:
    """`ok`, or why the invitation cannot be answered through `link` (or at all): `used`,
    `replaced` (a newer link revoked this one), `closed`, `expired`, `not_open`."""
    campaign = invitation.campaign
    if invitation.used_at is not None:
        return "used"
    if link is not None and link.revoked_at is not None:
        return "replaced"
    if campaign.state == "closed" or (
        campaign.state == "open" and not accepts_answers(campaign, now.date())
    ):
        return "closed"
    if invitation.expires_at is not None and invitation.expires_at <= now:
        return "expired"
    if campaign.state != "open":
        return "not_open"
    return "ok"


def issue_links(
    session: Session,
    invitations: Sequence[Invitation],
    purpose: str,
    now: datetime,
    valid_days: int,
) -> list[tuple[Invitation, str]]:
    """(invitation, token) for each invitation: a fresh single-use link each."""
    return [(inv, issue_link(session, inv, purpose, now, valid_days)) for inv in invitations]


def revoke_links(session: Session, invitation: Invitation, now: datetime) -> int:
    """Revoke every live link of the invitation, and drop the mails carrying them that have not
    left yet (they would deliver a dead link). Returns how many links were revoked."""
    link_ids = list(
        session.scalars(
            select(InvitationLink.id).where(
                InvitationLink.invitation_id == invitation.id, InvitationLink.revoked_at.is_(None)
            )
        )
    )
    if not link_ids:
        return 0
    session.execute(
        update(InvitationLink)
        .where(InvitationLink.id.in_(link_ids))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    keys = [link_mail_key(link_id) for link_id in link_ids]
    session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.idempotency_key.in_(keys), OutboxMessage.state == "queued"
        )
    )
    return len(link_ids)


@dataclass(frozen=True)
class RosterAdded:
    """What a roster added to a campaign: the new invitations, and the rows of people the
    campaign already had (left as they were)."""

    created: list[Invitation]
    already_invited: list[RosterEntry]


def add_invitees(
    session: Session,
    actor: User | None,
    campaign_id: int,
    data: bytes,
    *,
    source: str | None = None,
) -> RosterAdded:
    """Invite the people of a roster file (CSV or XLSX) whom the campaign does not have yet.

    Every row is checked and a bad cell refuses the whole file; a row of someone already invited
    is reported and changes nothing. No link is issued yet: links are made when the invitations
    are mailed or written to a file.
    """
    campaign = get_campaign(session, campaign_id)
    audience = campaign_definition(campaign).asks
    already: list[RosterEntry] = []
    entries = read_roster(
        session, campaign.id, audience, data, source=source, already_invited=already
    )
    created = create_invitations(session, campaign, entries)
    audit.record(
        session,
        actor,
        "surveys.roster_imported",
        OBJECT_TYPE,
        campaign.id,
        invitations=len(created),
        already_invited=len(already),
    )
    return RosterAdded(created, already)


def import_roster(
    session: Session,
    actor: User | None,
    campaign_id: int,
    data: bytes,
    *,
    source: str | None = None,
) -> list[Invitation]:
    """The invitations `add_invitees` created from a roster file."""
    return add_invitees(session, actor, campaign_id, data, source=source).created


def issue_roster_links(
    session: Session,
    actor: User | None,
    campaign_id: int,
    invitations: Sequence[Invitation],
    *,
    now: datetime,
    valid_days: int,
) -> list[tuple[Invitation, str]]:
    """A link for each of `invitations`, to be handed out outside the portal (a links file).

    Whoever holds the links can answer as the invitees: audited with the number issued.
    """
    campaign = get_campaign(session, campaign_id)
    if campaign.state == "closed":
        raise InputError(N_("The campaign is closed; no one can be invited to it any more."))
    links = issue_links(session, invitations, "roster_file", now, valid_days)
    audit.record(session, actor, "surveys.links_issued", OBJECT_TYPE, campaign.id, links=len(links))
    return links
