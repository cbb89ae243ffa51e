"""Results as people read them: formatted figures, notes under figures, charts and their tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import format_currency, format_date, format_decimal, format_percent
from flask_babel import gettext as _

from portal.results.charts import Bar, TrendPoint, bar_chart, trend_chart
from portal.results.figures import HistoryRow, IndicatorEntry, IndicatorTrend
from portal.results.framework import Indicator
from portal.results.labels import (
    COMPARABILITY_LABELS,
    QUALIFIER_LABELS,
    SOURCE_LABELS,
    SUPPRESSION_LABELS,
    breakdown_label,
)
from portal.results.ratings import DEFAULT_TOLERANCE, performance_percent


def figure_text(value: float | None, unit: str) -> str:
    """A figure in the page's language: 87.2%, 6,501, 65 days, 0.12, US$7,900,000."""
    if value is None:
        return str(_("No data"))
    if unit == "percent":
        return str(format_percent(value, "#,##0.0%"))
    if unit == "days":
        return str(_("%(days)s days", days=format_decimal(value, "#,##0.#")))
    if unit == "ratio":
        return str(format_decimal(value, "#,##0.00"))
    if unit == "usd":
        return str(format_currency(value, "USD", "¤#,##0", currency_digits=False))
    return str(format_decimal(value, "#,##0.##"))


def date_text(moment: datetime | None) -> str:
    return str(format_date(moment, "medium")) if moment is not None else "—"


def tick_text(value: float, unit: str) -> str:
    if unit == "percent":
        return str(format_percent(value, "#,##0%"))
    return str(format_decimal(value, "#,##0.##"))


def interval_text(ci95: Sequence[float] | None, unit: str) -> str | None:
    if not ci95:
        return None
    low, high = figure_text(ci95[0], unit), figure_text(ci95[1], unit)
    return str(_("%(low)s to %(high)s", low=low, high=high))


def performance_text(
    performance: float | None, status: str | None = None, direction: str = "higher"
) -> str:
    """% of target with one decimal, more where needed so that it reads as its rating does."""
    if performance is None:
        return "—"
    tolerance = float(current_app.config.get("PORTAL_RATING_TOLERANCE", DEFAULT_TOLERANCE))
    percent = performance_percent(
        performance, status or "", direction=direction, tolerance=tolerance
    )
    places = max(1, -int(percent.as_tuple().exponent))
    return str(format_percent(percent / 100, "#,##0." + "0" * places + "%"))


def figure_note(entry: Mapping[str, Any], unit: str, source: str, k: int) -> list[str]:
    """The note under a figure (an entry, a breakdown cell or a trend point of the payload):
    its n, its 95% interval, why it is suppressed, its source."""
    notes: list[str] = []
    if entry.get("suppressed"):
        reason = SUPPRESSION_LABELS.get(entry.get("suppression") or "below_k", "")
        notes.append(_("Suppressed: %(reason)s (at least %(k)s needed).", reason=reason, k=k))
    elif entry.get("valid_n") is not None and entry.get("excluded_n") is not None:
        notes.append(
            _(
                "n = %(n)s valid answers; %(excluded)s excluded (don't know, not applicable or "
                "skipped).",
                n=format_decimal(entry["valid_n"]),
                excluded=format_decimal(entry["excluded_n"]),
            )
        )
    elif entry.get("valid_n") is not None:
        notes.append(
            _(
                "%(numerator)s of %(n)s.",
                numerator=format_decimal(entry.get("numerator") or 0),
                n=format_decimal(entry["valid_n"]),
            )
        )
    if unstated := (entry.get("excluded") or {}).get("not_stated"):
        notes.append(
            _(
                "%(count)s left out: whether volunteering is integrated is not stated.",
                count=format_decimal(unstated),
            )
        )
    if (interval := interval_text(entry.get("ci95"), unit)) is not None:
        notes.append(_("95%% interval (Wilson): %(interval)s.", interval=interval))
    if entry.get("response_rate") is not None:
        notes.append(
            _("Response rate %(rate)s (%(completed)s of %(invited)s invited).",
              rate=format_percent(entry["response_rate"], "#,##0.0%"),
              completed=format_decimal(entry["completed"]),
              invited=format_decimal(entry["invited"]))
        )  # fmt: skip
    notes.append(_("Source: %(source)s.", source=SOURCE_LABELS.get(source, source)))
    if entry.get("source_note"):
        notes.append(_("Entered with the note: %(note)s", note=entry["source_note"]))
    return notes


@dataclass(frozen=True)
class TableRow:
    label: str
    value: str
    suppressed: bool
    n: str
    interval: str
    extra: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart as inline SVG, its name in download links, and the same data as table rows."""

    name: str
    title: str
    svg: str
    rows: tuple[TableRow, ...]


def _row(label: str, figure: Mapping[str, Any], unit: str, extra: str = "") -> TableRow:
    """A table row of a breakdown cell or a trend point."""
    suppressed = bool(figure.get("suppressed"))
    n = figure.get("valid_n")
    return TableRow(
        label=label,
        value=_("Suppressed") if suppressed else figure_text(figure.get("value"), unit),
        suppressed=suppressed,
        n=format_decimal(n) if n is not None else "—",
        interval=interval_text(figure.get("ci95"), unit) or "—",
        extra=extra,
    )


def _scale(unit: str) -> dict[str, Any]:
    return {
        "value_format": lambda v: figure_text(v, unit),
        "tick_format": lambda v: tick_text(v, unit),
    }


def _bar(label: str, figure: Mapping[str, Any]) -> Bar:
    if figure.get("suppressed"):
        return Bar(label, None, None, _("Suppressed"))
    value, ci95 = figure.get("value"), figure.get("ci95")
    return Bar(
        label, value, tuple(ci95) if ci95 else None, None if value is not None else _("No data")
    )


def breakdown_charts(
    indicator: Indicator, entry: IndicatorEntry, year: int, locale: str
) -> list[Chart]:
    """One bar chart per unit among the breakdown groups (a count indicator may add a share)."""
    by_unit: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for key, figure in entry["breakdown"].items():
        by_unit.setdefault(figure["unit"], []).append((key, figure))
    charts = []
    for unit, items in by_unit.items():
        name = f"breakdown-{unit}"
        labels = [breakdown_label(indicator, key, locale) for key, _figure in items]
        bars = [_bar(label, figure) for label, (_key, figure) in zip(labels, items, strict=True)]
        title = _("%(code)s by group, %(year)s", code=indicator.code, year=year)
        described = "; ".join(f"{bar.label}: {bar.value_text or figure_text(bar.value, unit)}"
                              for bar in bars)  # fmt: skip
        svg = bar_chart(
            bars,
            title=title,
            description=described,
            chart_id=name,
            suppressed_text=_("Suppressed"),
            max_value=1.0 if unit == "percent" else None,
            **_scale(unit),
        )
        rows = tuple(_row(label, f, unit) for label, (_k, f) in zip(labels, items, strict=True))
        charts.append(Chart(name, title, svg, rows))
    return charts


def _point_text(point: Mapping[str, Any]) -> str | None:
    if point.get("suppressed"):
        return str(_("Suppressed"))
    return None if point.get("value") is not None else str(_("No data"))


def _history_text(figure: HistoryRow) -> str:
    value = figure_text(figure["value"], figure["unit"])
    qualifier = figure.get("qualifier")
    return f"{QUALIFIER_LABELS[qualifier]} {value}" if qualifier else value


def trend(indicator: Indicator, trend_data: IndicatorTrend) -> Chart:
    """The indicator across the years, earlier reports' same-measure figures included."""
    unit = indicator.unit
    earlier = [
        figure
        for figure in trend_data["history"]
        if figure["comparability"] == "equivalent"
        and figure["breakdown"] is None
        and figure["unit"] == unit
    ]
    points = [TrendPoint(f["year"], f["value"], _history_text(f)) for f in earlier] + [
        TrendPoint(p["year"], p["value"], _point_text(p)) for p in trend_data["points"]
    ]
    targets = [
        TrendPoint(p["year"], p["target"]) for p in trend_data["points"] if p["target"] is not None
    ]
    title = _("%(code)s across the years", code=indicator.code)
    described = "; ".join(
        f"{point.year}: {point.value_text or figure_text(point.value, unit)}" for point in points
    )
    years = [point.year for point in points]
    svg = trend_chart(
        points,
        # Room for a label per year (earlier reports stretch the axis), at least the default width.
        width=max(640, 160 + 96 * (max(years) - min(years))),
        title=title,
        description=described,
        chart_id="trend",
        series_label=_("Value"),
        missing_text=_("No data"),
        targets=targets,
        target_label=_("Target"),
        y_max=1.0 if unit == "percent" else None,
        **_scale(unit),
    )
    rows = [
        replace(_row(str(f["year"]), f, unit, _("Earlier report")), value=_history_text(f))
        for f in earlier
    ]
    rows += [
        _row(
            str(p["year"]),
            p,
            unit,
            _("Target %(target)s", target=figure_text(p["target"], unit))
            if p["target"] is not None
            else "",
        )
        for p in trend_data["points"]
    ]
    return Chart("trend", title, svg, tuple(rows))


def history_rows(trend_data: IndicatorTrend) -> list[dict[str, str]]:
    """Every figure of earlier reports mapped onto the indicator, as text."""
    rows = []
    for figure in trend_data["history"]:
        rows.append(
            {
                "year": figure["period"] or str(figure["year"]),
                "measure": figure["measure"],
                "value": _history_text(figure),
                "comparability": str(COMPARABILITY_LABELS[figure["comparability"]]),
                "document": figure["document"],
            }
        )
    return rows
