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
    """Days between the worker's automatic reminders (0: it sends none)."""
    return int(current_app.config["PORTAL_REMINDER_DAYS"])
