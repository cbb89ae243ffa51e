"""The results of a reporting year: every indicator's figure, target, performance and rating.

One service builds the payload of `GET /api/v1/indicators` (CONTRACT.md); the dashboard, the
exports and the command line show or serialise that same payload.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import InputError
from portal.results.computations import DEFAULT_GLOBAL_SOUTH_FLAG
from portal.results.models import IndicatorTarget
from portal.results.providers import ComputeContext, IndicatorProvider
from portal.results.ratings import DEFAULT_TOLERANCE, rating_fields
from portal.results.registry import (
    Framework,
    HistoricalFigure,
    Indicator,
    framework_for_year,
    load_frameworks,
    load_history,
)
from portal.results.suppression import DEFAULT_K
from portal.results.tables import N_

LAST_YEAR = 2100
# Figures of a shown (not suppressed) survey group or total; all of them go when it is suppressed.
_FIGURE_KEYS = ("numerator", "valid_n", "excluded_n", "excluded", "ci95", "parts")
_SURVEY_KEYS = ("invited", "completed", "response_rate")
# Keys every entry carries, null where the indicator has no such figure (CONTRACT.md).
_CONTRACT_KEYS = ("numerator", "valid_n", "excluded_n", "ci95", "parts")


@cache
def frameworks() -> tuple[Framework, ...]:
    """The shipped frameworks (read once per process: they change only with a release)."""
    return tuple(load_frameworks())


@cache
def history() -> tuple[HistoricalFigure, ...]:
    return tuple(load_history(frameworks()))


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
        providers=dict(app.extensions.get("indicator_providers", {})),
        suppress_below=int(app.config["PORTAL_SUPPRESS_BELOW"]),
        tolerance=float(app.config["PORTAL_RATING_TOLERANCE"]),
        global_south_flag=str(app.config["PORTAL_GLOBAL_SOUTH_FLAG"]),
        locale=locale,
    )


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


@dataclass(frozen=True)
class Targets:
    """Baselines and targets as entered, by indicator code and year."""

    rows: Mapping[tuple[str, int], IndicatorTarget]

    def target(self, indicator: Indicator, year: int) -> float | None:
        row = self.rows.get((indicator.code, year))
        if row is not None and row.target is not None:
            return row.target
        return indicator.target_for(year)

    def baseline(self, indicator: Indicator, year: int) -> dict[str, Any] | None:
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


def _shown(figure: Mapping[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    """A figure's numbers, or none of them when it is suppressed (whatever a provider sent)."""
    suppressed = bool(figure.get("suppressed"))
    shown: dict[str, Any] = {
        "value": None if suppressed else figure.get("value"),
        "suppressed": suppressed,
    }
    for key in keys:
        if key in figure:
            shown[key] = None if suppressed else figure[key]
    if suppressed:
        shown["suppression"] = figure.get("suppression") or "below_k"
    return shown


def _breakdown(indicator: Indicator, figure: Mapping[str, Any]) -> dict[str, Any]:
    given = figure.get("breakdown") or {}
    items = {}
    for item in indicator.breakdown:
        if item.key in given:
            items[item.key] = {**_shown(given[item.key], _FIGURE_KEYS), "unit": item.unit}
    return items


def indicator_entry(
    indicator: Indicator,
    figure: Mapping[str, Any],
    *,
    target: float | None,
    baseline: Mapping[str, Any] | None,
    config: ReportingConfig,
) -> dict[str, Any]:
    """One entry of the indicators list: the figure with its target, performance and status."""
    total = _shown(figure, (*_FIGURE_KEYS, *_SURVEY_KEYS))
    value, suppressed = total.pop("value"), total.pop("suppressed")
    entry: dict[str, Any] = {
        "code": indicator.code,
        "title": indicator.title_for(config.locale),
        "unit": indicator.unit,
        "direction": indicator.direction,
        "source": indicator.source,
        "outcome": indicator.outcome,
        "output": indicator.output,
        "value": value,
        **{key: total.pop(key, None) for key in _CONTRACT_KEYS},
        **rating_fields(
            value,
            target,
            direction=indicator.direction,
            suppressed=suppressed,
            tolerance=config.tolerance,
        ),
        "suppressed": suppressed,
        **total,
        "baseline": dict(baseline) if baseline else None,
        "breakdown": _breakdown(indicator, figure),
    }
    for key in ("source_note", "entered_at"):
        if key in figure:
            entry[key] = figure[key]
    return entry


def _figure(
    session: Session, indicator: Indicator, context: ComputeContext, config: ReportingConfig
) -> Mapping[str, Any]:
    provider = config.providers.get(indicator.source)
    if provider is None:
        # A source whose feature is not installed has no data, which the status says.
        return {"value": None, "suppressed": False, "breakdown": {}}
    return provider(session, indicator.code, indicator.spec(), context)


def year_results(session: Session, year: int, config: ReportingConfig) -> dict[str, Any]:
    """The CONTRACT payload for `year`: {year, framework, indicators: [...]} and extensions."""
    framework, beyond = framework_for_year(frameworks(), check_year(year))
    context = compute_context(framework, year, config)
    targets = load_targets(session)
    indicators = []
    for indicator in framework.indicators():
        indicators.append(
            indicator_entry(
                indicator,
                _figure(session, indicator, context, config),
                target=None if beyond else targets.target(indicator, year),
                baseline=targets.baseline(indicator, year),
                config=config,
            )
        )
    return {
        "year": year,
        "framework": framework.key,
        "framework_period": [framework.start_year, framework.end_year],
        "beyond_framework": beyond,
        "suppress_below": config.suppress_below,
        "indicators": indicators,
    }


def find_indicator(code: str, year: int) -> tuple[Framework, Indicator]:
    """The indicator `code` of the framework `year` belongs to; KeyError when it has none."""
    framework, _beyond = framework_for_year(frameworks(), check_year(year))
    return framework, framework.indicator(code)


def indicator_trend(
    session: Session, code: str, years: Iterable[int], config: ReportingConfig
) -> dict[str, Any]:
    """The indicator across `years` (each computed by its year's rules) and its history.

    Years whose framework has no indicator `code` are left out. `history` lists the figures of
    earlier reports mapped onto the indicator, with their comparability.
    """
    targets = load_targets(session, [code])
    points = []
    latest: Indicator | None = None
    for year in sorted(set(years)):
        framework, beyond = framework_for_year(frameworks(), check_year(year))
        try:
            indicator = framework.indicator(code)
        except KeyError:
            continue
        latest = indicator
        entry = indicator_entry(
            indicator,
            _figure(session, indicator, compute_context(framework, year, config), config),
            target=None if beyond else targets.target(indicator, year),
            baseline=targets.baseline(indicator, year),
            config=config,
        )
        points.append({"year": year, "beyond_framework": beyond, **entry})
    if latest is None:
        raise KeyError(f"no framework of the years asked has indicator {code}")
    return {
        "code": code,
        "title": latest.title_for(config.locale),
        "unit": latest.unit,
        "direction": latest.direction,
        "points": points,
        "history": [_historical(f, config.locale) for f in history() if f.indicator == code],
    }


def _historical(figure: HistoricalFigure, locale: str) -> dict[str, Any]:
    return {
        "year": figure.year,
        "period": figure.period,
        "breakdown": figure.breakdown,
        "value": figure.value,
        "unit": figure.unit,
        "qualifier": figure.qualifier,
        "target": figure.target,
        "performance": figure.performance,
        "comparability": figure.comparability,
        "measure": figure.original_for(locale),
        "document": figure.document_title_for(locale),
    }
