"""A partner organisation's own headline results, and the privacy rule that decides what it sees.

Figures come from the partner-survey provider asked for one organisation (`organisation_id` in
the spec). Only a figure the provider marks as restricted to that organisation is ever shown, and
only when it rests on at least k valid answers; no other partner's data, no breakdown, no target.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.results.entries import has_no_data
from portal.results.figures import IndicatorFigure, PartnerFigure, PartnerResults
from portal.results.framework import Indicator
from portal.results.periods import year_framework
from portal.results.reporting import ReportingConfig, compute_context

PARTNER_SOURCE = "partner_survey"


def partner_figure(
    indicator: Indicator, figure: IndicatorFigure | None, organisation_id: int, k: int, locale: str
) -> PartnerFigure:
    """What a partner may see of one figure: the rule, as a pure function.

    The figure is `available` only when the provider restricted it to `organisation_id` (a figure
    for anyone else, or for everyone, is never used), and `shown` only when it is not suppressed,
    has a value and rests on at least `k` valid answers. Only value, n, interval and parts are
    copied: never a breakdown, a target or a rating.
    """
    own = (
        figure if figure is not None and figure.get("organisation_id") == organisation_id else None
    )
    valid_n = own.get("valid_n") if own is not None else None
    shown = (
        own is not None
        and not own.get("suppressed", True)
        and own.get("value") is not None
        and valid_n is not None
        and valid_n >= k
    )
    return {
        "code": indicator.code,
        "title": indicator.title_for(locale),
        "available": own is not None,
        "shown": shown,
        # Nothing answered at all: "no data", which is not a figure withheld.
        "no_data": own is not None and has_no_data(own),
        "value": own.get("value") if own is not None and shown else None,
        "valid_n": valid_n if shown else None,
        "ci95": own.get("ci95") if own is not None and shown else None,
        "parts": own.get("parts") if own is not None and shown else None,
    }


def organisation_results(
    session: Session, organisation_id: int, year: int, config: ReportingConfig
) -> PartnerResults:
    """Headline partner-survey figures of one organisation's answers in `year`."""
    framework, _beyond = year_framework(year)
    context = compute_context(framework, year, config)
    provider = config.providers.get(PARTNER_SOURCE)
    results = []
    for indicator in framework.indicators():
        if indicator.source != PARTNER_SOURCE:
            continue
        figure = None
        if provider is not None:
            spec = indicator.spec()
            spec["breakdown"] = []
            spec["organisation_id"] = organisation_id
            figure = provider(session, indicator.code, spec, context)
        results.append(
            partner_figure(indicator, figure, organisation_id, config.suppress_below, config.locale)
        )
    return {"year": year, "suppress_below": config.suppress_below, "indicators": results}


def organisation_period(
    session: Session, organisation_id: int, year: int, config: ReportingConfig
) -> dict[int, PartnerResults]:
    """The organisation's headline figures of every year of `year`'s framework up to `year`."""
    framework, _beyond = year_framework(year)
    return {
        each: organisation_results(session, organisation_id, each, config)
        for each in range(framework.start_year, year + 1)
    }
