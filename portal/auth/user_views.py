"""Administrators' pages of accounts: the searchable list, and one account with its role,
organisation, state and password; each change a thin door onto one action of administration."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from portal import audit_log
from portal.auth import accounts, administration, directory, tokens
from portal.auth.admin_forms import (
    AccountForm,
    DeactivateForm,
    ForceResetForm,
    UserSearchForm,
    role_choices,
)
from portal.auth.blueprint import bp, me, secret_key
from portal.auth.enforce import require
from portal.auth.forms import ConfirmForm
from portal.auth.permissions import can_manage_users
from portal.db import db_session
from portal.errors import InputError, NotFound
from portal.models import User

RECENT_EVENTS = 10


def page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


def list_arguments() -> dict[str, str]:
    """The list's filters as they came, for the links to other pages of the same list."""
    return {key: value for key, value in request.args.items() if key != "page" and value}


def _organisation_choices(session: Session, blank: str) -> list[tuple[str, str]]:
    orgs = accounts.all_organisations(session)
    return [("", blank)] + [(org.code, f"{org.name} ({org.code})") for org in orgs]


def _search(session: Session) -> tuple[UserSearchForm, directory.UserFilters | None]:
    form = UserSearchForm(formdata=request.args)
    form.role.choices = role_choices(blank=_("Any role"))
    form.org.choices = _organisation_choices(session, _("Any organisation"))
    if not form.validate():
        return form, None
    active = {"active": True, "inactive": False}.get(form.state.data or "")
    filters = directory.UserFilters(
        form.q.data or "", form.role.data or None, form.org.data or None, active
    )
    return form, filters


@bp.get("/admin/users")
@require(can_manage_users)
def user_list() -> Any:
    session = db_session()
    form, filters = _search(session)
    found = directory.find_users(session, filters, page_number()) if filters else None
    page = render_template("auth/users.html", form=form, found=found, arguments=list_arguments())
    return page, 200 if filters else 422


def _account_form(session: Session, user: User | None = None) -> AccountForm:
    form = AccountForm() if user is None else AccountForm(formdata=None)
    form.role.choices = role_choices()
    form.organisation.choices = _organisation_choices(session, _("(none)"))
    if user is not None:
        form.role.data = user.role
        form.organisation.data = user.organisation.code if user.organisation else ""
    return form


def _detail(user_id: int, status: int = 200, **forms: Any) -> Any:
    """The account's page; `forms` carry a form sent back with its errors."""
    session = db_session()
    try:
        user = administration.user_by_id(session, user_id)
    except NotFound:
        abort(404)
    about = audit_log.AuditFilters(object_type="user", object_id=user.id)
    events, actors = audit_log.find_events(session, about, per_page=RECENT_EVENTS)
    page = render_template(
        "auth/user.html",
        user=user,
        is_me=user.id == me().id,
        account_form=forms.get("account_form") or _account_form(session, user),
        deactivate_form=forms.get("deactivate_form") or DeactivateForm(formdata=None),
        reset_form=forms.get("reset_form") or ForceResetForm(formdata=None),
        events=events,
        actors=actors,
        tokens=len(tokens.api_tokens(session, user)),
    )
    return page, status


def _act(user_id: int, action: Callable[[], str]) -> Response:
    """Run one action; its refusal is flashed and nothing it did is kept."""
    try:
        message = action()
    except NotFound:
        abort(404)
    except InputError as error:
        db_session().rollback()
        flash(error.translated(), "error")
    else:
        flash(message, "success")
    return redirect(url_for("auth.user_detail", user_id=user_id))


@bp.get("/admin/users/<int:user_id>")
@require(can_manage_users)
def user_detail(user_id: int) -> Any:
    return _detail(user_id)


@bp.post("/admin/users/<int:user_id>/account")
@require(can_manage_users)
def change_account(user_id: int) -> Any:
    session = db_session()
    form = _account_form(session)
    if not form.validate_on_submit():
        return _detail(user_id, 422, account_form=form)

    def act() -> str:
        changed = administration.change_account(
            session,
            me(),
            user_id,
            role=form.role.data,
            org_code=form.organisation.data or None,
            confirm_self=bool(form.confirm_self.data),
        )
        return str(_("The account was changed.") if changed else _("Nothing was changed."))

    return _act(user_id, act)


@bp.post("/admin/users/<int:user_id>/deactivate")
@require(can_manage_users)
def deactivate_user(user_id: int) -> Any:
    form = DeactivateForm()
    if not form.validate_on_submit():
        return _detail(user_id, 422, deactivate_form=form)
    confirm_self = bool(form.confirm_self.data)

    def act() -> str:
        administration.deactivate_user(db_session(), me(), user_id, confirm_self=confirm_self)
        return str(_("The account was deactivated; its sessions and API tokens no longer work."))

    return _act(user_id, act)


@bp.post("/admin/users/<int:user_id>/reactivate")
@require(can_manage_users)
def reactivate_user(user_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)

    def act() -> str:
        administration.reactivate_user(db_session(), me(), user_id)
        return str(_("The account was reactivated."))

    return _act(user_id, act)


@bp.post("/admin/users/<int:user_id>/reset-password")
@require(can_manage_users)
def force_password_reset(user_id: int) -> Any:
    form = ForceResetForm()
    if not form.validate_on_submit():
        return _detail(user_id, 422, reset_form=form)

    def act() -> str:
        administration.force_password_reset(db_session(), me(), user_id, secret_key=secret_key())
        return str(_("The password was reset; a link to set a new one is on its way to the owner."))

    return _act(user_id, act)
