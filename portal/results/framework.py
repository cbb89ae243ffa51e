"""The typed model of a results framework: outcomes, outputs, indicators, baselines and history."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from portal.results.figures import IndicatorSpec

UNITS = ("percent", "count", "days", "ratio", "usd")
DIRECTIONS = ("higher", "lower")
COMPARABILITY = ("equivalent", "related")
QUALIFIERS = ("approximately", "more_than")


class RegistryError(ValueError):
    """A framework or history file breaks the registry's rules; the message names file and item."""


def localized(titles: Mapping[str, str], locale: str) -> str:
    """The text in `locale`, else in its language (zh_Hans_CN -> zh), else in English."""
    language = re.split(r"[-_]", locale, maxsplit=1)[0].lower()
    return titles.get(locale) or titles.get(language) or titles["en"]


class _Titled:
    titles: Mapping[str, str]

    def title_for(self, locale: str) -> str:
        """Title in `locale` (or its language, zh_Hans_CN -> zh), falling back to English."""
        return localized(self.titles, locale)


@dataclass(frozen=True)
class Baseline:
    value: float
    year: int


@dataclass(frozen=True)
class BreakdownItem:
    """One disaggregation of an indicator; `annex` is its letter in the framework's annex."""

    key: str
    unit: str
    annex: str | None = None
    titles: Mapping[str, str] = field(default_factory=dict)

    def title_for(self, locale: str) -> str | None:
        """The item's own title, or None for the shared groups whose labels the portal owns."""
        return localized(self.titles, locale) if self.titles else None


@dataclass(frozen=True)
class Indicator(_Titled):
    code: str
    titles: Mapping[str, str]
    unit: str
    direction: str
    source: str
    outcome: str
    output: str | None
    question_key: str | None = None
    parts: tuple[str, ...] = ()
    breakdown: tuple[BreakdownItem, ...] = ()
    baseline: Baseline | None = None
    targets: Mapping[int, float] = field(default_factory=dict)
    cumulative: bool = False
    notes: Mapping[str, str] = field(default_factory=dict)

    @property
    def level(self) -> str:
        return "outcome" if self.output is None else "output"

    @property
    def is_survey(self) -> bool:
        """Computed from the answers to one question of the source's questionnaire."""
        return self.question_key is not None

    @property
    def breakdown_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.breakdown)

    def note_for(self, locale: str) -> str | None:
        return localized(self.notes, locale) if self.notes else None

    def target_for(self, year: int) -> float | None:
        return self.targets.get(year)

    def spec(self) -> IndicatorSpec:
        """The plain-data entry handed to indicator providers."""
        return {
            "code": self.code,
            "unit": self.unit,
            "direction": self.direction,
            "source": self.source,
            "question_key": self.question_key,
            "parts": list(self.parts),
            "breakdown": list(self.breakdown_keys),
            "cumulative": self.cumulative,
        }


@dataclass(frozen=True)
class Output(_Titled):
    code: str
    titles: Mapping[str, str]
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Outcome(_Titled):
    code: str
    titles: Mapping[str, str]
    statements: Mapping[str, str]
    indicators: tuple[Indicator, ...]
    outputs: tuple[Output, ...]

    def statement_for(self, locale: str) -> str | None:
        return localized(self.statements, locale) if self.statements else None


@dataclass(frozen=True)
class Framework(_Titled):
    key: str
    start_year: int
    end_year: int
    titles: Mapping[str, str]
    document: str
    outcomes: tuple[Outcome, ...]

    @property
    def file_name(self) -> str:
        """The file the framework is read from (its key is the file's name)."""
        return f"{self.key}.yaml"

    def covers(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year

    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator in the annex's order: each outcome's own, then its outputs'."""
        found: list[Indicator] = []
        for outcome in self.outcomes:
            found.extend(outcome.indicators)
            for output in outcome.outputs:
                found.extend(output.indicators)
        return tuple(found)

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators():
            if indicator.code == code:
                return indicator
        raise KeyError(f"framework {self.key} has no indicator {code}")


@dataclass(frozen=True)
class HistoricalFigure:
    """A figure from an earlier report mapped onto an indicator of a current framework."""

    framework: str
    indicator: str
    year: int
    value: float
    unit: str
    comparability: str
    document: str
    document_titles: Mapping[str, str]
    original: Mapping[str, str]
    breakdown: str | None = None
    period: str | None = None
    qualifier: str | None = None
    target: float | None = None
    performance: float | None = None

    def original_for(self, locale: str) -> str:
        return localized(self.original, locale)

    def document_title_for(self, locale: str) -> str:
        return localized(self.document_titles, locale)


def framework_for_year(frameworks: Sequence[Framework], year: int) -> tuple[Framework, bool]:
    """The framework a reporting year belongs to, and whether the year is past its end.

    A year after a framework's end keeps using that framework's indicators (reported with no
    target) until a newer framework is added; a year before the first framework has none.
    """
    earlier = [f for f in sorted(frameworks, key=lambda f: f.start_year) if f.start_year <= year]
    if not earlier:
        raise LookupError(f"no results framework covers {year}")
    framework = earlier[-1]
    return framework, year > framework.end_year
