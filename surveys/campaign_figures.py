"""The response-rate figure of a campaign page: the chart and its data table, in the reader's
language (dates and percentages formatted by Babel)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date, format_percent
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from surveys.campaign_chart import RateMark, rate_chart
from surveys.campaign_rates import RatePoint, rate_over_time
from surveys.models import Campaign


@dataclass(frozen=True)
class RateFigure:
    svg: str
    points: list[RatePoint]
    weekly: bool


def percent(value: float | None) -> str:
    return "—" if value is None else str(format_percent(value, "#,##0.#%"))


def rate_figure(session: Session, campaign: Campaign, today: date) -> RateFigure | None:
    """The chart and the table rows of the campaign's response rate since it opened (None for a
    campaign never opened)."""
    points = rate_over_time(session, campaign, today)
    if not points:
        return None
    marks = [RateMark(str(format_date(p.day, "d MMM")), p.rate) for p in points]
    last = points[-1]
    description = _(
        "From %(first)s to %(last)s the response rate went from %(start)s to %(end)s: "
        "%(completed)s of %(invited)s invitees completed the survey.",
        first=format_date(points[0].day, "long"),
        last=format_date(last.day, "long"),
        start=percent(points[0].rate),
        end=percent(last.rate),
        completed=last.completed,
        invited=last.invited,
    )
    svg = rate_chart(
        marks,
        chart_id=f"rate-{campaign.id}",
        title=_("Response rate over time"),
        description=description,
        ticks=[percent(share / 4) for share in range(5)],
        last_text=percent(last.rate) if last.rate is not None else _("No invitee yet"),
    )
    weekly = len(points) > 1 and (points[1].day - points[0].day).days > 1
    return RateFigure(svg, points, weekly)
