"""Baselines, targets and staff-entered values: checks, form services and CSV imports.

Imports are all or nothing: every bad cell is named by line and column and nothing is stored.
Forms go through the same checks, their problems naming the form field instead of a column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import AuditEvent
from portal.results.models import IndicatorTarget, StaffValue
from portal.results.registry import Indicator, framework_for_year
from portal.results.reporting import frameworks
from portal.results.tables import (
    N_,
    BadCell,
    Problem,
    Refused,
    Row,
    parse_number,
    parse_year,
    read_csv,
)

TARGET_COLUMNS = ("code", "year", "baseline", "baseline_year", "target")
VALUE_COLUMNS = ("code", "year", "value", "source")
MAX_NOTE = 1000


@dataclass(frozen=True)
class TargetInput:
    code: str
    year: int
    baseline: float | None
    baseline_year: int | None
    target: float | None
    source_note: str


@dataclass(frozen=True)
class ValueInput:
    code: str
    year: int
    value: float
    breakdown: dict[str, float]
    source_note: str


def staff_breakdown_keys() -> list[str]:
    """Breakdown keys of every staff-entered indicator: the optional columns of a values file."""
    keys: dict[str, None] = {}
    for framework in frameworks():
        for indicator in framework.indicators():
            if indicator.source == "staff":
                keys.update(dict.fromkeys(indicator.breakdown_keys))
    return list(keys)


class _Check:
    """Collects the problems of one row (a file line, or a form when `line` is None)."""

    def __init__(self, line: int | None) -> None:
        self.line = line
        self.problems: list[Problem] = []

    def bad(self, column: str, message: str, **params: Any) -> None:
        self.problems.append(Problem(message, params, self.line, column))

    def read(self, column: str, parse: Callable[[], Any]) -> Any:
        try:
            return parse()
        except BadCell as error:
            self.bad(column, error.message, **error.params)
            return None

    def required(self, cells: Mapping[str, str], column: str) -> str | None:
        text = cells.get(column, "").strip()
        if not text:
            self.bad(column, N_("This cell must not be empty."))
            return None
        return text

    def indicator(
        self, cells: Mapping[str, str], *, in_period: bool
    ) -> tuple[Indicator, int] | None:
        """The row's indicator in the framework of its year, checking the year's rules."""
        code, year_text = self.required(cells, "code"), self.required(cells, "year")
        year = self.read("year", lambda: parse_year(year_text)) if year_text else None
        if code is None or year is None:
            return None
        first = frameworks()[0]
        if year < first.start_year:
            self.bad("year", N_("No results framework covers %(year)s."), year=year)
            return None
        framework, beyond = framework_for_year(frameworks(), year)
        if beyond and in_period:
            self.bad(
                "year",
                N_("%(year)s is after the framework period %(period)s: it has no targets."),
                year=year,
                period=framework.key,
            )
            return None
        try:
            return framework.indicator(code), year
        except KeyError:
            self.bad("code", N_("%(code)s is not an indicator of %(period)s."), code=code[:20],
                     period=framework.key)  # fmt: skip
            return None

    def note(self, text: str, column: str, *, required: bool) -> str:
        note = " ".join(text.split())
        if required and not note:
            self.bad(column, N_("Give the source of the figure."))
        if len(note) > MAX_NOTE:
            self.bad(column, N_("The note must be at most %(max)s characters."), max=MAX_NOTE)
        return note


def check_target(
    cells: Mapping[str, str], line: int | None = None, default_note: str = ""
) -> tuple[TargetInput | None, list[Problem]]:
    """A target row (`code, year, baseline, baseline_year, target` and an optional `source`)."""
    check = _Check(line)
    found = check.indicator(cells, in_period=True)
    note = check.note(cells.get("source", "") or default_note, "source", required=False)
    if found is None:
        return None, check.problems
    indicator, year = found
    unit = indicator.unit
    target = baseline = baseline_year = None
    if text := cells.get("target", ""):
        target = check.read("target", lambda: parse_number(text, unit))
    if base_text := cells.get("baseline", ""):
        baseline = check.read("baseline", lambda: parse_number(base_text, unit))
    if base_year_text := cells.get("baseline_year", ""):
        baseline_year = check.read("baseline_year", lambda: parse_year(base_year_text))
        if baseline_year is not None and baseline_year > year:
            check.bad(
                "baseline_year", N_("The baseline year must not be after %(year)s."), year=year
            )
    if base_text and not base_year_text:
        check.bad("baseline_year", N_("Give the year of the baseline."))
    if base_year_text and not base_text:
        check.bad("baseline", N_("Give the baseline value of %(year)s."), year=base_year_text)
    if not (text or base_text):
        check.bad("target", N_("Give a target, a baseline or both."))
    if check.problems:
        return None, check.problems
    return TargetInput(indicator.code, year, baseline, baseline_year, target, note), []


def check_value(
    cells: Mapping[str, str], today: date, line: int | None = None
) -> tuple[ValueInput | None, list[Problem]]:
    """A staff value row: `code, year, value, source` and optional breakdown columns."""
    check = _Check(line)
    found = check.indicator(cells, in_period=False)
    note = check.note(cells.get("source", ""), "source", required=True)
    if found is None:
        return None, check.problems
    indicator, year = found
    if indicator.source != "staff":
        check.bad("code", N_("%(code)s is computed by the portal; it takes no entered values."),
                  code=indicator.code)  # fmt: skip
    if year > today.year:
        check.bad("year", N_("%(year)s has not begun; enter values for past or current years."),
                  year=year)  # fmt: skip
    value = None
    if text := check.required(cells, "value"):
        value = check.read("value", lambda: parse_number(text, indicator.unit))
    breakdown: dict[str, float] = {}
    units = {item.key: item.unit for item in indicator.breakdown}
    for key, cell in cells.items():
        if key in (*VALUE_COLUMNS, "source") or not cell:
            continue
        if key not in units:
            check.bad(key, N_("%(code)s has no breakdown %(key)s."), code=indicator.code, key=key)
            continue
        number = check.read(key, lambda cell=cell, key=key: parse_number(cell, units[key]))
        if number is not None:
            breakdown[key] = number
    if check.problems or value is None:
        return None, check.problems
    return ValueInput(indicator.code, year, value, breakdown, note), []


def _upsert(session: Session, model: type, code: str, year: int) -> Any:
    row = session.scalar(select(model).where(model.code == code, model.year == year))
    if row is None:
        row = model(code=code, year=year)
        session.add(row)
    return row


def save_target(
    session: Session, entry: TargetInput, actor_id: int | None, now: datetime
) -> IndicatorTarget:
    """Store the baseline and target of an indicator and year, replacing what was there."""
    row = _upsert(session, IndicatorTarget, entry.code, entry.year)
    row.baseline, row.baseline_year, row.target = entry.baseline, entry.baseline_year, entry.target
    row.source_note, row.entered_by_id, row.entered_at = entry.source_note, actor_id, now
    session.flush()
    return row


def save_value(
    session: Session, entry: ValueInput, actor_id: int | None, now: datetime
) -> StaffValue:
    """Store a staff-entered value of an indicator and year, replacing what was there."""
    row = _upsert(session, StaffValue, entry.code, entry.year)
    row.value, row.breakdown = entry.value, dict(entry.breakdown) or None
    row.source_note, row.entered_by_id, row.entered_at = entry.source_note, actor_id, now
    session.flush()
    return row


def _audit(session: Session, actor_id: int | None, action: str, details: dict[str, Any]) -> None:
    session.add(
        AuditEvent(actor_id=actor_id, action=action, object_type="indicator", details=details)
    )


def enter_target(session: Session, cells: Mapping[str, str], actor_id: int) -> IndicatorTarget:
    """The staff form: Refused with problems by field name, else the stored target."""
    entry, problems = check_target(cells)
    if entry is None:
        raise Refused(problems)
    _audit(session, actor_id, "results.target_set", {"code": entry.code, "year": entry.year})
    return save_target(session, entry, actor_id, utcnow())


def enter_value(
    session: Session, cells: Mapping[str, str], actor_id: int, today: date
) -> StaffValue:
    """The staff form for a value: Refused with problems by field name, else the stored value."""
    entry, problems = check_value(cells, today)
    if entry is None:
        raise Refused(problems)
    _audit(session, actor_id, "results.value_set", {"code": entry.code, "year": entry.year})
    return save_value(session, entry, actor_id, utcnow())


def _checked_rows(
    rows: Sequence[Row], check: Callable[[Row], tuple[Any, list[Problem]]]
) -> list[Any]:
    entries, problems, seen = [], [], {}
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
        raise Refused(problems)
    return entries


def import_targets(
    session: Session, data: bytes, actor_id: int | None, default_note: str = ""
) -> int:
    """Store every row of a targets CSV, or none (Refused names each bad cell)."""
    rows = read_csv(data, TARGET_COLUMNS, ("source",))
    entries = _checked_rows(rows, lambda row: check_target(row.cells, row.line, default_note))
    now = utcnow()
    for entry in entries:
        save_target(session, entry, actor_id, now)
    _audit(session, actor_id, "results.targets_imported", {"rows": len(entries)})
    return len(entries)


def import_values(session: Session, data: bytes, actor_id: int | None, today: date) -> int:
    """Store every row of a values CSV, or none (Refused names each bad cell)."""
    rows = read_csv(data, VALUE_COLUMNS, staff_breakdown_keys())
    entries = _checked_rows(rows, lambda row: check_value(row.cells, today, row.line))
    now = utcnow()
    for entry in entries:
        save_value(session, entry, actor_id, now)
    _audit(session, actor_id, "results.values_imported", {"rows": len(entries)})
    return len(entries)


def all_targets(session: Session) -> list[IndicatorTarget]:
    return list(session.scalars(select(IndicatorTarget).order_by(IndicatorTarget.year)))


def staff_values(session: Session, code: str) -> list[StaffValue]:
    query = select(StaffValue).where(StaffValue.code == code).order_by(StaffValue.year)
    return list(session.scalars(query))
