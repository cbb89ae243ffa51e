"""A partner focal point's view: their own organisation's partner-survey headline results.

Figures come from the partner-survey provider asked for one organisation (`organisation_id` in
the spec). Only a figure the provider marks as restricted to that organisation is ever shown, and
only when it rests on at least k valid answers; no other partner's data, no breakdown, no target.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template
from flask_login import current_user
from sqlalchemy.orm import Session

from portal.auth.enforce import require
from portal.db import db_session
from portal.i18n import current_language
from portal.results.permissions import can_view_partner_results
from portal.results.registry import framework_for_year
from portal.results.reporting import (
    ReportingConfig,
    check_year,
    compute_context,
    frameworks,
    reporting_config,
)
from portal.results.views import selected_year, year_choices

PARTNER_SOURCE = "partner_survey"
_SHOWN_KEYS = ("value", "valid_n", "ci95", "parts")

bp = Blueprint("results_partner", __name__)


def organisation_results(
    session: Session, organisation_id: int, year: int, config: ReportingConfig
) -> dict[str, Any]:
    """Headline partner-survey figures of one organisation's answers in `year`.

    Each indicator is `available` when the provider could restrict it to the organisation, and
    `shown` when that figure is not suppressed (k valid answers or more) and has a value.
    """
    framework, _beyond = framework_for_year(frameworks(), check_year(year))
    context = compute_context(framework, year, config)
    provider = config.providers.get(PARTNER_SOURCE)
    results = []
    for indicator in framework.indicators():
        if indicator.source != PARTNER_SOURCE:
            continue
        figure: dict[str, Any] | None = None
        if provider is not None:
            spec = {**indicator.spec(), "breakdown": [], "organisation_id": organisation_id}
            answer = provider(session, indicator.code, spec, context)
            # Fail closed: a provider that ignored the restriction would answer for everyone.
            if answer.get("organisation_id") == organisation_id:
                figure = answer
        shown = (
            figure is not None and not figure.get("suppressed") and figure.get("value") is not None
        )
        results.append(
            {
                "code": indicator.code,
                "title": indicator.title_for(config.locale),
                "available": figure is not None,
                "shown": shown,
                **{key: (figure or {}).get(key) if shown else None for key in _SHOWN_KEYS},
            }
        )
    return {"year": year, "suppress_below": config.suppress_below, "indicators": results}


@bp.get("/results/partner")
@require(can_view_partner_results)
def partner_results() -> str:
    year = selected_year()
    results = organisation_results(
        db_session(),
        current_user.organisation_id,
        year,
        reporting_config(current_app, current_language()),
    )
    return render_template(
        "results/partner.html",
        results=results,
        years=year_choices(),
        organisation=current_user.organisation,
    )
