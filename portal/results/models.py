"""Results tables: baselines and targets per indicator and year, and staff-entered values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime, utcnow

YEAR_RANGE = (1990, 2100)


class IndicatorTarget(Base):
    """The baseline and the target of one indicator for one reporting year."""

    __tablename__ = "results_indicator_target"
    __table_args__ = (
        UniqueConstraint("code", "year"),
        CheckConstraint(f"year BETWEEN {YEAR_RANGE[0]} AND {YEAR_RANGE[1]}", name="year_plausible"),
        CheckConstraint(
            f"baseline_year IS NULL OR baseline_year BETWEEN {YEAR_RANGE[0]} AND {YEAR_RANGE[1]}",
            name="baseline_year_plausible",
        ),
        CheckConstraint("target IS NULL OR target >= 0", name="target_not_negative"),
        CheckConstraint("baseline IS NULL OR baseline >= 0", name="baseline_not_negative"),
        # A baseline is a value observed in a year: both or neither.
        CheckConstraint("(baseline IS NULL) = (baseline_year IS NULL)", name="baseline_has_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    baseline: Mapped[float | None] = mapped_column(Float)
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    target: Mapped[float | None] = mapped_column(Float)
    source_note: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StaffValue(Base):
    """A figure held in another UNV system, entered by staff with its source for one year."""

    __tablename__ = "results_staff_value"
    __table_args__ = (
        UniqueConstraint("code", "year"),
        CheckConstraint(f"year BETWEEN {YEAR_RANGE[0]} AND {YEAR_RANGE[1]}", name="year_plausible"),
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint("length(source_note) > 0", name="source_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    # Breakdown key -> number, for the indicator's own breakdown items only.
    breakdown: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    source_note: Mapped[str] = mapped_column(Text)
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
