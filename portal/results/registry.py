"""Results-framework registry: indicators, baselines, targets and history loaded from YAML."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from portal.results.suppression import GROUP_KEYS

FRAMEWORKS_DIR = Path(__file__).parent / "frameworks"
HISTORY_FILE = Path(__file__).parent / "history.yaml"

# fmt: off
UNITS = ("percent", "count", "days", "ratio", "usd")
DIRECTIONS = ("higher", "lower")
SOURCES = ("partner_survey", "volunteer_exit", "knowledge", "staff")
SURVEY_SOURCES = ("partner_survey", "volunteer_exit")
# Each survey question feeds indicators of exactly one survey.
QUESTION_KEYS: Mapping[str, str] = {
    "expectations_met": "partner_survey", "recruitment_efficient": "partner_survey",
    "satisfied_experience": "volunteer_exit", "development_contribution": "volunteer_exit",
}
SUBSTANTIVE_ANSWERS = (
    "fully_agree", "somewhat_agree", "neither", "somewhat_disagree", "fully_disagree",
)
NON_SUBSTANTIVE_ANSWERS = ("dont_know", "not_applicable")
AGREE_PARTS = ("fully_agree", "somewhat_agree")
COMPARABILITY = ("equivalent", "related")
QUALIFIERS = ("approximately", "more_than")
_INDICATOR_FIELDS = {
    "code", "title", "unit", "direction", "source", "question_key", "parts", "breakdown",
    "baseline", "targets", "cumulative", "note",
}
# fmt: on

_CODE = re.compile(r"^\d+(\.\d+){1,2}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class RegistryError(ValueError):
    """A framework or history file breaks the registry's rules; the message names file and item."""


def _localized(titles: Mapping[str, str], locale: str) -> str:
    language = re.split(r"[-_]", locale, maxsplit=1)[0].lower()
    return titles.get(locale) or titles.get(language) or titles["en"]


class _Titled:
    titles: Mapping[str, str]

    def title_for(self, locale: str) -> str:
        """Title in `locale` (or its language, zh_Hans_CN -> zh), falling back to English."""
        return _localized(self.titles, locale)


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
        return _localized(self.titles, locale) if self.titles else None


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
        return self.source in SURVEY_SOURCES

    @property
    def breakdown_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.breakdown)

    def note_for(self, locale: str) -> str | None:
        return _localized(self.notes, locale) if self.notes else None

    def target_for(self, year: int) -> float | None:
        return self.targets.get(year)

    def spec(self) -> dict[str, Any]:
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
        return _localized(self.statements, locale) if self.statements else None


@dataclass(frozen=True)
class Framework(_Titled):
    key: str
    start_year: int
    end_year: int
    titles: Mapping[str, str]
    document: str
    outcomes: tuple[Outcome, ...]

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
        return _localized(self.original, locale)

    def document_title_for(self, locale: str) -> str:
        return _localized(self.document_titles, locale)


class _Reader:
    """Reads one YAML file, raising errors that name the file and the item being read."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> RegistryError:
        return RegistryError(f"{self.path.name}: {where}: {message}")

    def load(self) -> Mapping[str, Any]:
        try:
            data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise RegistryError(f"{self.path.name}: not valid YAML: {exc}") from exc
        if not isinstance(data, Mapping):
            raise RegistryError(f"{self.path.name}: the top level must be a mapping")
        return data

    def required(self, data: Any, name: str, where: str) -> Any:
        if not isinstance(data, Mapping):
            raise self.fail(where, f"expected a mapping with '{name}', found {data!r}")
        if data.get(name) is None:
            raise self.fail(where, f"'{name}' is required")
        return data[name]

    def choice(self, value: Any, allowed: Sequence[str], name: str, where: str) -> str:
        if value not in allowed:
            raise self.fail(where, f"{name} {value!r} is not one of {', '.join(allowed)}")
        return str(value)

    def year(self, value: Any, name: str, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
            raise self.fail(where, f"{name} {value!r} is not a year")
        return value

    def number(self, value: Any, name: str, where: str, unit: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise self.fail(where, f"{name} {value!r} is not a number")
        if value < 0 or (unit == "percent" and value > 1):
            bounds = "a fraction in [0, 1]" if unit == "percent" else "zero or more"
            raise self.fail(where, f"{name} {value!r} must be {bounds}")
        return float(value)

    def titles(self, value: Any, name: str, where: str) -> dict[str, str]:
        if not isinstance(value, Mapping) or not isinstance(value.get("en"), str):
            raise self.fail(where, f"{name} needs at least an English ('en') text")
        if not all(isinstance(text, str) and text.strip() for text in value.values()):
            raise self.fail(where, f"{name} has an empty or non-text translation")
        return {str(locale): text.strip() for locale, text in value.items()}

    def breakdown_item(self, raw: Any, unit: str, survey: bool, where: str) -> BreakdownItem:
        key = raw if isinstance(raw, str) else raw.get("key") if isinstance(raw, Mapping) else None
        if not isinstance(key, str) or not _KEY.match(key):
            raise self.fail(where, f"breakdown key {key!r} is not a snake_case name")
        options = raw if isinstance(raw, Mapping) else {}
        if survey and key not in GROUP_KEYS:
            raise self.fail(
                where, f"survey breakdown {key!r} is not one of {', '.join(GROUP_KEYS)}"
            )
        if key not in GROUP_KEYS and "title" not in options:
            raise self.fail(where, f"breakdown {key!r} needs a title")
        item_unit = self.choice(options.get("unit", unit), UNITS, f"breakdown {key} unit", where)
        titles = (
            self.titles(options["title"], f"breakdown {key} title", where)
            if ("title" in options)
            else {}
        )
        annex = options.get("annex")
        return BreakdownItem(key, item_unit, None if annex is None else str(annex), titles)

    def indicator(self, raw: Any, outcome: str, output: str | None) -> Indicator:
        if not isinstance(raw, Mapping):
            raise self.fail(f"outcome {outcome}", "each indicator must be a mapping")
        code = str(raw.get("code", ""))
        where = f"indicator {code or '?'}"
        if not _CODE.match(code):
            raise self.fail(where, "code must look like 1.2 or 1.2.1")
        if not code.startswith(f"{output or outcome}."):
            raise self.fail(
                where,
                f"code does not belong to {'output' if output else 'outcome'} {output or outcome}",
            )
        if unknown := sorted(set(raw) - _INDICATOR_FIELDS):
            raise self.fail(where, f"unknown field(s) {', '.join(unknown)}")
        unit = self.choice(self.required(raw, "unit", where), UNITS, "unit", where)
        direction = self.choice(
            self.required(raw, "direction", where), DIRECTIONS, "direction", where
        )
        source = self.choice(self.required(raw, "source", where), SOURCES, "source", where)
        survey = source in SURVEY_SOURCES
        question_key = raw.get("question_key")
        parts = tuple(raw.get("parts") or ())
        if survey:
            self.choice(question_key, list(QUESTION_KEYS), "question_key", where)
            if QUESTION_KEYS[question_key] != source:
                raise self.fail(where, f"question {question_key} is not asked in {source}")
            if unit != "percent":
                raise self.fail(where, "survey indicators are percentages")
            for part in parts:
                self.choice(part, SUBSTANTIVE_ANSWERS, "part", where)
        elif question_key is not None or parts:
            raise self.fail(where, "only survey indicators take question_key and parts")
        items = [self.breakdown_item(b, unit, survey, where) for b in raw.get("breakdown") or ()]
        if len({item.key for item in items}) != len(items):
            raise self.fail(where, "breakdown keys repeat")
        baseline = None
        if (raw_baseline := raw.get("baseline")) is not None:
            if not isinstance(raw_baseline, Mapping):
                raise self.fail(where, "baseline must be a mapping with value and year")
            baseline = Baseline(
                self.number(raw_baseline.get("value"), "baseline value", where, unit),
                self.year(raw_baseline.get("year"), "baseline year", where),
            )
        raw_targets = raw.get("targets") or {}
        if not isinstance(raw_targets, Mapping):
            raise self.fail(where, "targets must map years to values")
        targets = {
            self.year(year, "target year", where): self.number(value, "target", where, unit)
            for year, value in raw_targets.items()
        }
        return Indicator(
            code=code,
            titles=self.titles(raw.get("title"), "title", where),
            unit=unit,
            direction=direction,
            source=source,
            outcome=outcome,
            output=output,
            question_key=question_key,
            parts=parts,
            breakdown=tuple(items),
            baseline=baseline,
            targets=targets,
            cumulative=bool(raw.get("cumulative", False)),
            notes=self.titles(raw["note"], "note", where) if raw.get("note") else {},
        )

    def framework(self) -> Framework:
        data = self.load()
        key = str(self.required(data, "key", "framework"))
        if key != self.path.stem:
            raise self.fail(
                "framework", f"key {key!r} differs from the file name {self.path.stem!r}"
            )
        start = self.year(self.required(data, "start_year", key), "start_year", key)
        end = self.year(self.required(data, "end_year", key), "end_year", key)
        if end < start:
            raise self.fail(key, f"end_year {end} is before start_year {start}")
        outcomes = []
        for raw in self.required(data, "outcomes", key):
            code = str(self.required(raw, "code", f"framework {key} outcome"))
            where = f"outcome {code}"
            outputs = []
            for raw_output in raw.get("outputs") or ():
                output = str(self.required(raw_output, "code", f"{where} output"))
                indicators = raw_output.get("indicators") or ()
                outputs.append(
                    Output(
                        output,
                        self.titles(raw_output.get("title"), "title", f"output {output}"),
                        tuple(self.indicator(item, code, output) for item in indicators),
                    )
                )
            outcomes.append(
                Outcome(
                    code,
                    self.titles(raw.get("title"), "title", where),
                    self.titles(raw["statement"], "statement", where)
                    if raw.get("statement")
                    else {},
                    tuple(self.indicator(item, code, None) for item in raw.get("indicators") or ()),
                    tuple(outputs),
                )
            )
        framework = Framework(
            key,
            start,
            end,
            self.titles(data.get("title"), "title", key),
            str(data.get("document", "")),
            tuple(outcomes),
        )
        codes = [indicator.code for indicator in framework.indicators()]
        if repeated := sorted({code for code in codes if codes.count(code) > 1}):
            raise self.fail(f"framework {key}", f"indicator code(s) repeat: {', '.join(repeated)}")
        for indicator in framework.indicators():
            if outside := sorted(y for y in indicator.targets if not framework.covers(y)):
                raise self.fail(
                    f"indicator {indicator.code}", f"target year(s) {outside} outside {start}-{end}"
                )
        return framework

    def history(self, frameworks: Sequence[Framework]) -> list[HistoricalFigure]:
        data = self.load()
        key = str(self.required(data, "framework", "history"))
        framework = next((f for f in frameworks if f.key == key), None)
        if framework is None:
            raise self.fail("history", f"framework {key!r} is not loaded")
        documents = self.required(data, "documents", "history")
        if not isinstance(documents, Mapping):
            raise self.fail("history", "documents must map keys to titles")
        figures = []
        for number, raw in enumerate(self.required(data, "figures", "history"), start=1):
            where = f"figure {number}"
            code = str(self.required(raw, "indicator", where))
            where = f"figure {number} (indicator {code})"
            try:
                indicator = framework.indicator(code)
            except KeyError:
                raise self.fail(where, f"no such indicator in {key}") from None
            breakdown = raw.get("breakdown")
            if breakdown is not None and breakdown not in (*indicator.breakdown_keys, *GROUP_KEYS):
                raise self.fail(where, f"breakdown {breakdown!r} is not one of the indicator's")
            units = {item.key: item.unit for item in indicator.breakdown}
            default_unit = units.get(breakdown, indicator.unit)
            unit = self.choice(raw.get("unit", default_unit), UNITS, "unit", where)
            document = str(self.required(raw, "document", where))
            if not isinstance(documents.get(document), Mapping):
                raise self.fail(where, f"document {document!r} is not listed under documents")
            qualifier = raw.get("qualifier")
            if qualifier is not None:
                self.choice(qualifier, QUALIFIERS, "qualifier", where)
            target, performance = raw.get("target"), raw.get("performance")
            figures.append(
                HistoricalFigure(
                    framework=key,
                    indicator=indicator.code,
                    year=self.year(raw.get("year"), "year", where),
                    value=self.number(raw.get("value"), "value", where, unit),
                    unit=unit,
                    comparability=self.choice(
                        raw.get("comparability"), COMPARABILITY, "comparability", where
                    ),
                    document=document,
                    document_titles=self.titles(
                        documents[document].get("title"), "title", document
                    ),
                    original=self.titles(raw.get("original"), "original", where),
                    breakdown=breakdown,
                    period=None if raw.get("period") is None else str(raw["period"]),
                    qualifier=qualifier,
                    target=None if target is None else self.number(target, "target", where, unit),
                    performance=None
                    if performance is None
                    else self.number(performance, "performance", where, "ratio"),
                )
            )
        return figures


def load_frameworks(directory: Path | str = FRAMEWORKS_DIR) -> list[Framework]:
    """Every `*.yaml` framework in `directory`, oldest first; periods must not overlap."""
    paths = sorted(Path(directory).glob("*.yaml"))
    if not paths:
        raise RegistryError(f"{directory}: no framework files (*.yaml)")
    frameworks = sorted((_Reader(path).framework() for path in paths), key=lambda f: f.start_year)
    for earlier, later in zip(frameworks, frameworks[1:], strict=False):
        if later.start_year <= earlier.end_year:
            raise RegistryError(
                f"{later.key}.yaml: period {later.start_year}-{later.end_year} overlaps "
                f"framework {earlier.key}"
            )
    return frameworks


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


def load_history(
    frameworks: Sequence[Framework], path: Path | str = HISTORY_FILE
) -> list[HistoricalFigure]:
    """Figures of earlier reports mapped onto the indicators of a loaded framework."""
    return _Reader(Path(path)).history(frameworks)
