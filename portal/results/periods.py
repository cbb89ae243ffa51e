"""The shipped frameworks and the reporting years people may ask for."""

from __future__ import annotations

from functools import cache

from portal.errors import InputError
from portal.markers import N_
from portal.results.framework import Framework, HistoricalFigure, Indicator, framework_for_year
from portal.results.framework_files import load_frameworks
from portal.results.history import load_history

LAST_YEAR = 2100


@cache
def frameworks() -> tuple[Framework, ...]:
    """The shipped frameworks (read once per process: they change only with a release)."""
    return tuple(load_frameworks())


@cache
def history() -> tuple[HistoricalFigure, ...]:
    return tuple(load_history(frameworks()))


def parse_year(text: str | None) -> int:
    """A reporting year from a query string or an option; InputError names what is wrong."""
    raw = (text or "").strip()
    if not raw:
        raise InputError(N_("Give the reporting year, e.g. year=2025."))
    if not raw.isdigit() or len(raw) != 4:
        raise InputError(N_("%(value)s is not a year."), value=raw[:20])
    return check_year(int(raw))


def check_year(year: int) -> int:
    """The year itself when some framework covers it (or it follows the last one)."""
    first = frameworks()[0]
    if not first.start_year <= year <= LAST_YEAR:
        raise InputError(
            N_("No results framework covers %(year)s; the first starts in %(start)s."),
            year=year,
            start=first.start_year,
        )
    return year


def reporting_years(current_year: int) -> list[int]:
    """Years people can choose: from the first framework to this year or the last framework end."""
    last = max(frameworks()[-1].end_year, min(current_year, LAST_YEAR))
    return list(range(frameworks()[0].start_year, last + 1))


def default_year(current_year: int) -> int:
    """The last complete year: the one an annual report is about."""
    years = reporting_years(current_year)
    return min(max(current_year - 1, years[0]), years[-1])


def year_framework(year: int) -> tuple[Framework, bool]:
    """The framework of a checked reporting year, and whether the year is past its end."""
    return framework_for_year(frameworks(), check_year(year))


def find_indicator(code: str, year: int) -> tuple[Framework, Indicator]:
    """The indicator `code` of the framework `year` belongs to; KeyError when it has none."""
    framework, _beyond = year_framework(year)
    return framework, framework.indicator(code)
