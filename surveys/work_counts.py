"""The surveys' counts on the staff home: campaigns to open, and campaigns closing, this week."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.work import WEEK
from surveys.models import Campaign


def campaigns_to_open(session: Session, today: date) -> int:
    """Drafts whose opening date falls this week or has passed (staff open them)."""
    query = select(func.count()).where(Campaign.state == "draft", Campaign.opens_on < today + WEEK)
    return int(session.scalar(query) or 0)


def campaigns_closing(session: Session, today: date) -> int:
    """Open campaigns whose closing date falls this week (they close by themselves after it)."""
    query = select(func.count()).where(
        Campaign.state == "open",
        Campaign.closes_on >= today,
        Campaign.closes_on < today + WEEK,
    )
    return int(session.scalar(query) or 0)
