"""Staff preview of any survey version in any of its languages; answers kept in the session only."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh

from portal.auth.enforce import require
from portal.db import db_session
from portal.errors import NotFound
from portal.i18n import LANGUAGES
from surveys import pages
from surveys.answering import form_values
from surveys.form_catalogue import definition_at, definition_languages
from surveys.forms import PageForm
from surveys.permissions import can_author_surveys
from surveys.preview import ACTIONS, preview_step, session_key, shown_page
from surveys.questionnaire import FieldError, SurveyDefinition
from surveys.views import bp

PREVIEW_PREFIX = "survey_preview:"


def _definition(key: str, version: int) -> SurveyDefinition:
    try:
        return definition_at(db_session(), key, version)
    except NotFound:
        abort(404)


def _language(definition: SurveyDefinition, asked: str | None) -> str:
    """The preview's language: one of the version's; the interface follows it when it can, so
    that the page is laid out in its direction (Arabic right to left)."""
    languages = definition_languages(definition)
    lang = asked if asked in languages else session.get("lang")
    lang = lang if lang in languages else ("en" if "en" in languages else languages[0])
    if lang in LANGUAGES and session.get("lang") != lang:
        session["lang"] = lang
        refresh()
    return str(lang)


def _keep(key: str, version: int, answers: dict[str, Any]) -> None:
    """Keep this version's answers in the session, and only this version's (a cookie is small)."""
    for name in [name for name in session if name.startswith(PREVIEW_PREFIX)]:
        session.pop(name)
    session[session_key(key, version)] = answers


def _render(
    definition: SurveyDefinition,
    page_index: int,
    lang: str,
    values: dict[str, list[str]],
    errors: dict[str, FieldError],
) -> str:
    answers = session.get(session_key(definition.key, definition.version), {})
    view = pages.page_view(definition, page_index, answers, values, errors, lang)
    action = url_for(
        "surveys.form_preview", key=definition.key, version=definition.version, lang=lang
    )
    return render_template(
        "surveys/answer.html", page=view, form=PageForm(), preview=True, form_action=action,
        preview_languages=definition_languages(definition), preview_lang=lang,
    )  # fmt: skip


@bp.get("/surveys/forms/<key>/<int:version>/preview")
@require(can_author_surveys)
def form_preview(key: str, version: int) -> str:
    definition = _definition(key, version)
    lang = _language(definition, request.args.get("lang"))
    answers = session.get(session_key(key, version), {})
    page_index = shown_page(definition, request.args.get("page", 0, type=int), answers)
    return _render(definition, page_index, lang, form_values(answers), {})


@bp.post("/surveys/forms/<key>/<int:version>/preview")
@require(can_author_surveys)
def form_preview_post(key: str, version: int) -> Any:
    definition = _definition(key, version)
    page_index, action = request.form.get("page", -1, type=int), request.form.get("action")
    if not 0 <= page_index < len(definition.pages) or action not in ACTIONS:
        abort(400)
    formdata = request.form.to_dict(flat=False)
    answers = session.get(session_key(key, version), {})
    step = preview_step(definition, page_index, answers, formdata, str(action))
    _keep(key, version, step.answers)
    asked = request.form.get("lang") if action == "language" else request.args.get("lang")
    lang = _language(definition, asked)
    if step.errors:
        values = formdata if step.page_index == page_index else form_values(step.answers)
        return _render(definition, step.page_index, lang, values, step.errors), 422
    if step.finished:
        message = _("End of the preview: these answers would be sent now. Nothing was saved.")
        flash(message, "success")
    return redirect(
        url_for("surveys.form_preview", key=key, version=version, lang=lang, page=step.page_index)
    )
