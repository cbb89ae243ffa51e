"""Staff pages of the results: the year's matrix, a page per indicator, data entry and exports."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.enforce import require
from portal.db import db_session, utcnow
from portal.errors import InputError
from portal.i18n import RTL_LANGUAGES, current_language
from portal.results import annex_pdf, exports, glance, presentation, targets
from portal.results.forms import ImportForm, target_form, value_form
from portal.results.labels import SOURCE_LABELS, UNIT_LABELS, breakdown_label
from portal.results.permissions import can_enter_results, can_view_results
from portal.results.reporting import (
    ReportingConfig,
    default_year,
    find_indicator,
    frameworks,
    indicator_trend,
    parse_year,
    period_results,
    reporting_config,
    reporting_years,
    year_results,
)
from portal.tables import Refused

bp = Blueprint("results", __name__, url_prefix="/results")


def _config() -> ReportingConfig:
    return reporting_config(current_app, current_language())


def selected_year() -> int:
    """The `year` of the query string (400 when it is not a reporting year), else the default."""
    if "year" not in request.args:
        return default_year(utcnow().year)
    try:
        return parse_year(request.args["year"])
    except InputError as error:
        abort(400, description=error.translated())


def year_choices() -> list[int]:
    return reporting_years(utcnow().year)


@bp.get("/")
@require(can_view_results)
def dashboard() -> str:
    year = selected_year()
    by_year = period_results(db_session(), year, _config())
    payload = by_year[year]
    framework = next(f for f in frameworks() if f.key == payload["framework"])
    return render_template(
        "results/dashboard.html",
        payload=payload,
        framework=framework,
        entries={entry["code"]: entry for entry in payload["indicators"]},
        tiles=glance.matrix_tiles(by_year, year, current_language() in RTL_LANGUAGES),
        status_counts=glance.status_counts(payload),
        years=year_choices(),
        tolerance_text=format_percent(current_app.config["PORTAL_RATING_TOLERANCE"], "#,##0.#%"),
    )


@bp.get("/report.pdf")
@require(can_view_results)
def report() -> Response:
    """The year's results as a printable annex, in the page's language."""
    payload = year_results(db_session(), selected_year(), _config())
    locale = current_language()
    filename = annex_pdf.annex_filename(payload, locale)
    return Response(
        annex_pdf.annex_pdf(payload, locale),
        mimetype="application/pdf",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@bp.get("/export/<any(json, csv, xlsx):fmt>")
@require(can_view_results)
def export(fmt: str) -> Response:
    payload = year_results(db_session(), selected_year(), _config())
    return Response(
        exports.export(payload, fmt),
        mimetype=exports.FORMATS[fmt],
        headers={
            "Content-Disposition": f"attachment; filename={exports.export_filename(payload, fmt)}"
        },
    )


def _indicator_page(code: str, year: int) -> dict[str, Any]:
    """Everything the indicator page shows; 404 when the year's framework has no such code."""
    try:
        framework, indicator = find_indicator(code, year)
    except KeyError:
        abort(404)
    locale = current_language()
    trend = indicator_trend(db_session(), code, range(framework.start_year, year + 1), _config())
    entry = next(point for point in trend["points"] if point["year"] == year)
    return {
        "year": year,
        "framework": framework,
        "indicator": indicator,
        "entry": entry,
        "trend_chart": presentation.trend(indicator, trend),
        "breakdown_charts": presentation.breakdown_charts(indicator, entry, year, locale),
        "history": presentation.history_rows(trend),
        "staff_values": targets.staff_values(db_session(), code)
        if indicator.source == "staff"
        else [],
    }


def _forms(page: dict[str, Any], **forms: Any) -> dict[str, Any]:
    """The target and value forms for the page's indicator, preset to the page's year."""
    indicator, framework, year = page["indicator"], page["framework"], page["year"]
    target = forms.get("target_form") or target_form(indicator, year=str(year))
    period = range(framework.start_year, framework.end_year + 1)
    target.year.choices = [(str(y), str(y)) for y in period]
    value = None
    if indicator.source == "staff":
        value = forms.get("value_form") or _value_form(indicator, year=str(year))
        value.year.choices = [(str(y), str(y)) for y in year_choices() if y <= utcnow().year]
    return {"target_form": target, "value_form": value}


def _value_form(indicator: Any, **kwargs: Any) -> Any:
    locale = current_language()
    labels = {
        item.key: breakdown_label(indicator, item.key, locale) for item in indicator.breakdown
    }
    return value_form(indicator, labels, **kwargs)


def _year_options() -> list[tuple[str, str]]:
    return [(str(y), str(y)) for y in year_choices()]


def _render_indicator(code: str, year: int, status: int = 200, **forms: Any) -> Any:
    page = _indicator_page(code, year)
    context = {
        **page,
        **_forms(page, **forms),
        "unit_labels": UNIT_LABELS,
        "source_label": SOURCE_LABELS[page["indicator"].source],
        "entry_k": current_app.config["PORTAL_SUPPRESS_BELOW"],
        "years": year_choices(),
    }
    return render_template("results/indicator.html", **context), status


@bp.get("/<code>")
@require(can_view_results)
def indicator(code: str) -> Any:
    return _render_indicator(code, selected_year())


@bp.get("/<code>/chart/<name>.svg")
@require(can_view_results)
def chart(code: str, name: str) -> Response:
    page = _indicator_page(code, selected_year())
    charts = [page["trend_chart"], *page["breakdown_charts"]]
    found = next((c for c in charts if c.name == name), None)
    if found is None:
        abort(404)
    filename = f"indicator-{code}-{name}-{page['year']}.svg"
    return Response(
        found.svg,
        mimetype="image/svg+xml",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


def _entered(code: str, form: Any, enter: Any, form_key: str) -> Any:
    """Store a form through its service, or show the page again with the problems on fields."""
    year = selected_year()
    if form.validate_on_submit():
        try:
            enter(form.cells(code))
        except Refused as refused:
            form.show_problems(refused.problems)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".indicator", code=code, year=form.year.data))
    return _render_indicator(code, year, 400, **{form_key: form})


@bp.post("/<code>/target")
@require(can_enter_results)
def set_target(code: str) -> Any:
    _framework, indicator = find_or_404(code)
    form = target_form(indicator)
    form.year.choices = _year_options()
    return _entered(
        code,
        form,
        lambda cells: targets.enter_target(db_session(), cells, current_user.id),
        "target_form",
    )


@bp.post("/<code>/value")
@require(can_enter_results)
def set_value(code: str) -> Any:
    _framework, indicator = find_or_404(code)
    if indicator.source != "staff":
        abort(404)
    form = _value_form(indicator)
    form.year.choices = _year_options()
    return _entered(
        code,
        form,
        lambda cells: targets.enter_value(db_session(), cells, current_user.id, utcnow().date()),
        "value_form",
    )


def find_or_404(code: str) -> Any:
    try:
        return find_indicator(code, selected_year())
    except KeyError:
        abort(404)


def _data_page(status: int = 200, problems: list[str] | None = None) -> Any:
    return render_template(
        "results/data.html",
        targets=targets.all_targets(db_session()),
        units={i.code: i.unit for f in frameworks() for i in f.indicators()},
        form=ImportForm(),
        problems=problems or [],
        target_columns=targets.TARGET_COLUMNS,
        value_columns=targets.VALUE_COLUMNS,
        breakdown_columns=targets.staff_breakdown_keys(),
    ), status


@bp.get("/data")
@require(can_enter_results)
def data_entry() -> Any:
    return _data_page()


def _imported(load: Any, success: Any) -> Any:
    form = ImportForm()
    if not form.validate_on_submit():
        return _data_page(400, [str(e) for errors in form.errors.values() for e in errors])
    try:
        count = load(form.file.data.read(), form.file.data.filename or None)
    except InputError as error:
        problems = getattr(error, "problems", None)
        return _data_page(
            400, [p.translated() for p in problems] if problems else [error.translated()]
        )
    flash(success(count), "success")
    return redirect(url_for(".data_entry"))


@bp.post("/targets/import")
@require(can_enter_results)
def import_targets() -> Any:
    note = _("Imported by %(name)s", name=current_user.email)
    return _imported(
        lambda data, source: targets.import_targets(
            db_session(), data, current_user.id, note, source
        ),
        lambda count: _("%(count)s targets stored.", count=count),
    )


@bp.post("/values/import")
@require(can_enter_results)
def import_values() -> Any:
    return _imported(
        lambda data, source: targets.import_values(
            db_session(), data, current_user.id, utcnow().date(), source
        ),
        lambda count: _("%(count)s values stored.", count=count),
    )
