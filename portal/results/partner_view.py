"""A partner focal point's page: their organisation's headline results and their trend (rule in
the service)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from portal.auth.enforce import require
from portal.db import db_session
from portal.i18n import RTL_LANGUAGES, current_language
from portal.results.glance import partner_tiles
from portal.results.partner_results import organisation_period
from portal.results.permissions import can_view_partner_results
from portal.results.reporting import reporting_config
from portal.results.views import selected_year, year_choices

bp = Blueprint("results_partner", __name__)


@bp.get("/results/partner")
@require(can_view_partner_results)
def partner_results() -> str:
    config = reporting_config(current_app, current_language())
    year = selected_year()
    by_year = organisation_period(db_session(), current_user.organisation_id, year, config)
    return render_template(
        "results/partner.html",
        results=by_year[year],
        tiles=partner_tiles(by_year, year, current_language() in RTL_LANGUAGES),
        years=year_choices(),
        organisation=current_user.organisation,
    )
