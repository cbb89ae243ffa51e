"""Baselines, targets and staff-entered values: the actions that store them, form or import.

Imports are all or nothing: every bad cell is named by line and column and nothing is stored.
Forms go through the same checks (`target_rows`), their problems naming the form field instead
of a column. Each action writes its one audit row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit import record
from portal.db import utcnow
from portal.markers import N_
from portal.results.models import IndicatorTarget, StaffValue
from portal.results.target_rows import (
    MAX_NOTE,
    TARGET_COLUMNS,
    VALUE_COLUMNS,
    TargetInput,
    ValueInput,
    check_target,
    check_value,
    staff_breakdown_keys,
)
from portal.tables import Problem, Refused, Row, read_table

__all__ = [
    "MAX_NOTE",
    "TARGET_COLUMNS",
    "VALUE_COLUMNS",
    "TargetInput",
    "ValueInput",
    "all_targets",
    "enter_target",
    "enter_value",
    "import_targets",
    "import_values",
    "save_target",
    "save_value",
    "staff_breakdown_keys",
    "staff_values",
]

MAX_ROWS = 5_000


def save_target(
    session: Session, entry: TargetInput, actor_id: int | None, now: datetime
) -> IndicatorTarget:
    """Store the baseline and target of an indicator and year, replacing what was there."""
    query = select(IndicatorTarget).where(
        IndicatorTarget.code == entry.code, IndicatorTarget.year == entry.year
    )
    row = session.scalar(query)
    if row is None:
        row = IndicatorTarget(code=entry.code, year=entry.year)
        session.add(row)
    row.baseline, row.baseline_year, row.target = entry.baseline, entry.baseline_year, entry.target
    row.source_note, row.entered_by_id, row.entered_at = entry.source_note, actor_id, now
    session.flush()
    return row


def save_value(
    session: Session, entry: ValueInput, actor_id: int | None, now: datetime
) -> StaffValue:
    """Store a staff-entered value of an indicator and year, replacing what was there."""
    query = select(StaffValue).where(StaffValue.code == entry.code, StaffValue.year == entry.year)
    row = session.scalar(query)
    if row is None:
        row = StaffValue(code=entry.code, year=entry.year)
        session.add(row)
    row.value, row.breakdown = entry.value, dict(entry.breakdown) or None
    row.source_note, row.entered_by_id, row.entered_at = entry.source_note, actor_id, now
    session.flush()
    return row


def enter_target(session: Session, cells: Mapping[str, str], actor_id: int) -> IndicatorTarget:
    """The staff form: Refused with problems by field name, else the stored target."""
    entry, problems = check_target(cells)
    if entry is None:
        raise Refused(problems)
    row = save_target(session, entry, actor_id, utcnow())
    record(session, actor_id, "results.target_set", "indicator", code=entry.code, year=entry.year)
    return row


def enter_value(
    session: Session, cells: Mapping[str, str], actor_id: int, today: date
) -> StaffValue:
    """The staff form for a value: Refused with problems by field name, else the stored value."""
    entry, problems = check_value(cells, today)
    if entry is None:
        raise Refused(problems)
    row = save_value(session, entry, actor_id, utcnow())
    record(session, actor_id, "results.value_set", "indicator", code=entry.code, year=entry.year)
    return row


_Entry = TypeVar("_Entry", TargetInput, ValueInput)


def _checked_rows(
    rows: Sequence[Row],
    check: Callable[[Row], tuple[_Entry | None, list[Problem]]],
    source: str | None,
) -> list[_Entry]:
    entries: list[_Entry] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, int], int] = {}
    for row in rows:
        entry, row_problems = check(row)
        problems += row_problems
        if entry is None:
            continue
        key = (entry.code, entry.year)
        if key in seen:
            problems.append(
                Problem(
                    N_("%(code)s %(year)s is already given on line %(first)s."),
                    {"code": entry.code, "year": entry.year, "first": seen[key]},
                    row.line,
                    "code",
                )
            )
        seen[key] = seen.get(key, row.line)
        entries.append(entry)
    if problems:
        raise Refused(problems, source)
    return entries


def _rows(
    data: bytes, required: Sequence[str], optional: Sequence[str], source: str | None
) -> list[Row]:
    return read_table(data, required, optional, source=source, max_rows=MAX_ROWS).rows


def import_targets(
    session: Session,
    data: bytes,
    actor_id: int | None,
    default_note: str = "",
    source: str | None = None,
) -> int:
    """Store every row of a targets table (CSV or XLSX), or none (Refused names each bad cell)."""
    rows = _rows(data, TARGET_COLUMNS, ("source",), source)
    entries = _checked_rows(
        rows, lambda row: check_target(row.cells, row.line, default_note), source
    )
    now = utcnow()
    for entry in entries:
        save_target(session, entry, actor_id, now)
    record(session, actor_id, "results.targets_imported", "indicator", rows=len(entries))
    return len(entries)


def import_values(
    session: Session, data: bytes, actor_id: int | None, today: date, source: str | None = None
) -> int:
    """Store every row of a values table (CSV or XLSX), or none (Refused names each bad cell)."""
    rows = _rows(data, VALUE_COLUMNS, staff_breakdown_keys(), source)
    entries = _checked_rows(rows, lambda row: check_value(row.cells, today, row.line), source)
    now = utcnow()
    for entry in entries:
        save_value(session, entry, actor_id, now)
    record(session, actor_id, "results.values_imported", "indicator", rows=len(entries))
    return len(entries)


def all_targets(session: Session) -> list[IndicatorTarget]:
    return list(session.scalars(select(IndicatorTarget).order_by(IndicatorTarget.year)))


def staff_values(session: Session, code: str) -> list[StaffValue]:
    query = select(StaffValue).where(StaffValue.code == code).order_by(StaffValue.year)
    return list(session.scalars(query))
