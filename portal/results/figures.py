"""The typed indicators payload: a provider's figure, the API entry, the trend, the partner view.

Every type is a TypedDict, so the objects are the JSON of `GET /api/v1/indicators` (CONTRACT.md)
as they are: the API, the exports and the templates read the same keys, and mypy checks them.
Keys marked NotRequired appear only where the indicator has such a figure.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

#: The 95% Wilson score interval as [low, high] fractions.
Ci95 = list[float]
#: Shares of the answer codes that make up a survey value (fully agree, somewhat agree).
Parts = dict[str, float]


class IndicatorSpec(TypedDict):
    """An indicator's registry entry as handed to its provider."""

    code: str
    unit: str
    direction: str
    source: str
    question_key: str | None
    parts: list[str]
    breakdown: list[str]
    cumulative: bool
    organisation_id: NotRequired[int]  # restrict the figure to one organisation's answers


class _Counts(TypedDict):
    """What every figure carries: its value and the counts behind it (shared by the types below)."""

    value: float | None
    suppressed: bool
    numerator: NotRequired[int | None]
    valid_n: NotRequired[int | None]
    excluded_n: NotRequired[int | None]
    excluded: NotRequired[dict[str, int] | None]
    ci95: NotRequired[Ci95 | None]
    parts: NotRequired[Parts | None]
    invited: NotRequired[int | None]
    completed: NotRequired[int | None]
    response_rate: NotRequired[float | None]
    no_data: NotRequired[bool]  # nobody answered: nothing to show (beside any suppression)


class IndicatorFigure(_Counts):
    """A provider's answer for one indicator and year (or one breakdown group of it)."""

    suppression: NotRequired[str | None]
    breakdown: NotRequired[dict[str, IndicatorFigure]]
    source_note: NotRequired[str]
    entered_at: NotRequired[str]
    organisation_id: NotRequired[int]  # the organisation the figure is restricted to


class ShownFigure(_Counts):
    """A figure as published: its numbers only when it is not suppressed, else why it is.

    `no_data` (present only when true) marks where there is no figure at all (nothing answered,
    nothing entered), as opposed to a figure that exists but is withheld (`suppressed`); never
    both.
    """

    suppression: NotRequired[str]


class BreakdownCell(ShownFigure):
    """One breakdown group of an entry, with its unit."""

    unit: str


class BaselineFigure(TypedDict):
    value: float | None
    year: int | None


class IndicatorEntry(TypedDict):
    """One entry of the `indicators` list of `GET /api/v1/indicators`."""

    code: str
    title: str
    unit: str
    direction: str
    source: str
    outcome: str
    output: str | None
    value: float | None
    numerator: int | None
    valid_n: int | None
    excluded_n: int | None
    ci95: Ci95 | None
    parts: Parts | None
    target: float | None
    performance: float | None
    status: str
    suppressed: bool
    no_data: NotRequired[bool]
    excluded: NotRequired[dict[str, int] | None]
    invited: NotRequired[int | None]
    completed: NotRequired[int | None]
    response_rate: NotRequired[float | None]
    suppression: NotRequired[str]
    baseline: BaselineFigure | None
    breakdown: dict[str, BreakdownCell]
    source_note: NotRequired[str]
    entered_at: NotRequired[str]


class YearResults(TypedDict):
    """The payload of `GET /api/v1/indicators?year=`, the exports and the dashboard."""

    year: int
    framework: str
    framework_period: list[int]
    beyond_framework: bool
    suppress_below: int
    indicators: list[IndicatorEntry]


class TrendEntry(IndicatorEntry):
    """An entry of one year of an indicator's trend."""

    year: int
    beyond_framework: bool


class HistoryRow(TypedDict):
    """A figure of an earlier report mapped onto the indicator."""

    year: int
    period: str | None
    breakdown: str | None
    value: float
    unit: str
    qualifier: str | None
    target: float | None
    performance: float | None
    comparability: str
    measure: str
    document: str


class IndicatorTrend(TypedDict):
    code: str
    title: str
    unit: str
    direction: str
    points: list[TrendEntry]
    history: list[HistoryRow]


class PartnerFigure(TypedDict):
    """A headline figure of a partner's own organisation: numbers only when `shown`."""

    code: str
    title: str
    available: bool
    shown: bool
    no_data: bool  # available, but nothing was answered: no figure at all (never suppressed)
    value: float | None
    valid_n: int | None
    ci95: Ci95 | None
    parts: Parts | None


class PartnerResults(TypedDict):
    year: int
    suppress_below: int
    indicators: list[PartnerFigure]
