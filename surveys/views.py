"""Answering pages: single-use links, the pages of a survey, confirmation, and "My surveys"."""

from __future__ import annotations

from typing import Any, NoReturn

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
from flask_babel import refresh
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from portal.auth.enforce import public, require
from portal.db import db_session, utcnow
from portal.errors import InputError, NotFound, error_response
from portal.i18n import LANGUAGES, current_language
from portal.limits import count_failure, failures_exceeded, limiter, token_limit
from portal.models import User
from surveys import answering, invitations, office_surveys, page_cache, pages
from surveys.campaigns import campaign_definition, get_campaign
from surveys.forms import GROUP_LABELS, STATE_LABELS, VALUE_LABELS, PageForm
from surveys.models import Invitation
from surveys.permissions import (
    can_answer_for_office,
    can_answer_office_surveys,
    can_continue_invitation,
)
from surveys.questionnaire import SurveyDefinition
from surveys.roster_answers import for_respondent, roster_values
from surveys.survey_keys import SurveyNames

bp = Blueprint("surveys", __name__)


def acting_user() -> User:
    """The signed-in user, as the actions take it (views behind `require` only)."""
    user: User = current_user._get_current_object()
    return user


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "survey_labels": SurveyNames(db_session()),
        "state_labels": STATE_LABELS,
        "group_labels": GROUP_LABELS,
        "value_labels": VALUE_LABELS,
    }


# The browser session holds the invitation a link opened; the token itself never leaves /s/<token>.
BOUND = "survey_invitation"
LINK_SCOPE = "survey-link-unknown"  # rate-limit scope: unknown links per client address
DONE = "survey_done"


def _refusal(state: str) -> None:
    if state == "used":
        abort(410, description=_("This survey was already answered with this link. Thank you!"))
    if state == "closed":
        abort(410, description=_("This survey is closed and no longer takes answers."))
    if state == "expired":
        abort(410, description=_("This survey link has expired."))
    if state == "replaced":
        abort(
            410,
            description=_(
                "This link was replaced by a newer one. Please use the link in your latest e-mail."
            ),
        )
    if state == "office_answered":
        abort(410, description=_("Your office has already answered this survey. Thank you!"))
    if state == "not_open":
        abort(403, description=_("This survey is not open yet. Please come back later."))


def _refuse_answered(refused: answering.AlreadyAnswered) -> NoReturn:
    _refusal("office_answered" if refused.reason == "office" else "used")
    abort(410)


def _bound_invitation() -> tuple[Invitation, SurveyDefinition]:
    bound: dict[str, Any] | None = session.get(BOUND)
    found = (
        invitations.bound_invitation(db_session(), bound["id"], bound.get("link"))
        if bound
        else None
    )
    if bound is None or found is None:
        message = _("No survey is open in this browser. Open the link from your e-mail.")
        abort(404, description=message)
    if not can_continue_invitation(current_user, bound.get("user")):
        abort(403)
    invitation, link = found
    _refusal(invitations.link_state(invitation, utcnow(), link))
    definition = campaign_definition(invitation.campaign)
    return invitation, for_respondent(definition, roster_values(invitation))


def _render_page(
    invitation: Invitation,
    definition: SurveyDefinition,
    page_index: int,
    values: dict[str, list[str]],
    errors: dict[str, Any],
    notice: str | None = None,
) -> str:
    saved = answering.saved_answers(invitation, definition)
    locale = current_language()
    view = pages.page_view(definition, page_index, saved, values, errors, locale)
    content_hash = invitation.campaign.definition_version.content_hash
    shown = page_cache.questions_html(view, content_hash, locale)
    return render_template(
        "surveys/answer.html", page=view, form=PageForm(), notice=notice, questions_html=shown
    )


@bp.get("/s/<token>")
@limiter.exempt
@public
def open_link(token: str) -> Response:
    """Check the link and bind it to this browser; never consumes it (mail scanners open links).

    Only unknown links count toward the address's limit, and a known link is always opened, so
    volunteers behind one office gateway are not refused because of someone else's typos."""
    link = invitations.link_for_token(db_session(), token)
    if link is None:
        if failures_exceeded(LINK_SCOPE, token_limit()):
            abort(429)
        count_failure(LINK_SCOPE, token_limit())
        message = _("This survey link is not known. Check that the whole link was copied.")
        abort(404, description=message)
    invitation = link.invitation
    _refusal(invitations.link_state(invitation, utcnow(), link))
    # The link is bound too: a session opened by a link that is later revoked stops with it.
    session[BOUND] = {"id": invitation.id, "user": None, "link": link.id}
    if invitation.locale and "lang" not in session:
        session["lang"] = invitation.locale
    return redirect(url_for("surveys.answer"))


@bp.get("/s/answer")
@public
def answer() -> str:
    invitation, definition = _bound_invitation()
    answering.mark_opened(db_session(), invitation, utcnow())
    page_index = answering.resume_page(definition, invitation)
    values = answering.form_values(answering.saved_answers(invitation, definition))
    return _render_page(invitation, definition, page_index, values, {})


def _posted_page(definition: SurveyDefinition) -> int:
    try:
        page_index = int(request.form.get("page", ""))
    except ValueError:
        abort(400)
    if not 0 <= page_index < len(definition.pages):
        abort(400)
    return page_index


@bp.post("/s/answer")
@public
def answer_post() -> Any:
    if not session.get(BOUND) and session.get(DONE) is not None:
        # The browser sends the final page again (a reload of the confirmation): nothing is
        # stored twice (the link is used, and this session no longer holds it); confirm again.
        return _done_page(session[DONE])
    invitation, definition = _bound_invitation()
    page_index = _posted_page(definition)
    action = request.form.get("action", "next")
    if action not in answering.ACTIONS:
        abort(400)
    formdata = request.form.to_dict(flat=False)
    flag = current_app.config["PORTAL_GLOBAL_SOUTH_FLAG"]
    try:
        result = answering.post_page(
            db_session(), invitation, definition, page_index, formdata, action, utcnow(), flag
        )
    except answering.AlreadyAnswered as refused:
        _refuse_answered(refused)
    return _after_post(invitation, definition, result, formdata, action)


def _after_post(
    invitation: Invitation,
    definition: SurveyDefinition,
    result: answering.PageResult,
    formdata: dict[str, list[str]],
    action: str,
) -> Any:
    if action == "language":
        return _switch_language(invitation, definition, result.page_index, formdata)
    if result.submitted:
        # The confirmation in answer to the final POST, without a redirect and a second request;
        # sending it again confirms again (`answer_post`), it never stores a second response.
        session.pop(BOUND, None)
        session[DONE] = invitation.campaign_id
        return _done_page(invitation.campaign_id)
    if result.errors and result.saved:
        # This page was kept; an earlier one lacks an answer: show that page with its errors.
        values = answering.form_values(answering.saved_answers(invitation, definition))
        next_page = result.next_page if result.next_page is not None else result.page_index
        return _render_page(invitation, definition, next_page, values, result.errors)
    if result.errors:
        return _render_page(invitation, definition, result.page_index, formdata, result.errors), 422
    if action == "save":
        message = _("Your answers are saved. Open the link from your e-mail to continue later.")
        flash(message, "success")
    return redirect(url_for("surveys.answer"))


def _switch_language(
    invitation: Invitation,
    definition: SurveyDefinition,
    page_index: int,
    formdata: dict[str, list[str]],
) -> Any:
    """The page again in the chosen language, nothing typed or ticked lost: the valid answers
    are saved; a value not valid as an answer is shown again as typed (checked on "Next")."""
    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        session["lang"] = lang
        refresh()
    if answering.unkept_values(definition, page_index, formdata, invitation):
        return _render_page(invitation, definition, page_index, formdata, {})
    return redirect(url_for("surveys.answer"))


def _done_page(campaign_id: int) -> str:
    definition = campaign_definition(get_campaign(db_session(), campaign_id))
    locale = current_language()
    return render_template(
        "surveys/done.html",
        survey_title=pages.localised(definition.title, locale),
        thanks=pages.localised(definition.thanks, locale),
    )


@bp.get("/s/done")
@public
def done() -> Any:
    campaign_id = session.get(DONE)
    if campaign_id is None:
        return redirect(url_for("portal.home"))
    return _done_page(campaign_id)


@bp.errorhandler(CSRFError)
def csrf_failed(error: CSRFError) -> Any:
    """An expired form token must not lose a page of answers: show them again with a new token."""
    if (request.endpoint or "").startswith("surveys.form_"):  # staff survey-form pages
        return error_response(
            400, _("Your form expired or was sent from elsewhere. Please try again.")
        )
    if request.endpoint != "surveys.answer_post" or not session.get(BOUND):
        message = _(
            "Your session has ended. Open the link from your e-mail again: "
            "the pages you saved are kept."
        )
        return error_response(400, message)
    try:
        invitation, definition = _bound_invitation()
        page_index = _posted_page(definition)
    except HTTPException as refusal:  # an error handler's own abort would become a 500
        return error_response(refusal.code or 400, refusal.description)
    notice = _(
        "For your security the page had expired. Your answers are still here: "
        "please send the page again."
    )
    values = request.form.to_dict(flat=False)
    return _render_page(invitation, definition, page_index, values, {}, notice)


@bp.get("/surveys/mine")
@require(can_answer_office_surveys)
def my_surveys() -> str:
    office = acting_user().office
    rows = office_surveys.office_surveys(db_session(), office, utcnow()) if office else []
    return render_template("surveys/mine.html", rows=rows, office=office)


@bp.post("/surveys/mine/<int:campaign_id>/answer")
@require(can_answer_office_surveys)
def answer_for_office(campaign_id: int) -> Response:
    user = acting_user()
    office = user.office
    if office is None or not can_answer_for_office(user, office):
        abort(403)
    try:
        invitation = office_surveys.invitation_for_office(
            db_session(), campaign_id, office, utcnow().date()
        )
    except NotFound:
        abort(404)
    except InputError as problem:
        flash(problem.translated(), "warning")
        return redirect(url_for("surveys.my_surveys"))
    session[BOUND] = {"id": invitation.id, "user": user.id}
    return redirect(url_for("surveys.answer"))
