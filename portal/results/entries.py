"""One entry of the indicators payload: a provider's figure as published, rated and noted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypedDict

from portal.results.figures import (
    BaselineFigure,
    BreakdownCell,
    HistoryRow,
    IndicatorEntry,
    IndicatorFigure,
    ShownFigure,
)
from portal.results.framework import HistoricalFigure, Indicator
from portal.results.ratings import rating_fields
from portal.results.suppression import BELOW_K

_Number = Literal["numerator", "valid_n", "excluded_n", "excluded", "ci95", "parts"]
_Survey = Literal["invited", "completed", "response_rate"]
# Figures of a shown (not suppressed) survey group or total; all of them go when it is suppressed.
_FIGURE_KEYS: tuple[_Number, ...] = (
    "numerator", "valid_n", "excluded_n", "excluded", "ci95", "parts",
)  # fmt: skip
_SURVEY_KEYS: tuple[_Survey, ...] = ("invited", "completed", "response_rate")
# Keys past the rating that an entry carries only where the indicator has them.
_EXTRA_KEYS: tuple[Literal["excluded"] | _Survey, ...] = ("excluded", *_SURVEY_KEYS)


def has_no_data(figure: IndicatorFigure) -> bool:
    """No figure at all: the provider says nobody answered, or there is no value and none is
    withheld (nothing entered, nothing to count, no provider)."""
    return bool(figure.get("no_data")) or (
        not figure.get("suppressed") and figure.get("value") is None
    )


def shown_figure(figure: IndicatorFigure, *, survey: bool = False) -> ShownFigure:
    """A figure's numbers, or none of them when it is suppressed (whatever a provider sent).

    A figure with no data is published as such (`no_data`, present only then), never as
    suppressed: there is nothing to withhold. Its response rate, if any, is still shown.
    """
    no_data = has_no_data(figure)
    suppressed = bool(figure.get("suppressed")) and not no_data
    hidden = suppressed or no_data
    shown: ShownFigure = {
        "value": None if hidden else figure.get("value"),
        "suppressed": suppressed,
    }
    if no_data:
        shown["no_data"] = True
    for key in _FIGURE_KEYS:
        if key in figure:
            shown[key] = None if hidden else figure[key]
    for survey_key in _SURVEY_KEYS if survey else ():
        if survey_key in figure:
            shown[survey_key] = None if suppressed else figure[survey_key]
    if suppressed:
        shown["suppression"] = figure.get("suppression") or BELOW_K
    return shown


def mark_no_data(
    figure: IndicatorFigure, respondents: int, group_respondents: Mapping[str, int]
) -> IndicatorFigure:
    """Mark where a survey figure rests on nobody at all: `no_data`, beside its suppression.

    `respondents` counts the responses behind the total (answers, excluded codes and skipped
    questions alike), `group_respondents` the same per breakdown group. With no respondent at all
    the total and every group have no data. Under a total that is shown, a group nobody belongs
    to has no data: an empty set protects nothing and reveals no answer. Under a suppressed total
    that rests on someone, every group keeps its suppression, so that not even the emptiness of a
    group is told about a small population. The provider's suppression is left as it is; the
    published entry shows "no data" instead (`shown_figure`).
    """
    marked = figure.copy()
    groups = figure.get("breakdown", {})
    if respondents == 0:
        marked["no_data"] = True
        marked["breakdown"] = {key: {**group, "no_data": True} for key, group in groups.items()}
    elif not figure.get("suppressed"):
        marked["breakdown"] = {
            key: {**group, "no_data": True} if group_respondents.get(key) == 0 else group
            for key, group in groups.items()
        }
    return marked


def _breakdown(indicator: Indicator, figure: IndicatorFigure) -> dict[str, BreakdownCell]:
    given = figure.get("breakdown") or {}
    return {
        item.key: {**shown_figure(given[item.key]), "unit": item.unit}
        for item in indicator.breakdown
        if item.key in given
    }


class _Extras(TypedDict, total=False):
    excluded: dict[str, int] | None
    invited: int | None
    completed: int | None
    response_rate: float | None
    suppression: str
    no_data: bool


class _Notes(TypedDict, total=False):
    source_note: str
    entered_at: str


def _extras(total: ShownFigure) -> _Extras:
    extras: _Extras = {}
    for key in _EXTRA_KEYS:
        if key in total:
            extras[key] = total[key]
    if "suppression" in total:
        extras["suppression"] = total["suppression"]
    if "no_data" in total:
        extras["no_data"] = total["no_data"]
    return extras


def _notes(figure: IndicatorFigure) -> _Notes:
    notes: _Notes = {}
    if "source_note" in figure:
        notes["source_note"] = figure["source_note"]
    if "entered_at" in figure:
        notes["entered_at"] = figure["entered_at"]
    return notes


def indicator_entry(
    indicator: Indicator,
    figure: IndicatorFigure,
    *,
    target: float | None,
    baseline: BaselineFigure | None,
    locale: str,
    tolerance: float,
) -> IndicatorEntry:
    """One entry of the indicators list: the figure with its target, performance and status."""
    total = shown_figure(figure, survey=True)
    rating = rating_fields(
        total["value"],
        target,
        direction=indicator.direction,
        suppressed=total["suppressed"],
        tolerance=tolerance,
    )
    return {
        "code": indicator.code,
        "title": indicator.title_for(locale),
        "unit": indicator.unit,
        "direction": indicator.direction,
        "source": indicator.source,
        "outcome": indicator.outcome,
        "output": indicator.output,
        "value": total["value"],
        "numerator": total.get("numerator"),
        "valid_n": total.get("valid_n"),
        "excluded_n": total.get("excluded_n"),
        "ci95": total.get("ci95"),
        "parts": total.get("parts"),
        **rating,
        "suppressed": total["suppressed"],
        **_extras(total),
        "baseline": BaselineFigure(**baseline) if baseline else None,
        "breakdown": _breakdown(indicator, figure),
        **_notes(figure),
    }


def historical(figure: HistoricalFigure, locale: str) -> HistoryRow:
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
