"""The surveys' scheduled jobs, run by the worker without cron: close campaigns past their closing
date, erase contact data that is due, and remind invitees who have not answered."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy.orm import Session

from portal import schedule
from portal.markers import N_
from surveys import campaigns, sending
from surveys.config import invitation_days, purge_contacts_days, reminder_days

HOUSEKEEPING_EVERY = timedelta(hours=1)
REMINDERS_EVERY = timedelta(days=1)


def housekeeping(session: Session, now: datetime) -> str:
    """Close overdue campaigns, then purge the contacts of those closed long enough ago."""
    closed = campaigns.close_overdue_campaigns(session, now)
    purged = campaigns.purge_due_contacts(session, now, purge_contacts_days())
    return f"{len(closed)} campaign(s) closed, contacts of {len(purged)} campaign(s) erased"


def reminders(session: Session, now: datetime) -> str:
    """Remind the invitees due a reminder by their campaign's schedule, in every open campaign
    whose reminders are automatic (all of them off while PORTAL_REMINDER_DAYS is 0)."""
    if reminder_days() <= 0:
        return "automatic reminders are off (PORTAL_REMINDER_DAYS=0)"
    queued = 0
    for campaign in campaigns.list_campaigns(session):
        if campaign.reminders_automatic and campaigns.accepts_answers(campaign, now.date()):
            queued += sending.send_reminders(
                session, None, campaign.id, valid_days=invitation_days(), now=now
            )
    return f"{queued} reminder(s) queued"


def init_app(app: Flask) -> None:
    schedule.register_job(
        app,
        "surveys.housekeeping",
        HOUSEKEEPING_EVERY,
        housekeeping,
        N_("Close campaigns past their closing date and erase contact data that is due"),
    )
    schedule.register_job(
        app,
        "surveys.reminders",
        REMINDERS_EVERY,
        reminders,
        N_("Remind invitees who have not answered"),
    )
