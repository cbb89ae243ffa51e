"""The repository's settings page for staff: the default licence of new products."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from knowledge import permissions, repository_settings
from knowledge.forms import SettingsForm
from knowledge.views import bp, user
from portal.auth.enforce import require
from portal.db import db_session


@bp.route("/settings", methods=["GET", "POST"])
@require(permissions.can_review_queue)
def settings() -> Any:
    form = SettingsForm()
    session = db_session()
    if form.validate_on_submit():
        repository_settings.set_default_licence(session, user(), form.default_licence.data)
        flash(_("The settings were saved."), "success")
        return redirect(url_for("knowledge.settings"))
    if not form.is_submitted():
        form.default_licence.data = repository_settings.default_licence(session) or ""
    return render_template("knowledge/settings.html", form=form)
