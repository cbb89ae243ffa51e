"""Response rates of campaigns: now (for the list) and day by day since opening (for the chart).

Counted in SQL: invitations by the day they were created, completions by the day they were
submitted; the series is their running totals, so its cost does not grow with the invitees.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveys.models import Campaign, Invitation

DAILY_UP_TO = 62  # days; a longer campaign is shown week by week


@dataclass(frozen=True)
class RatePoint:
    """The running totals at the end of `day` (UTC)."""

    day: date
    invited: int
    completed: int

    @property
    def rate(self) -> float | None:
        return self.completed / self.invited if self.invited else None


def current_rates(
    session: Session, campaign_ids: Iterable[int], today: date
) -> dict[int, RatePoint]:
    """Invited and completed per campaign now (campaigns without invitees are left out)."""
    ids = list(campaign_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Invitation.campaign_id, func.count(Invitation.id), func.count(Invitation.used_at))
        .where(Invitation.campaign_id.in_(ids))
        .group_by(Invitation.campaign_id)
    ).all()
    return {int(cid): RatePoint(today, int(n), int(done)) for cid, n, done in rows}


def _day_of(session: Session, column: Any) -> Any:
    # PostgreSQL keeps a zone with the timestamp: read the day in UTC, as SQLite stores it.
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)


def _per_day(session: Session, campaign_id: int, column: Any) -> dict[date, int]:
    day = _day_of(session, column).label("day")
    rows = session.execute(
        select(day, func.count())
        .where(Invitation.campaign_id == campaign_id, column.is_not(None))
        .group_by(day)
    ).all()
    return {value if isinstance(value, date) else date.fromisoformat(value): n for value, n in rows}


def _days(first: date, last: date) -> list[date]:
    span = (last - first).days
    step = 1 if span <= DAILY_UP_TO else 7
    days = [first + timedelta(days=offset) for offset in range(0, span + 1, step)]
    return days if days[-1] == last else [*days, last]


def rate_over_time(session: Session, campaign: Campaign, today: date) -> list[RatePoint]:
    """Invited, completed and the response rate at the end of each day (or week, for a campaign
    longer than DAILY_UP_TO days) from opening to closing, or to today while it is open."""
    if campaign.opened_at is None:
        return []
    first = campaign.opened_at.date()
    last = campaign.closed_at.date() if campaign.closed_at is not None else today
    last = max(first, last)
    created = _per_day(session, campaign.id, Invitation.created_at)
    completed = _per_day(session, campaign.id, Invitation.used_at)
    points: list[RatePoint] = []
    for day in _days(first, last):
        points.append(
            RatePoint(
                day,
                sum(n for d, n in created.items() if d <= day),
                sum(n for d, n in completed.items() if d <= day),
            )
        )
    return points
