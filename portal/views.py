"""The home page (with the staff's counts of pending work), the language switcher and the staff
page of the mail outbox."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from portal import background, outbox, schedule, work
from portal.auth.blueprint import me
from portal.auth.enforce import public, require
from portal.auth.forms import ConfirmForm
from portal.auth.permissions import is_staff
from portal.db import db_session, utcnow
from portal.errors import InputError, NotFound
from portal.i18n import LANGUAGES

STATE_LABELS = {"queued": _l("Waiting"), "sending": _l("Being sent"), "failed": _l("Failed")}

bp = Blueprint("portal", __name__)


@bp.get("/")
@public
def home() -> str:
    knowledge_url = url_for("knowledge.browse") if "knowledge.browse" in _endpoints() else None
    user = current_user._get_current_object()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    pending = (
        work.pending_work(app, db_session(), user, utcnow().date()) if user.is_authenticated else []
    )
    return render_template(
        "portal/home.html", user=user, knowledge_url=knowledge_url, pending=pending
    )


def _endpoints() -> set[str]:
    return {rule.endpoint for rule in current_app.url_map.iter_rules()}


@bp.post("/language")
@public
def set_language() -> Any:
    form = ConfirmForm()
    lang = request.form.get("lang", "")
    if form.validate_on_submit() and lang in LANGUAGES:
        session["lang"] = lang
    target = request.form.get("next") or "/"
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    return redirect(target)


@bp.get("/robots.txt")
@public
def robots() -> Response:
    body = "User-agent: *\nDisallow: /s/\nDisallow: /admin/\nDisallow: /api/\n"
    if "knowledge_seo.sitemap" in _endpoints():
        body += f"Sitemap: {current_app.config['BASE_URL'].rstrip('/')}/sitemap.xml\n"
    return Response(body, mimetype="text/plain")


@bp.get("/admin/outbox")
@require(is_staff)
def outbox_page() -> str:
    session = db_session()
    items = outbox.waiting_or_failed(session)
    return render_template(
        "portal/outbox.html",
        items=[(item, outbox.next_attempt(item)) for item in items],
        state_labels=STATE_LABELS,
        workers=background.worker_states(session, utcnow()),
        jobs=schedule.job_states(current_app._get_current_object(), session),  # type: ignore[attr-defined]
    )


@bp.post("/admin/outbox/<int:item_id>/retry")
@require(is_staff)
def outbox_retry(item_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        outbox.retry(db_session(), me(), [item_id])
    except NotFound:
        abort(404)
    except InputError as error:
        db_session().rollback()
        flash(error.translated(), "error")
    else:
        flash(_("Outbox item %(id)s is due now.", id=item_id), "success")
    return redirect(url_for("portal.outbox_page"))
