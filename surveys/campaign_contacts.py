"""One invitee at a time: resend a fresh link (the older ones die) and correct an e-mail address.

Only the hash of a link is stored, so no link can be shown again later: a resend makes a new one,
revokes every older one, mails it when asked and hands it back once, for staff to copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.auth.accounts import normalise_email
from portal.errors import InputError, NotFound
from portal.markers import N_
from portal.models import User
from surveys.campaigns import OBJECT_TYPE, accepts_answers
from surveys.invitations import issue_link, revoke_links
from surveys.models import Invitation, InvitationLink
from surveys.sending import link_url, queue_link_mail


def get_invitee(session: Session, campaign_id: int, invitation_id: int) -> Invitation:
    """An invitation of the campaign (NotFound for one of another campaign)."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.campaign_id != campaign_id:
        raise NotFound(f"invitation {invitation_id} of campaign {campaign_id}")
    return invitation


def live_links(session: Session, invitation: Invitation) -> int:
    """How many links of the invitation still open it (not revoked)."""
    return int(
        session.scalar(
            select(func.count(InvitationLink.id)).where(
                InvitationLink.invitation_id == invitation.id, InvitationLink.revoked_at.is_(None)
            )
        )
        or 0
    )


def _check_reachable(invitation: Invitation) -> None:
    if invitation.source != "roster":
        raise InputError(N_("This invitee answers through their account, without a link."))
    if invitation.used_at is not None:
        raise InputError(N_("This invitee has already completed the survey."))
    if invitation.contact_email is None:
        raise InputError(N_("The contact data of this invitee were erased."))


@dataclass(frozen=True)
class ResentLink:
    """The new link (shown once, never stored) and what became of the older ones."""

    url: str
    mailed: bool
    revoked: int


def resend_link(
    session: Session,
    actor: User | None,
    campaign_id: int,
    invitation_id: int,
    *,
    mail: bool,
    valid_days: int,
    now: datetime,
) -> ResentLink:
    """Issue the invitee a fresh link and revoke every older one; mail it when `mail`. Needs an
    app (the link is built from BASE_URL). The link is returned once, for staff to copy."""
    invitation = get_invitee(session, campaign_id, invitation_id)
    if not accepts_answers(invitation.campaign, now.date()):
        raise InputError(N_("Links can be resent only while the campaign is open."))
    _check_reachable(invitation)
    revoked = revoke_links(session, invitation, now)
    token = issue_link(session, invitation, "resend", now, valid_days)
    if mail:
        queue_link_mail(session, "survey_invitation", invitation, token)
        invitation.sent_at = now
    session.flush()
    audit.record(
        session,
        actor,
        "surveys.link_resent",
        OBJECT_TYPE,
        campaign_id,
        invitation_id=invitation.id,
        mailed=mail,
        links_revoked=revoked,
    )
    return ResentLink(link_url(token), mail, revoked)


def correct_email(
    session: Session,
    actor: User | None,
    campaign_id: int,
    invitation_id: int,
    email: str,
    *,
    now: datetime,
) -> int:
    """Correct an invitee's e-mail address. The links already mailed went to the old address: they
    are revoked and the invitee counts as not mailed yet, so the next invitation round (or a
    resend) mails the new address. Returns how many links were revoked."""
    invitation = get_invitee(session, campaign_id, invitation_id)
    if invitation.campaign.state == "closed":
        raise InputError(N_("The campaign is closed; its invitees can no longer be changed."))
    _check_reachable(invitation)
    address = normalise_email(email)
    if address == invitation.contact_email:
        raise InputError(N_("This is already the invitee's address."))
    taken = session.scalar(
        select(Invitation.id).where(
            Invitation.campaign_id == campaign_id, Invitation.contact_email == address
        )
    )
    if taken is not None:
        raise InputError(N_("Another invitee of this campaign has this address."))
    revoked = revoke_links(session, invitation, now)
    invitation.contact_email = address
    invitation.sent_at = None
    session.flush()
    audit.record(
        session,
        actor,
        "surveys.email_corrected",
        OBJECT_TYPE,
        campaign_id,
        invitation_id=invitation.id,
        links_revoked=revoked,
    )
    return revoked
