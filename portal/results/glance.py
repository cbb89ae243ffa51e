"""The results matrix at a glance: a tile per indicator with its charts and the table behind them.

Tiles are built from the published payloads only (`year_results`, `organisation_results`), in
which a suppressed figure has no value: nothing drawn or written here can show one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _

from portal.results.charts import TrendPoint
from portal.results.figures import IndicatorEntry, PartnerFigure, PartnerResults, YearResults
from portal.results.glance_charts import target_chart, trend_sparkline
from portal.results.labels import STATUS_LABELS
from portal.results.presentation import figure_text, interval_text, performance_text, tick_text


@dataclass(frozen=True)
class YearRow:
    """One year of a tile's table: the figure as text, its interval, target and rating."""

    year: int
    value: str
    interval: str
    target: str
    status: str
    n: str = "—"
    current: bool = False


@dataclass(frozen=True)
class Tile:
    code: str
    title: str
    unit: str
    direction: str
    status: str
    value: str
    withheld: bool  # suppressed or not shown: the figure exists but is not published
    target: str
    performance: str
    table_id: str
    target_svg: str
    trend_svg: str
    rows: tuple[YearRow, ...]

    @property
    def has_interval(self) -> bool:
        """Whether any year has a 95% interval (survey figures), so the table needs the column."""
        return any(row.interval != "—" for row in self.rows)


def _slug(code: str) -> str:
    return code.replace(".", "-")


def value_text(figure: Mapping[str, Any], unit: str) -> str:
    """The figure, or why there is none: never a number when the figure is suppressed."""
    if figure.get("suppressed"):
        return str(_("Suppressed"))
    return figure_text(figure.get("value"), unit)


def _target_text(target: float | None, unit: str) -> str:
    return figure_text(target, unit) if target is not None else "—"


def _scale(unit: str) -> float | None:
    return 1.0 if unit == "percent" else None


def _trend_svg(code: str, rows: Sequence[YearRow], values: Sequence[TrendPoint],
               targets: Sequence[TrendPoint], unit: str, rtl: bool) -> str:  # fmt: skip
    return trend_sparkline(
        values,
        targets=targets,
        title=_("%(code)s across the years", code=code),
        description="; ".join(f"{row.year}: {row.value}" for row in rows),
        chart_id=f"trend-{_slug(code)}",
        described_by=f"data-{_slug(code)}",
        max_value=_scale(unit),
        value_format=lambda v: figure_text(v, unit),
        rtl=rtl,
    )


def _year_row(year: int, entry: IndicatorEntry, current: bool) -> YearRow:
    unit = entry["unit"]
    return YearRow(
        year=year,
        value=value_text(entry, unit),
        interval=interval_text(entry.get("ci95"), unit) or "—",
        target=_target_text(entry["target"], unit),
        status=entry["status"],
        current=current,
    )


def indicator_tile(code: str, by_year: Mapping[int, YearResults], year: int, rtl: bool) -> Tile:
    """The tile of indicator `code` in `year`, its trend over the other years of `by_year`."""
    entries = {
        each: entry
        for each, payload in sorted(by_year.items())
        for entry in payload["indicators"]
        if entry["code"] == code
    }
    entry = entries[year]
    unit, slug = entry["unit"], _slug(code)
    rows = tuple(_year_row(each, found, each == year) for each, found in entries.items())
    shown, target = value_text(entry, unit), _target_text(entry["target"], unit)
    rating = str(STATUS_LABELS[entry["status"]])
    svg = target_chart(
        value=entry["value"],
        target=entry["target"],
        ci95=entry.get("ci95"),
        status=entry["status"],
        title=_("%(code)s: value against target, %(year)s", code=code, year=year),
        description=_(
            "Value %(value)s; target %(target)s; rating: %(rating)s.",
            value=shown,
            target=target,
            rating=rating,
        ),  # fmt: skip
        chart_id=f"value-{slug}",
        described_by=f"data-{slug}",
        value_text=shown,
        target_label=_("Target %(target)s", target=target),
        max_value=_scale(unit),
        tick_format=lambda v: tick_text(v, unit),
        rtl=rtl,
    )
    values = [TrendPoint(each, found["value"]) for each, found in entries.items()]
    targets = [TrendPoint(each, found["target"]) for each, found in entries.items()]
    return Tile(
        code=code,
        title=entry["title"],
        unit=unit,
        direction=entry["direction"],
        status=entry["status"],
        value=shown,
        withheld=bool(entry["suppressed"]),
        target=target,
        performance=performance_text(entry["performance"], entry["status"], entry["direction"]),
        table_id=f"data-{slug}",
        target_svg=svg,
        trend_svg=_trend_svg(code, rows, values, targets, unit, rtl),
        rows=rows,
    )


def matrix_tiles(by_year: Mapping[int, YearResults], year: int, rtl: bool) -> dict[str, Tile]:
    """Every indicator of `year`'s payload as a tile, by code."""
    return {
        entry["code"]: indicator_tile(entry["code"], by_year, year, rtl)
        for entry in by_year[year]["indicators"]
    }


def _partner_text(figure: PartnerFigure, k: int, short: bool = False) -> str:
    """The organisation's figure, or why it is not shown (in a word when `short`, for a chart)."""
    if figure["shown"]:
        return figure_text(figure["value"], "percent")
    if figure["no_data"]:
        return str(_("No data"))
    if figure["available"]:
        if short:
            return str(_("Not shown"))
        return str(_("Not shown: fewer than %(k)s answers from your organisation.", k=k))
    return str(_("Not available yet."))


def _partner_row(year: int, figure: PartnerFigure, k: int, current: bool) -> YearRow:
    n = figure["valid_n"]
    return YearRow(
        year=year,
        value=_partner_text(figure, k),
        interval=interval_text(figure["ci95"], "percent") or "—",
        target="—",
        status="",
        n=format_decimal(n) if n is not None else "—",
        current=current,
    )


def partner_tile(code: str, by_year: Mapping[int, PartnerResults], year: int, rtl: bool) -> Tile:
    """An organisation's own figure as a tile: the value and its interval, never a target."""
    figures = {
        each: figure
        for each, results in sorted(by_year.items())
        for figure in results["indicators"]
        if figure["code"] == code
    }
    k = by_year[year]["suppress_below"]
    figure, slug = figures[year], _slug(code)
    rows = tuple(_partner_row(each, f, k, each == year) for each, f in figures.items())
    shown = _partner_text(figure, k, short=True)
    svg = target_chart(
        value=figure["value"],
        target=None,
        ci95=figure["ci95"],
        status="",
        title=_("%(code)s: your organisation, %(year)s", code=code, year=year),
        description=_("Value %(value)s.", value=shown),
        chart_id=f"value-{slug}",
        described_by=f"data-{slug}",
        value_text=shown,
        target_label="",
        tick_format=lambda v: tick_text(v, "percent"),
        rtl=rtl,
    )
    values = [TrendPoint(each, f["value"]) for each, f in figures.items()]
    return Tile(
        code=code,
        title=figure["title"],
        unit="percent",
        direction="higher",
        status="",
        value=shown,
        withheld=not figure["shown"] and figure["available"] and not figure["no_data"],
        target="—",
        performance="—",
        table_id=f"data-{slug}",
        target_svg=svg,
        trend_svg=_trend_svg(code, rows, values, [], "percent", rtl),
        rows=rows,
    )


def partner_tiles(by_year: Mapping[int, PartnerResults], year: int, rtl: bool) -> list[Tile]:
    return [partner_tile(f["code"], by_year, year, rtl) for f in by_year[year]["indicators"]]


def status_counts(payload: YearResults) -> list[tuple[str, int]]:
    """How many indicators have each rating, in the order of the key (ratings none has left out)."""
    found = [entry["status"] for entry in payload["indicators"]]
    return [(status, found.count(status)) for status in STATUS_LABELS if status in found]
