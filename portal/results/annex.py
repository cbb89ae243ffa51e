"""The printable report of a year: the results-framework annex, as the Executive Board reads it.

Its content is the year's payload (`year_results`, the API's content) put into words in one
language: a table per outcome and per output, each indicator with its baseline, target, value,
rating in words and notes (n, interval, source, why a figure is suppressed), then its groups.
A suppressed figure has no value in the payload, so none can reach the report; `annex_pdf` lays
the words out on pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import format_date, format_percent
from flask_babel import gettext as _

from portal.i18n import RTL_LANGUAGES
from portal.results.figures import BreakdownCell, IndicatorEntry, YearResults
from portal.results.framework import Framework, Indicator
from portal.results.glance import value_text
from portal.results.labels import SOURCE_LABELS, STATUS_LABELS, breakdown_label
from portal.results.periods import frameworks
from portal.results.presentation import figure_note, figure_text, performance_text


@dataclass(frozen=True)
class AnnexRow:
    """Indicator, baseline, target, value, rating, notes; `status` colours the rating cell."""

    cells: tuple[str, str, str, str, str, str]
    status: str | None = None
    group: bool = False  # a breakdown group under its indicator


@dataclass(frozen=True)
class AnnexSection:
    heading: str
    statement: str | None
    rows: tuple[AnnexRow, ...]
    level: int  # 1: an outcome, 2: an output


@dataclass(frozen=True)
class Annex:
    lang: str
    rtl: bool
    title: str
    subtitle: str
    facts: tuple[str, ...]
    headings: tuple[str, ...]
    sections: tuple[AnnexSection, ...]
    closing: tuple[str, ...]
    footer: str  # with {page} to fill in


def _baseline(entry: IndicatorEntry) -> str:
    baseline = entry["baseline"]
    if baseline is None or baseline["value"] is None:
        return "—"
    value = figure_text(baseline["value"], entry["unit"])
    if baseline["year"] is None:
        return value
    return str(_("%(value)s in %(year)s", value=value, year=baseline["year"]))


def _rating(entry: IndicatorEntry) -> str:
    words = str(STATUS_LABELS[entry["status"]])
    if entry["performance"] is None:
        return words
    share = performance_text(entry["performance"], entry["status"], entry["direction"])
    return words + "\n" + str(_("%(performance)s of target", performance=share))


def _notes(entry: IndicatorEntry, k: int) -> str:
    lines = [str(line) for line in figure_note(entry, entry["unit"], entry["source"], k)]
    parts = entry.get("parts")
    if parts and entry["value"] is not None:
        fully = figure_text(parts.get("fully_agree"), "percent")
        somewhat = figure_text(parts.get("somewhat_agree"), "percent")
        lines.insert(0, _("Fully agree %(fully)s; somewhat agree %(somewhat)s.", fully=fully,
                          somewhat=somewhat))  # fmt: skip
    return "\n".join(lines)


def _group_row(
    indicator: Indicator, key: str, cell: BreakdownCell, k: int, locale: str
) -> AnnexRow:
    source_line = _("Source: %(source)s.", source=SOURCE_LABELS.get(indicator.source, ""))
    # The group's own n, interval or suppression; its source is its indicator's.
    notes = [
        str(n) for n in figure_note(cell, cell["unit"], indicator.source, k) if n != source_line
    ]
    label = breakdown_label(indicator, key, locale)
    return AnnexRow(("– " + label, "", "", value_text(cell, cell["unit"]), "", "\n".join(notes)),
                    group=True)  # fmt: skip


def _rows(indicator: Indicator, entry: IndicatorEntry, k: int, locale: str) -> list[AnnexRow]:
    name = f"{entry['code']} {entry['title']}"
    if entry["direction"] == "lower":
        name += "\n(" + str(_("lower is better")) + ")"
    target = figure_text(entry["target"], entry["unit"]) if entry["target"] is not None else "—"
    main = AnnexRow(
        (name, _baseline(entry), target, value_text(entry, entry["unit"]), _rating(entry),
         _notes(entry, k)),
        status=entry["status"],
    )  # fmt: skip
    groups = [
        _group_row(indicator, key, cell, k, locale) for key, cell in entry["breakdown"].items()
    ]
    return [main, *groups]


def _sections(framework: Framework, entries: Mapping[str, IndicatorEntry], k: int,
              locale: str) -> list[AnnexSection]:  # fmt: skip
    def rows(indicators: tuple[Indicator, ...]) -> tuple[AnnexRow, ...]:
        return tuple(row for i in indicators for row in _rows(i, entries[i.code], k, locale))

    sections = []
    for outcome in framework.outcomes:
        heading = _(
            "Outcome %(code)s: %(title)s", code=outcome.code, title=outcome.title_for(locale)
        )
        sections.append(
            AnnexSection(heading, outcome.statement_for(locale), rows(outcome.indicators), 1)
        )
        for output in outcome.outputs:
            heading = _(
                "Output %(code)s: %(title)s", code=output.code, title=output.title_for(locale)
            )
            sections.append(AnnexSection(heading, None, rows(output.indicators), 2))
    return sections


def _facts(payload: YearResults, framework: Framework, today: date) -> list[str]:
    start, end = payload["framework_period"]
    facts = [
        _("Framework period: %(start)s-%(end)s", start=start, end=end),
        _("Reporting year: %(year)s", year=payload["year"]),
        _("Prepared on %(date)s from the UNV Results Portal.", date=format_date(today, "long")),
    ]
    if payload["beyond_framework"]:
        facts.append(
            _("%(year)s is beyond the framework period %(start)s-%(end)s: its indicators are "
              "reported with no target until a newer strategic framework is added.",
              year=payload["year"], start=framework.start_year, end=framework.end_year)
        )  # fmt: skip
    return [str(fact) for fact in facts]


def annex_content(payload: YearResults, locale: str, today: date) -> Annex:
    """The report's words in the current locale (call inside `force_locale`)."""
    framework = next(f for f in frameworks() if f.key == payload["framework"])
    entries = {entry["code"]: entry for entry in payload["indicators"]}
    k = payload["suppress_below"]
    tolerance = format_percent(current_app.config["PORTAL_RATING_TOLERANCE"], "#,##0.#%")
    return Annex(
        lang=locale,
        rtl=locale in RTL_LANGUAGES,
        title=_("Results framework annex, %(year)s", year=payload["year"]),
        subtitle=framework.title_for(locale),
        facts=tuple(_facts(payload, framework, today)),
        headings=tuple(
            str(h)
            for h in (
                _("Indicator"),
                _("Baseline"),
                _("Target"),
                _("Value"),
                _("Rating"),
                _("Notes and sources"),
            )
        ),  # fmt: skip
        sections=tuple(_sections(framework, entries, k, locale)),
        closing=(
            _(
                "Ratings: green when the value is at or above the target or within %(tolerance)s "
                "of it (below it for indicators where lower is better); yellow otherwise. "
                "Percentages of target are value divided by target.",
                tolerance=tolerance,
            ),
            _(
                "A figure computed from fewer than %(k)s valid answers is suppressed: it is shown "
                "without a value, as is any figure from which a suppressed one could be worked out "
                "by subtraction.",
                k=k,
            ),
        ),  # fmt: skip
        footer=_("Page %(num)s", num="{page}"),
    )
