"""Sign in and out, password reset, the account page with API tokens, and asking for an account.

Staff pages (deciding account requests, organisations) are in admin_views, the administrators'
pages of accounts and of the audit log in user_views and audit_views, all on the same blueprint.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from portal.auth import account_requests as request_actions
from portal.auth import admin_views, audit_views, passwords, tokens, user_views
from portal.auth.blueprint import bp, hash_method, me, secret_key
from portal.auth.enforce import public, require
from portal.auth.forms import (
    AccountRequestForm,
    ConfirmForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    TokenForm,
)
from portal.auth.permissions import is_signed_in
from portal.countries import country_choices
from portal.db import db_session
from portal.errors import InputError, NotFound
from portal.i18n import current_language
from portal.limits import limiter, login_limit, login_pair_key, login_pair_limit

# admin_views, user_views and audit_views add the staff and administrators' pages to bp.
__all__ = ["admin_views", "audit_views", "bp", "user_views"]


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would help phishing."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for("portal.home")


def _link_gone() -> Any:
    return abort(410, description=_("This link has expired or was already used."))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], deduct_when=lambda r: r.status_code != 302)
@limiter.limit(
    login_pair_limit,
    key_func=login_pair_key,
    methods=["POST"],
    deduct_when=lambda r: r.status_code != 302,
)
@public
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        user = passwords.authenticate(
            db_session(), form.email.data, form.password.data, hash_method=hash_method()
        )
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors = [_("The e-mail or password is not right.")]
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@require(is_signed_in)
def logout() -> Response:
    passwords.sign_out(db_session(), me())
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("portal.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@public
def forgot_password() -> Any:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        passwords.request_password_reset(db_session(), form.email.data, secret_key=secret_key())
        # The same answer whether or not the address has an account.
        flash(_("If that address has an account, a link to set a new password is on its way."))
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> Any:
    session = db_session()
    if passwords.user_for_reset_token(session, token, secret_key()) is None:
        return _link_gone()
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            passwords.reset_password(
                session,
                token,
                form.password.data,
                secret_key=secret_key(),
                hash_method=hash_method(),
            )
        except InputError as error:
            form.password.errors = [error.translated()]
        else:
            flash(_("Your password is set. You can sign in now."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.get("/account")
@require(is_signed_in)
def account() -> str:
    active = tokens.api_tokens(db_session(), me())
    return render_template("auth/account.html", tokens=active, form=TokenForm(), new_token=None)


@bp.post("/account/tokens")
@require(is_signed_in)
def create_token() -> Any:
    form = TokenForm()
    user = me()
    new_token = None
    if form.validate_on_submit():
        new_token = tokens.create_api_token(db_session(), user, user, form.label.data or "")
    active = tokens.api_tokens(db_session(), user)
    return render_template("auth/account.html", tokens=active, form=form, new_token=new_token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@require(is_signed_in)
def revoke_token(token_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        tokens.revoke_api_token(db_session(), me(), token_id)
    except NotFound:
        abort(404)
    flash(_("The token was revoked."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/request", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@public
def request_account() -> Any:
    form = AccountRequestForm()
    form.country.choices = [("", _("(none)"))] + country_choices(current_language())
    if form.validate_on_submit():
        data = request_actions.AccountRequestInput(
            email=form.email.data,
            name=form.name.data,
            organisation_name=form.organisation_name.data,
            organisation_kind=form.organisation_kind.data,
            country=form.country.data or None,
            reason=form.reason.data or "",
            locale=current_language(),
        )
        try:
            request_actions.request_account(db_session(), data)
        except InputError as error:
            form.email.errors = [error.translated()]
        else:
            return render_template("auth/request_sent.html")
    return render_template("auth/request_account.html", form=form)
