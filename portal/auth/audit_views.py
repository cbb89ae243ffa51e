"""Administrators' pages of the audit log: filtered pages, and the recorded CSV export."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from portal import audit_log
from portal.auth import accounts
from portal.auth.admin_forms import AuditFilterForm
from portal.auth.blueprint import bp, me
from portal.auth.enforce import require
from portal.auth.permissions import can_read_audit_log
from portal.auth.user_views import list_arguments, page_number
from portal.db import database, db_session, utcnow

MAX_CODE = 60  # the longest action or object type the audit table holds


def _choices(known: list[str], asked: str | None) -> list[tuple[str, str]]:
    # A value asked for in the address stays choosable even when no event has it yet.
    if asked and asked not in known and len(asked) <= MAX_CODE:
        known = sorted([*known, asked])
    return [("", _("Any"))] + [(code, code) for code in known]


def _filters(session: Session) -> tuple[AuditFilterForm, audit_log.AuditFilters | None]:
    form = AuditFilterForm(formdata=request.args)
    form.action.choices = _choices(audit_log.known_actions(session), request.args.get("action"))
    types = audit_log.known_object_types(session)
    form.object_type.choices = _choices(types, request.args.get("object_type"))
    if not form.validate():
        return form, None
    actor_id = None
    if form.actor.data and not form.no_actor.data:
        actor = accounts.user_by_email(session, form.actor.data)
        if actor is None:
            form.actor.errors = [_("No account with e-mail %(email)s.", email=form.actor.data)]
            return form, None
        actor_id = actor.id
    filters = audit_log.AuditFilters(
        actor_id=actor_id,
        no_actor=bool(form.no_actor.data),
        action=form.action.data or None,
        object_type=form.object_type.data or None,
        object_id=form.object_id.data,
        since=form.since.data,
        until=form.until.data,
    )
    return form, filters


@bp.get("/admin/audit")
@require(can_read_audit_log)
def audit_events() -> Any:
    session = db_session()
    form, filters = _filters(session)
    found, actors = (
        audit_log.find_events(session, filters, page_number()) if filters else (None, {})
    )
    page = render_template(
        "auth/audit_log.html",
        form=form,
        found=found,
        actors=actors,
        arguments=list_arguments(),
        shown_details=audit_log.shown_details,
    )
    return page, 200 if filters else 422


@bp.get("/admin/audit/export.csv")
@require(can_read_audit_log)
def audit_export() -> Response:
    form, filters = _filters(db_session())
    if filters is None:
        flash(_("The filters are not valid; nothing was exported."), "error")
        return redirect(url_for("auth.audit_events", **list_arguments()))  # type: ignore[arg-type]
    export = audit_log.export_audit_log(db_session(), me(), filters)
    # The export's own audit row is committed before the first byte leaves; the rows are read
    # after the request's transaction, in short transactions of their own.
    body = stream_with_context(audit_log.iter_csv(database().transaction, export))
    name = f"audit-log-{utcnow():%Y%m%d-%H%M%S}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, mimetype="text/csv", headers=headers)
