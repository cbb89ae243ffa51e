"""Staff pages of the technical-support register: list, add and edit records."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from knowledge import permissions, support
from knowledge.forms import SupportForm
from knowledge.models import SupportRecord
from knowledge.views import bp, user
from portal.auth.enforce import require
from portal.countries import country_choices
from portal.db import db_session, utcnow
from portal.errors import FieldError
from portal.i18n import current_language


@bp.get("/support")
@require(permissions.can_manage_support)
def support_list() -> str:
    year = request.args.get("year", type=int)
    if year is not None and not support.YEARS[0] <= year <= support.YEARS[1]:
        abort(400, description=_("%(value)s is not a year.", value=str(year)[:20]))
    records = support.support_records(db_session(), year)
    return render_template("knowledge/support_list.html", records=records, year=year)


@bp.route("/support/new", methods=["GET", "POST"])
@require(permissions.can_manage_support)
def support_new() -> Any:
    form = support_form()
    if request.method == "GET":
        form.year.data = utcnow().year
    if form.validate_on_submit() and save_support(form, None):
        flash(_("The support was added to the register."), "success")
        return redirect(url_for("knowledge.support_list"))
    return render_template("knowledge/support_form.html", form=form, record=None)


@bp.route("/support/<int:record_id>/edit", methods=["GET", "POST"])
@require(permissions.can_manage_support)
def support_edit(record_id: int) -> Any:
    record = db_session().get(SupportRecord, record_id)
    if record is None:
        abort(404)
    form = support_form(record if request.method == "GET" else None)
    if form.validate_on_submit() and save_support(form, record):
        flash(_("The record was saved."), "success")
        return redirect(url_for("knowledge.support_list"))
    return render_template("knowledge/support_form.html", form=form, record=record)


def support_form(record: SupportRecord | None = None) -> SupportForm:
    form = SupportForm(obj=record)
    form.recipient_country.choices = [("", _("(none)"))] + country_choices(current_language())
    form.recipient_organisation.choices = [("", _("(none)"))] + [
        (str(org.id), org.name) for org in support.un_entities(db_session())
    ]
    if record is not None:
        form.supported_process.data = record.process
        form.recipient_country.data = record.recipient_country or ""
        form.recipient_organisation.data = str(record.recipient_organisation_id or "")
    return form


def save_support(form: SupportForm, record: SupportRecord | None) -> bool:
    organisation = form.recipient_organisation.data
    data = support.SupportInput(
        recipient_kind=form.recipient_kind.data,
        year=form.year.data,
        process=form.supported_process.data,
        description=form.description.data or "",
        recipient_country=form.recipient_country.data or None,
        recipient_organisation_id=int(organisation) if organisation else None,
        recipient_name=form.recipient_name.data or "",
    )
    try:
        if record is None:
            support.add_support(db_session(), user(), data)
        else:
            support.edit_support(db_session(), user(), record, data)
    except FieldError as error:
        name = "supported_process" if error.field == "process" else error.field
        field = getattr(form, name, form.recipient_kind)
        field.errors = [*field.errors, error.translated()]
        return False
    return True
