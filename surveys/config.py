"""The surveys' settings read from the app's configuration, for the doors to pass to actions."""

from __future__ import annotations

from flask import current_app


def invitation_days() -> int:
    """How many days a mailed or issued link stays valid (PORTAL_INVITATION_DAYS)."""
    return int(current_app.config["PORTAL_INVITATION_DAYS"])


def global_south_flag() -> str:
    """Which country list counts as the Global South (PORTAL_GLOBAL_SOUTH_FLAG)."""
    return str(current_app.config["PORTAL_GLOBAL_SOUTH_FLAG"])


def purge_contacts_days() -> int:
    """How many days after closing a campaign's contact data are erased."""
    return int(current_app.config["PORTAL_PURGE_CONTACTS_DAYS"])


def reminder_days() -> int:
    """The reminder interval of new campaigns, in days (0: the worker sends no reminder at all;
    new campaigns then wait 7 days)."""
    return int(current_app.config["PORTAL_REMINDER_DAYS"])


def new_campaign_reminder_days() -> int:
    """The reminder interval a new campaign starts with: PORTAL_REMINDER_DAYS, or 7 when it is 0."""
    days = reminder_days()
    return min(days, 90) if days > 0 else 7
