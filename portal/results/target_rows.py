"""Rows of targets and staff values checked by the year's rules, from a file or a form.

Every problem names its cell (line and column) or, for a form, its field; a row with problems
gives no input. The services in `targets` store what these checks accept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, TypeVar

from portal.markers import N_
from portal.results.cells import BadCell, parse_number, parse_year
from portal.results.framework import Indicator, framework_for_year
from portal.results.periods import frameworks
from portal.tables import Problem

TARGET_COLUMNS = ("code", "year", "baseline", "baseline_year", "target")
VALUE_COLUMNS = ("code", "year", "value", "source")
MAX_NOTE = 1000
_T = TypeVar("_T")


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

    def read(self, column: str, parse: Callable[[], _T]) -> _T | None:
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
        number = check.read(key, partial(parse_number, cell, units[key]))
        if number is not None:
            breakdown[key] = number
    if check.problems or value is None:
        return None, check.problems
    return ValueInput(indicator.code, year, value, breakdown, note), []
