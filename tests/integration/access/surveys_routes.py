"""Routes of the surveys: answering links (public), "My surveys" (partners), campaigns and
survey forms (staff)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from portal.auth import accounts
from surveys import campaigns
from surveys.invitations import create_invitations
from surveys.rosters import RosterEntry
from tests.integration.access import ADMIN, EVERYONE, STAFF, Case

PARTNERS = frozenset({"partner"})


def _campaign_url(suffix: str = "", survey: str = "volunteer_exit", state: str = "open"):
    def build(session: Session, app: Flask) -> str:
        campaign = campaigns.create_campaign(session, None, survey, 2026)
        if state in ("open", "closed"):
            campaigns.open_campaign(session, None, campaign.id, now=campaign.created_at)
        if state == "closed":
            campaigns.close_campaign(session, None, campaign.id, now=campaign.created_at)
        return f"/surveys/campaigns/{campaign.id}{suffix}"

    return build


def _invitee_url(suffix: str = ""):
    def build(session: Session, app: Flask) -> str:
        campaign = campaigns.create_campaign(session, None, "volunteer_exit", 2026)
        campaigns.open_campaign(session, None, campaign.id, now=campaign.created_at)
        entry = RosterEntry(line=2, email=f"invitee{campaign.id}@matrix.example.org")
        (invitation,) = create_invitations(session, campaign, [entry])
        return f"/surveys/campaigns/{campaign.id}/invitees/{invitation.id}{suffix}"

    return build


def _office_survey_url(session: Session, app: Flask) -> str:
    """An open partner campaign; the matrix partner is linked to an office of their organisation."""
    partner = accounts.user_by_email(session, "partner@matrix.example.org")
    if partner.office_id is None:
        office = accounts.add_office(
            session, partner.organisation, "country", "KEN", "Matrix Kenya"
        )
        partner.office_id = office.id
    campaign = campaigns.create_campaign(session, None, "partner", 2026)
    campaigns.open_campaign(session, None, campaign.id, now=campaign.created_at)
    return f"/surveys/mine/{campaign.id}/answer"


NEW_CAMPAIGN = {"survey": "partner", "year": "2026", "title": "Matrix"}
EDITED_CAMPAIGN = {
    "title": "Matrix",
    "closes_on": "2099-12-31",
    "reminder_days": "5",
    "reminder_limit": "2",
}
INVITEE = "/surveys/campaigns/<int:campaign_id>/invitees/<int:invitation_id>"

CASES = [
    Case("/s/<token>", "GET", EVERYONE, "/s/" + "x" * 43),
    Case("/s/answer", "GET", EVERYONE, "/s/answer"),
    Case("/s/answer", "POST", EVERYONE, "/s/answer", {"page": "0", "action": "next"}),
    Case("/s/done", "GET", EVERYONE, "/s/done"),
    Case("/surveys/mine", "GET", PARTNERS, "/surveys/mine"),
    Case("/surveys/mine/<int:campaign_id>/answer", "POST", PARTNERS, _office_survey_url),
    Case("/surveys/campaigns", "GET", STAFF, "/surveys/campaigns"),
    Case("/surveys/campaigns/new", "GET", STAFF, "/surveys/campaigns/new"),
    Case("/surveys/campaigns/new", "POST", STAFF, "/surveys/campaigns/new", NEW_CAMPAIGN),
    Case("/surveys/campaigns/<int:campaign_id>", "GET", STAFF, _campaign_url()),
    Case(
        "/surveys/campaigns/<int:campaign_id>/open",
        "POST",
        STAFF,
        _campaign_url("/open", state="draft"),
    ),
    Case("/surveys/campaigns/<int:campaign_id>/close", "POST", STAFF, _campaign_url("/close")),
    Case(
        "/surveys/campaigns/<int:campaign_id>/send-invitations",
        "POST",
        STAFF,
        _campaign_url("/send-invitations"),
    ),
    Case(
        "/surveys/campaigns/<int:campaign_id>/send-reminders",
        "POST",
        STAFF,
        _campaign_url("/send-reminders"),
    ),
    Case(
        "/surveys/campaigns/<int:campaign_id>/purge-contacts",
        "POST",
        STAFF,
        _campaign_url("/purge-contacts", state="closed"),
    ),
    Case("/surveys/campaigns/<int:campaign_id>/close", "GET", STAFF, _campaign_url("/close")),
    Case(
        "/surveys/campaigns/<int:campaign_id>/purge-contacts",
        "GET",
        STAFF,
        _campaign_url("/purge-contacts", state="closed"),
    ),
    Case(
        "/surveys/campaigns/<int:campaign_id>/delete",
        "GET",
        STAFF,
        _campaign_url("/delete", state="draft"),
    ),
    Case(
        "/surveys/campaigns/<int:campaign_id>/delete",
        "POST",
        STAFF,
        _campaign_url("/delete", state="draft"),
    ),
    Case("/surveys/campaigns/<int:campaign_id>/edit", "GET", STAFF, _campaign_url("/edit")),
    Case(
        "/surveys/campaigns/<int:campaign_id>/edit",
        "POST",
        STAFF,
        _campaign_url("/edit"),
        EDITED_CAMPAIGN,
    ),
    Case(
        "/surveys/campaigns/<int:campaign_id>/invitees",
        "GET",
        STAFF,
        _campaign_url("/invitees?status=not_sent&q=invitee"),
    ),
    Case(INVITEE, "GET", STAFF, _invitee_url()),
    Case(INVITEE + "/email", "POST", STAFF, _invitee_url("/email"), {"email": "new@example.org"}),
    Case(INVITEE + "/resend", "GET", STAFF, _invitee_url("/resend")),
    Case(INVITEE + "/resend", "POST", STAFF, _invitee_url("/resend"), {"mail": "y"}),
    Case("/surveys/campaigns/<int:campaign_id>/roster", "GET", STAFF, _campaign_url("/roster")),
    Case("/surveys/campaigns/<int:campaign_id>/roster", "POST", STAFF, _campaign_url("/roster")),
    Case(
        "/surveys/campaigns/<int:campaign_id>/export/<any(csv, zip, xlsx, sav, dta):fmt>",
        "GET",
        STAFF,
        _campaign_url("/export/csv"),
    ),
    Case(
        "/surveys/campaigns/<int:campaign_id>/export/free-text/<any(csv, xlsx, sav, dta):fmt>",
        "GET",
        STAFF,
        _campaign_url("/export/free-text/csv"),
    ),
    Case(
        "/surveys/campaigns/<int:campaign_id>/export/identifiable/"
        "<any(csv, zip, xlsx, sav, dta):fmt>",
        "GET",
        ADMIN,
        _campaign_url("/export/identifiable/csv"),
    ),
    Case("/surveys/forms", "GET", STAFF, "/surveys/forms"),
    Case("/surveys/forms", "POST", STAFF, "/surveys/forms"),
    Case(
        "/surveys/forms/<key>/<int:version>/xlsform",
        "GET",
        STAFF,
        "/surveys/forms/volunteer_exit/3/xlsform",
    ),
    Case("/surveys/forms/<key>/diff", "GET", STAFF, "/surveys/forms/partner/diff?from=2&to=3"),
    Case(
        "/surveys/forms/<key>/<int:version>/preview",
        "GET",
        STAFF,
        "/surveys/forms/volunteer_exit/3/preview?lang=ru",
    ),
    Case(
        "/surveys/forms/<key>/<int:version>/preview",
        "POST",
        STAFF,
        "/surveys/forms/volunteer_exit/3/preview",
        {"page": "0", "action": "next", "assignment_end_date": "2026-06-30"},
    ),
]
