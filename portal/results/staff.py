"""The indicator provider of source `staff`: values held in other UNV systems, entered by staff."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.results.computations import count_indicator
from portal.results.figures import IndicatorFigure, IndicatorSpec
from portal.results.models import StaffValue
from portal.results.providers import ComputeContext


def staff_indicator(
    session: Session, code: str, spec: IndicatorSpec, context: ComputeContext
) -> IndicatorFigure:
    """The value entered for `code` and `context.year` (no value: no data), with its source."""
    row = session.scalar(
        select(StaffValue).where(StaffValue.code == code, StaffValue.year == context.year)
    )
    if row is None:
        return count_indicator(None)
    wanted = spec.get("breakdown") or ()
    breakdown = {key: value for key, value in (row.breakdown or {}).items() if key in wanted}
    figure = count_indicator(row.value, breakdown)
    figure["source_note"] = row.source_note
    figure["entered_at"] = row.entered_at.isoformat()
    return figure
