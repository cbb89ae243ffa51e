"""`GET /api/v1/indicators?year=`: the year's results as CONTRACT.md defines them (staff only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request
from flask_babel import gettext as _

from portal.auth.enforce import require
from portal.db import db_session
from portal.errors import InputError
from portal.i18n import LANGUAGES, current_language
from portal.results.permissions import can_view_results
from portal.results.reporting import parse_year, reporting_config, year_results

bp = Blueprint("results_api", __name__, url_prefix="/api/v1")


@bp.get("/indicators")
@require(can_view_results)
def indicators() -> Any:
    """Titles in `lang` when given (en, fr, es, zh, ar), else in the caller's language."""
    lang = request.args.get("lang") or current_language()
    if lang not in LANGUAGES:
        abort(
            400, description=_("lang must be one of %(languages)s.", languages=", ".join(LANGUAGES))
        )
    try:
        year = parse_year(request.args.get("year"))
    except InputError as error:
        abort(400, description=error.translated())
    return jsonify(year_results(db_session(), year, reporting_config(current_app, lang)))
