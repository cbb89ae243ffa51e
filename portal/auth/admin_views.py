"""Staff pages: deciding account requests (with the matching organisation proposed) and merging
duplicate organisations, each a thin door onto one action."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.auth import account_requests as request_actions
from portal.auth import accounts, organisations
from portal.auth.blueprint import bp, hash_method, me, secret_key
from portal.auth.enforce import require
from portal.auth.forms import ApproveRequestForm, ConfirmForm, MergeOrganisationsForm
from portal.auth.permissions import can_decide_account_requests, can_merge_organisations
from portal.db import db_session
from portal.errors import InputError, NotFound
from portal.labels import ORG_KIND_LABELS
from portal.models import Organisation


def _label(org: Organisation) -> str:
    """How staff recognise an organisation in a list: name, code, kind and country."""
    details = [org.code, str(ORG_KIND_LABELS.get(org.kind, org.kind)), org.country or ""]
    return f"{org.name} ({', '.join(filter(None, details))})"


def _approve_form(
    proposal: organisations.Proposal, everyone: list[Organisation]
) -> ApproveRequestForm:
    """The matches first, preselected; a new organisation (its code shown) only if chosen."""
    form = ApproveRequestForm(formdata=None, new_code=proposal.new_code)
    matched = {org.id for org in proposal.matches}
    new = _("Create a new organisation (code %(code)s)", code=proposal.new_code)
    form.organisation.choices = (
        ([] if matched else [("", _("Choose the organisation"))])
        + [(org.code, _label(org)) for org in proposal.matches]
        + [(request_actions.NEW_ORGANISATION, new)]
        + [(org.code, _label(org)) for org in everyone if org.id not in matched]
    )
    form.organisation.data = proposal.matches[0].code if proposal.matches else ""
    return form


@bp.get("/admin/account-requests")
@require(can_decide_account_requests)
def account_requests() -> str:
    session = db_session()
    pending = request_actions.pending_account_requests(session)
    everyone = accounts.all_organisations(session)
    proposals = organisations.approval_proposals(session, pending)
    return render_template(
        "auth/account_requests.html",
        proposals=[(proposal, _approve_form(proposal, everyone)) for proposal in proposals],
        decline_form=ConfirmForm(),
    )


@bp.post("/admin/account-requests/<int:request_id>/approve")
@require(can_decide_account_requests)
def approve_account_request(request_id: int) -> Response:
    form = ApproveRequestForm()
    form.organisation.choices = [(request.form.get("organisation", ""), "")]
    if not form.validate_on_submit():
        abort(400)
    try:
        user = request_actions.approve_account_request(
            db_session(),
            me(),
            request_id,
            form.organisation.data or "",
            new_code=(form.new_code.data or "").strip() or None,
            hash_method=hash_method(),
            secret_key=secret_key(),
        )
    except NotFound:
        abort(404)
    except InputError as error:
        db_session().rollback()  # all or nothing: no organisation without its account
        flash(error.translated(), "error")
        return redirect(url_for("auth.account_requests"))
    flash(_("Account created; %(email)s was sent a link to set a password.", email=user.email))
    return redirect(url_for("auth.account_requests"))


@bp.post("/admin/account-requests/<int:request_id>/decline")
@require(can_decide_account_requests)
def decline_account_request(request_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        request_actions.decline_account_request(db_session(), me(), request_id)
    except NotFound:
        abort(404)
    flash(_("The request was declined."), "info")
    return redirect(url_for("auth.account_requests"))


@bp.get("/admin/organisations")
@require(can_merge_organisations)
def organisation_list() -> str:
    session = db_session()
    return render_template(
        "auth/organisations.html",
        organisations=accounts.all_organisations(session),
        duplicates=organisations.suggested_duplicates(session),
    )


@bp.get("/admin/organisations/merge")
@require(can_merge_organisations)
def confirm_merge() -> str | Response:
    """The confirmation step: what goes, what stays; the merge itself is the POST below."""
    session = db_session()
    codes = (request.args.get("duplicate", ""), request.args.get("keep", ""))
    try:
        duplicate, keep = (accounts.organisation_by_code(session, code) for code in codes)
    except InputError as error:
        flash(error.translated(), "error")
        return redirect(url_for("auth.organisation_list"))
    form = MergeOrganisationsForm(formdata=None, duplicate=duplicate.code, keep=keep.code)
    return render_template(
        "auth/merge_organisations.html", duplicate=duplicate, keep=keep, form=form
    )


@bp.post("/admin/organisations/merge")
@require(can_merge_organisations)
def merge_organisations() -> Response:
    form = MergeOrganisationsForm()
    if not form.validate_on_submit():
        abort(400)
    session = db_session()
    try:
        duplicate = accounts.organisation_by_code(session, form.duplicate.data)
        keep = accounts.organisation_by_code(session, form.keep.data)
        organisations.merge_organisations(session, me(), duplicate.id, keep.id)
    except InputError as error:
        session.rollback()  # the action changed nothing; neither does the request
        flash(error.translated(), "error")
        return redirect(url_for("auth.organisation_list"))
    flash(
        _("%(duplicate)s was merged into %(keep)s.", duplicate=form.duplicate.data, keep=keep.name)
    )
    return redirect(url_for("auth.organisation_list"))
