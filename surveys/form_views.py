"""Staff pages of survey forms: versions of each survey, XLSForm upload and download, diffs."""

from __future__ import annotations

from typing import Any

from flask import Response as HttpResponse
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.auth.enforce import require
from portal.db import db_session
from portal.errors import InputError, NotFound
from portal.i18n import current_language
from surveys import form_catalogue
from surveys.form_diff import diff_definitions
from surveys.form_upload import check_form_upload
from surveys.form_versions import FormImport, export_form, import_form
from surveys.forms import FormUploadForm
from surveys.forms_sheets import FormRejected
from surveys.pages import localised
from surveys.permissions import can_author_surveys
from surveys.views import acting_user, bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _outcome(result: FormImport) -> str:
    key, version = result.key, result.version
    if result.outcome == "unchanged":
        text = _(
            "%(key)s: already version %(version)s (same content); nothing stored.",
            key=key,
            version=version,
        )
    elif result.outcome == "dry_run":
        text = _(
            "%(key)s version %(version)s would be stored; nothing stored.", key=key, version=version
        )
    else:
        text = _("%(key)s: version %(version)s stored.", key=key, version=version)
    return str(text)


def _upload(form: FormUploadForm) -> list[str]:
    """Check and import the uploaded form; the problems found (nothing stored), or none."""
    upload = form.xlsform.data
    data = upload.read()
    try:
        check_form_upload(data)
        result = import_form(
            db_session(), acting_user(), data, upload.filename or "form.xlsx",
            dry_run=form.dry_run.data,
        )  # fmt: skip
    except FormRejected as refused:
        db_session().rollback()
        return [str(problem) for problem in refused.problems]
    if result.outcome == "dry_run":
        db_session().rollback()
    flash(_outcome(result), "success")
    return []


@bp.route("/surveys/forms", methods=["GET", "POST"])
@require(can_author_surveys)
def form_list() -> Any:
    form, problems = FormUploadForm(), []
    if form.validate_on_submit():
        problems = _upload(form)
        if not problems:
            return redirect(url_for("surveys.form_list"))
    surveys = form_catalogue.catalogue(db_session())
    page = render_template("surveys/forms.html", surveys=surveys, form=form, problems=problems)
    return page, 422 if problems or form.errors else 200


@bp.get("/surveys/forms/<key>/<int:version>/xlsform")
@require(can_author_surveys)
def form_download(key: str, version: int) -> Any:
    try:
        data = export_form(db_session(), key, version)
    except InputError:
        abort(404)
    headers = {"Content-Disposition": f'attachment; filename="{key}-v{version}.xlsx"'}
    return HttpResponse(data, mimetype=XLSX, headers=headers)


def _version_arg(name: str) -> int:
    try:
        return int(request.args.get(name, ""))
    except ValueError:
        abort(400, description=_("Choose two versions to compare."))


@bp.get("/surveys/forms/<key>/diff")
@require(can_author_surveys)
def form_diff(key: str) -> str:
    session, old, new = db_session(), _version_arg("from"), _version_arg("to")
    try:
        before = form_catalogue.definition_at(session, key, old)
        after = form_catalogue.definition_at(session, key, new)
    except NotFound:
        abort(404)
    versions = [row.version for row in form_catalogue.form_versions(session, key)]
    return render_template(
        "surveys/form_diff.html",
        key=key,
        diff=diff_definitions(before, after),
        versions=versions,
        text=lambda mapping: localised(mapping, current_language()),
    )
