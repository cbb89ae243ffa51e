"""Staff pages of campaigns: list, create, open and close, rosters, mail, progress and exports.

Each page parses its form, checks the permission, calls one action and shows the outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response as HttpResponse
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from portal.auth.enforce import require
from portal.auth.forms import ConfirmForm
from portal.db import database, db_session, utcnow
from portal.errors import InputError, NotFound
from portal.i18n import LANGUAGES, current_language
from portal.tables import Refused
from surveys import campaign_rates, campaigns, exports, invitations, progress, sending
from surveys.campaign_figures import percent, rate_figure
from surveys.config import invitation_days, new_campaign_reminder_days
from surveys.forms import CampaignForm, RosterForm
from surveys.models import Campaign
from surveys.permissions import can_export_identifiable, can_manage_campaigns
from surveys.rosters import ROSTER_COLUMNS
from surveys.survey_keys import survey_choices
from surveys.views import acting_user, bp

SHOWN_PROBLEMS = 50
EXPORT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
    "zip": "application/zip",
}


def campaign_or_404(campaign_id: int) -> Campaign:
    try:
        return campaigns.get_campaign(db_session(), campaign_id)
    except NotFound:
        abort(404)


@bp.get("/surveys/campaigns")
@require(can_manage_campaigns)
def campaign_list() -> str:
    session = db_session()
    listed = campaigns.list_campaigns(session)
    rates = campaign_rates.current_rates(session, [c.id for c in listed], utcnow().date())
    rows = [(c, progress.response_count(session, c), rates.get(c.id)) for c in listed]
    return render_template("surveys/campaigns.html", rows=rows, percent=percent)


@bp.route("/surveys/campaigns/new", methods=["GET", "POST"])
@require(can_manage_campaigns)
def campaign_new() -> Any:
    form = CampaignForm()
    form.survey.choices = survey_choices(db_session())
    if form.validate_on_submit():
        try:
            campaign = campaigns.create_campaign(
                db_session(),
                acting_user(),
                form.survey.data,
                form.year.data,
                title=form.title.data,
                opens_on=form.opens_on.data,
                closes_on=form.closes_on.data,
                reminder_days=new_campaign_reminder_days(),
            )
        except InputError as error:
            form.title.errors = [error.translated()]
        else:
            flash(_("The campaign was created as a draft."), "success")
            return redirect(url_for("surveys.campaign_detail", campaign_id=campaign.id))
    return render_template("surveys/campaign_new.html", form=form)


@bp.get("/surveys/campaigns/<int:campaign_id>")
@require(can_manage_campaigns)
def campaign_detail(campaign_id: int) -> str:
    campaign, session, now = campaign_or_404(campaign_id), db_session(), utcnow()
    return render_template(
        "surveys/campaign.html",
        campaign=campaign,
        progress=progress.campaign_progress(session, campaign),
        figure=rate_figure(session, campaign, now.date()),
        percent=percent,
        due=sending.reminders_due(session, campaign, now),
        form=ConfirmForm(),
        languages=list(LANGUAGES.items()),
        export_k=_k(),
        identifiable=can_export_identifiable(acting_user()),
    )


def back_to_campaign(campaign_id: int, text: str, category: str) -> Response:
    flash(text, category)
    return redirect(url_for("surveys.campaign_detail", campaign_id=campaign_id))


def refused(campaign_id: int, text: str) -> Response:
    # The redirect would commit: drop whatever the refused action had recorded (links, marks).
    db_session().rollback()
    return back_to_campaign(campaign_id, text, "error")


def act(campaign_id: int, action: Callable[[], object], message: str) -> Response:
    """Run one action behind a button (CSRF-checked); a refusal keeps nothing of it."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        outcome = action()
    except NotFound:
        abort(404)
    except InputError as error:
        return refused(campaign_id, error.translated())
    counted = isinstance(outcome, int) and not isinstance(outcome, bool)
    return back_to_campaign(
        campaign_id, message % {"count": outcome} if counted else message, "success"
    )


@bp.post("/surveys/campaigns/<int:campaign_id>/open")
@require(can_manage_campaigns)
def campaign_open(campaign_id: int) -> Response:
    return act(
        campaign_id,
        lambda: campaigns.open_campaign(db_session(), acting_user(), campaign_id),
        _("The campaign is open."),
    )


@bp.post("/surveys/campaigns/<int:campaign_id>/send-invitations")
@require(can_manage_campaigns)
def campaign_send_invitations(campaign_id: int) -> Response:
    return act(
        campaign_id,
        lambda: sending.send_invitations(
            db_session(), acting_user(), campaign_id, valid_days=invitation_days()
        ),
        _("Invitations queued for sending: %(count)s."),
    )


@bp.post("/surveys/campaigns/<int:campaign_id>/send-reminders")
@require(can_manage_campaigns)
def campaign_send_reminders(campaign_id: int) -> Response:
    campaign = campaign_or_404(campaign_id)
    schedule = _(
        "An invitee is reminded %(days)s days after their last mail at the earliest, and at most "
        "%(limit)s times.",
        days=campaign.reminder_days,
        limit=campaign.reminder_limit,
    )
    return act(
        campaign_id,
        lambda: sending.send_reminders(
            db_session(), acting_user(), campaign_id, valid_days=invitation_days()
        ),
        _("Reminders queued for sending: %(count)s.") + " " + schedule.replace("%", "%%"),
    )


def _problems(error: InputError) -> list[str]:
    if isinstance(error, Refused):
        return [problem.translated() for problem in error.problems[:SHOWN_PROBLEMS]]
    return [error.translated()]


def _roster_page(
    campaign: Campaign,
    form: RosterForm,
    problems: list[str],
    outcome: invitations.RosterAdded | None = None,
) -> tuple[str, int]:
    columns = ROSTER_COLUMNS[campaigns.campaign_definition(campaign).asks]
    page = render_template(
        "surveys/roster.html",
        campaign=campaign,
        form=form,
        problems=problems,
        columns=columns,
        outcome=outcome,
    )
    return page, 422 if problems or form.errors else 200


@bp.route("/surveys/campaigns/<int:campaign_id>/roster", methods=["GET", "POST"])
@require(can_manage_campaigns)
def campaign_roster(campaign_id: int) -> Any:
    """Add the people of a roster; those already invited are listed and left as they were."""
    campaign, form = campaign_or_404(campaign_id), RosterForm()
    if not form.validate_on_submit():
        return _roster_page(campaign, form, [])
    upload = form.roster.data
    try:
        added = invitations.add_invitees(
            db_session(), acting_user(), campaign.id, upload.read(), source=upload.filename
        )
    except InputError as error:
        return _roster_page(campaign, form, _problems(error))
    count = len(added.created)
    flash(ngettext("%(num)d invitee added.", "%(num)d invitees added.", count), "success")
    if added.already_invited:
        return _roster_page(campaign, form, [], added)
    return redirect(url_for("surveys.campaign_detail", campaign_id=campaign.id))


def _k() -> int:
    """The campaign exports' k: PORTAL_SUPPRESS_BELOW, as for every published figure."""
    return int(current_app.config["PORTAL_SUPPRESS_BELOW"])


def _download(campaign_id: int, fmt: str, act: Callable[[str], exports.ResponseExport]) -> Any:
    """Record one export (`act` with the label language) and stream it; a refusal goes back."""
    locale = request.args.get("lang") or current_language()
    locale = locale if locale in LANGUAGES else "en"
    try:
        export = act(locale)
    except NotFound:
        abort(404)
    except InputError as error:
        return refused(campaign_id, error.translated())
    # The audit row is committed before the first byte leaves. The body is produced after the
    # request's own transaction: rows are read in short transactions of their own, one per batch.
    body = stream_with_context(exports.iter_export(database().transaction, export))
    headers = {"Content-Disposition": f'attachment; filename="{export.filename}"'}
    return HttpResponse(body, mimetype=EXPORT_TYPES[fmt], headers=headers)


@bp.get("/surveys/campaigns/<int:campaign_id>/export/<any(csv, zip, xlsx, sav, dta):fmt>")
@require(can_manage_campaigns)
def campaign_export(campaign_id: int, fmt: str) -> Any:
    return _download(
        campaign_id,
        fmt,
        lambda locale: exports.export_responses(
            db_session(), acting_user(), campaign_id, fmt=fmt, locale=locale, k=_k()
        ),
    )


@bp.get("/surveys/campaigns/<int:campaign_id>/export/free-text/<any(csv, xlsx, sav, dta):fmt>")
@require(can_manage_campaigns)
def campaign_export_free_text(campaign_id: int, fmt: str) -> Any:
    return _download(
        campaign_id,
        fmt,
        lambda locale: exports.export_free_text(
            db_session(), acting_user(), campaign_id, fmt=fmt, locale=locale, k=_k()
        ),
    )


@bp.get(
    "/surveys/campaigns/<int:campaign_id>/export/identifiable/<any(csv, zip, xlsx, sav, dta):fmt>"
)
@require(can_export_identifiable)
def campaign_export_identifiable(campaign_id: int, fmt: str) -> Any:
    return _download(
        campaign_id,
        fmt,
        lambda locale: exports.export_identifiable_responses(
            db_session(), acting_user(), campaign_id, fmt=fmt, locale=locale
        ),
    )
