"""The home page and the language switcher."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.auth.enforce import public
from portal.auth.forms import ConfirmForm
from portal.i18n import LANGUAGES

bp = Blueprint("portal", __name__)


@bp.get("/")
@public
def home() -> str:
    knowledge_url = url_for("knowledge.browse") if "knowledge.browse" in _endpoints() else None
    return render_template("portal/home.html", user=current_user, knowledge_url=knowledge_url)


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
