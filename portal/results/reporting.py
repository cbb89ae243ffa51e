"""The results of a reporting year: every indicator's figure, target, performance and rating.

One service builds the payload of `GET /api/v1/indicators` (CONTRACT.md); the dashboard, the
exports and the command line show or serialise that same payload (`portal.results.figures`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.results.computations import DEFAULT_GLOBAL_SOUTH_FLAG
from portal.results.entries import historical, indicator_entry
from portal.results.figures import (
    BaselineFigure,
    IndicatorEntry,
    IndicatorFigure,
    IndicatorTrend,
    TrendEntry,
    YearResults,
)
from portal.results.framework import Framework, Indicator
from portal.results.models import IndicatorTarget
from portal.results.periods import (
    check_year,
    default_year,
    find_indicator,
    frameworks,
    history,
    parse_year,
    reporting_years,
    year_framework,
)
from portal.results.providers import ComputeContext, IndicatorProvider, providers_of
from portal.results.ratings import DEFAULT_TOLERANCE
from portal.results.suppression import DEFAULT_K

__all__ = [
    "ReportingConfig",
    "Targets",
    "check_year",
    "compute_context",
    "default_year",
    "find_indicator",
    "frameworks",
    "history",
    "indicator_entry",
    "indicator_trend",
    "load_targets",
    "parse_year",
    "period_results",
    "reporting_config",
    "reporting_years",
    "year_results",
]


@dataclass(frozen=True)
class ReportingConfig:
    """Everything the results depend on besides the database, as plain values."""

    providers: Mapping[str, IndicatorProvider] = field(default_factory=dict)
    suppress_below: int = DEFAULT_K
    tolerance: float = DEFAULT_TOLERANCE
    global_south_flag: str = DEFAULT_GLOBAL_SOUTH_FLAG
    locale: str = "en"


def reporting_config(app: Flask, locale: str = "en") -> ReportingConfig:
    """The app's providers and settings (PORTAL_SUPPRESS_BELOW, PORTAL_RATING_TOLERANCE ...)."""
    return ReportingConfig(
        providers=providers_of(app),
        suppress_below=int(app.config["PORTAL_SUPPRESS_BELOW"]),
        tolerance=float(app.config["PORTAL_RATING_TOLERANCE"]),
        global_south_flag=str(app.config["PORTAL_GLOBAL_SOUTH_FLAG"]),
        locale=locale,
    )


@dataclass(frozen=True)
class Targets:
    """Baselines and targets as entered, by indicator code and year."""

    rows: Mapping[tuple[str, int], IndicatorTarget]

    def target(self, indicator: Indicator, year: int) -> float | None:
        row = self.rows.get((indicator.code, year))
        if row is not None and row.target is not None:
            return row.target
        return indicator.target_for(year)

    def baseline(self, indicator: Indicator, year: int) -> BaselineFigure | None:
        """The year's baseline, else the latest entered before it, else the framework's."""
        entered = [
            row
            for (code, row_year), row in self.rows.items()
            if code == indicator.code and row_year <= year and row.baseline is not None
        ]
        if entered:
            row = max(entered, key=lambda r: r.year)
            return {"value": row.baseline, "year": row.baseline_year}
        if indicator.baseline is not None:
            return {"value": indicator.baseline.value, "year": indicator.baseline.year}
        return None


def load_targets(session: Session, codes: Iterable[str] | None = None) -> Targets:
    query = select(IndicatorTarget)
    if codes is not None:
        query = query.where(IndicatorTarget.code.in_(list(codes)))
    return Targets({(row.code, row.year): row for row in session.scalars(query)})


def compute_context(framework: Framework, year: int, config: ReportingConfig) -> ComputeContext:
    return ComputeContext(
        year=year,
        period_start=framework.start_year,
        period_end=framework.end_year,
        suppress_below=config.suppress_below,
        global_south_flag=config.global_south_flag,
    )


def _figure(
    session: Session, indicator: Indicator, context: ComputeContext, config: ReportingConfig
) -> IndicatorFigure:
    provider = config.providers.get(indicator.source)
    if provider is None:
        # A source whose feature is not installed has no data, which the status says.
        return {"value": None, "suppressed": False, "breakdown": {}}
    return provider(session, indicator.code, indicator.spec(), context)


def _entry(
    session: Session, indicator: Indicator, year: int, targets: Targets, config: ReportingConfig
) -> IndicatorEntry:
    framework, beyond = year_framework(year)
    return indicator_entry(
        indicator,
        _figure(session, indicator, compute_context(framework, year, config), config),
        target=None if beyond else targets.target(indicator, year),
        baseline=targets.baseline(indicator, year),
        locale=config.locale,
        tolerance=config.tolerance,
    )


def year_results(session: Session, year: int, config: ReportingConfig) -> YearResults:
    """The CONTRACT payload for `year`: {year, framework, indicators: [...]} and extensions."""
    framework, beyond = year_framework(year)
    targets = load_targets(session)
    return {
        "year": year,
        "framework": framework.key,
        "framework_period": [framework.start_year, framework.end_year],
        "beyond_framework": beyond,
        "suppress_below": config.suppress_below,
        "indicators": [
            _entry(session, indicator, year, targets, config)
            for indicator in framework.indicators()
        ],
    }


def indicator_trend(
    session: Session, code: str, years: Iterable[int], config: ReportingConfig
) -> IndicatorTrend:
    """The indicator across `years` (each computed by its year's rules) and its history.

    Years whose framework has no indicator `code` are left out. `history` lists the figures of
    earlier reports mapped onto the indicator, with their comparability.
    """
    targets = load_targets(session, [code])
    points: list[TrendEntry] = []
    latest: Indicator | None = None
    for year in sorted(set(years)):
        framework, beyond = year_framework(year)
        try:
            indicator = framework.indicator(code)
        except KeyError:
            continue
        latest = indicator
        entry = _entry(session, indicator, year, targets, config)
        points.append({"year": year, "beyond_framework": beyond, **entry})
    if latest is None:
        raise KeyError(f"no framework of the years asked has indicator {code}")
    return {
        "code": code,
        "title": latest.title_for(config.locale),
        "unit": latest.unit,
        "direction": latest.direction,
        "points": points,
        "history": [historical(f, config.locale) for f in history() if f.indicator == code],
    }


def period_results(session: Session, year: int, config: ReportingConfig) -> dict[int, YearResults]:
    """The payload of every year from the start of `year`'s framework up to `year` (its trend)."""
    framework, _beyond = year_framework(year)
    return {
        each: year_results(session, each, config) for each in range(framework.start_year, year + 1)
    }
