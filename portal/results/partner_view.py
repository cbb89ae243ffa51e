"""A partner focal point's page: their own organisation's headline results (rule in the service)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from portal.auth.enforce import require
from portal.db import db_session
from portal.i18n import current_language
from portal.results.partner_results import organisation_results
from portal.results.permissions import can_view_partner_results
from portal.results.reporting import reporting_config
from portal.results.views import selected_year, year_choices

bp = Blueprint("results_partner", __name__)


@bp.get("/results/partner")
@require(can_view_partner_results)
def partner_results() -> str:
    config = reporting_config(current_app, current_language())
    results = organisation_results(
        db_session(), current_user.organisation_id, selected_year(), config
    )
    return render_template(
        "results/partner.html",
        results=results,
        years=year_choices(),
        organisation=current_user.organisation,
    )
