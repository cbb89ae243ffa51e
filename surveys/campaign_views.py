"""Staff pages of campaigns: list, create, open and close, rosters, mail, progress and exports."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

from flask import Response as HttpResponse
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from portal import mail
from portal.auth.enforce import require
from portal.auth.forms import ConfirmForm
from portal.db import database, db_session, utcnow
from portal.errors import InputError, NotFound
from portal.i18n import LANGUAGES, current_language
from portal.models import AuditEvent
from surveys import campaigns, exports, invitations, rosters
from surveys.forms import CampaignForm, RosterForm
from surveys.models import Campaign
from surveys.permissions import can_manage_campaigns
from surveys.uploads import FileRefused
from surveys.views import bp

SHOWN_PROBLEMS = 50
EXPORT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _campaign(campaign_id: int) -> Campaign:
    try:
        return campaigns.get_campaign(db_session(), campaign_id)
    except NotFound:
        abort(404)


def _audit(action: str, campaign: Campaign, **details: Any) -> None:
    actor = current_user._get_current_object()
    db_session().add(
        AuditEvent(
            actor_id=actor.id,
            action=action,
            object_type="survey_campaign",
            object_id=campaign.id,
            details=details,
        )
    )


@bp.get("/surveys/campaigns")
@require(can_manage_campaigns)
def campaign_list() -> str:
    session = db_session()
    rows = [(c, campaigns.response_count(session, c)) for c in campaigns.list_campaigns(session)]
    return render_template("surveys/campaigns.html", rows=rows)


@bp.route("/surveys/campaigns/new", methods=["GET", "POST"])
@require(can_manage_campaigns)
def campaign_new() -> Any:
    form = CampaignForm()
    if form.validate_on_submit():
        try:
            campaign = campaigns.create_campaign(
                db_session(),
                form.survey.data,
                form.year.data,
                title=form.title.data,
                opens_on=form.opens_on.data,
                closes_on=form.closes_on.data,
                created_by_id=current_user.id,
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
    campaign = _campaign(campaign_id)
    return render_template(
        "surveys/campaign.html",
        campaign=campaign,
        progress=campaigns.campaign_progress(db_session(), campaign),
        form=ConfirmForm(),
        languages=list(LANGUAGES.items()),
    )


def _action(campaign_id: int, act: Any, message: str) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    campaign = _campaign(campaign_id)
    try:
        outcome = act(campaign)
    except (InputError, mail.MailError) as error:
        text = (
            error.translated() if isinstance(error, InputError) else _("The mail server refused.")
        )
        flash(text, "error")
        return redirect(url_for("surveys.campaign_detail", campaign_id=campaign_id))
    flash(message % {"count": outcome} if outcome is not None else message, "success")
    return redirect(url_for("surveys.campaign_detail", campaign_id=campaign_id))


@bp.post("/surveys/campaigns/<int:campaign_id>/open")
@require(can_manage_campaigns)
def campaign_open(campaign_id: int) -> Response:
    return _action(
        campaign_id,
        lambda c: campaigns.open_campaign(db_session(), c, utcnow()),
        _("The campaign is open."),
    )


@bp.post("/surveys/campaigns/<int:campaign_id>/close")
@require(can_manage_campaigns)
def campaign_close(campaign_id: int) -> Response:
    return _action(
        campaign_id,
        lambda c: campaigns.close_campaign(db_session(), c, utcnow()),
        _("The campaign is closed; its links no longer work."),
    )


def _valid_days() -> int:
    return int(current_app.config["PORTAL_INVITATION_DAYS"])


@bp.post("/surveys/campaigns/<int:campaign_id>/send-invitations")
@require(can_manage_campaigns)
def campaign_send_invitations(campaign_id: int) -> Response:
    return _action(
        campaign_id,
        lambda c: invitations.send_invitations(db_session(), c, utcnow(), _valid_days()),
        _("Invitations sent: %(count)s."),
    )


@bp.post("/surveys/campaigns/<int:campaign_id>/send-reminders")
@require(can_manage_campaigns)
def campaign_send_reminders(campaign_id: int) -> Response:
    return _action(
        campaign_id,
        lambda c: invitations.send_reminders(db_session(), c, utcnow(), _valid_days()),
        _("Reminders sent: %(count)s."),
    )


@bp.post("/surveys/campaigns/<int:campaign_id>/purge-contacts")
@require(can_manage_campaigns)
def campaign_purge_contacts(campaign_id: int) -> Response:
    def purge(campaign: Campaign) -> int:
        count = campaigns.purge_contacts(db_session(), campaign, utcnow())
        _audit("survey_contacts_purged", campaign, invitations=count)
        return count

    return _action(campaign_id, purge, _("Contact data erased for %(count)s invitations."))


@bp.route("/surveys/campaigns/<int:campaign_id>/roster", methods=["GET", "POST"])
@require(can_manage_campaigns)
def campaign_roster(campaign_id: int) -> Any:
    campaign = _campaign(campaign_id)
    form = RosterForm()
    problems: list[str] = []
    if form.validate_on_submit():
        session = db_session()
        try:
            entries = rosters.read_roster(
                session, campaign.id, campaign.survey_key, form.roster.data.read()
            )
            created = invitations.create_invitations(session, campaign, entries)
        except FileRefused as refused:
            problems = [problem.translated() for problem in refused.problems[:SHOWN_PROBLEMS]]
        except InputError as error:
            problems = [error.translated()]
        else:
            count = len(created)
            flash(ngettext("%(num)d invitee added.", "%(num)d invitees added.", count), "success")
            return redirect(url_for("surveys.campaign_detail", campaign_id=campaign.id))
    status = 422 if problems or form.errors else 200
    return render_template(
        "surveys/roster.html",
        campaign=campaign,
        form=form,
        problems=problems,
        columns=rosters.ROSTER_COLUMNS[campaign.survey_key],
    ), status


@bp.get("/surveys/campaigns/<int:campaign_id>/export/<any(csv, xlsx):fmt>")
@require(can_manage_campaigns)
def campaign_export(campaign_id: int, fmt: str) -> Any:
    campaign = _campaign(campaign_id)
    locale = request.args.get("lang") or current_language()
    locale = locale if locale in LANGUAGES else "en"
    _audit("survey_responses_exported", campaign, format=fmt)
    name = f"campaign-{campaign.id}-{campaign.survey_key}-{campaign.year}.{fmt}"
    app = current_app._get_current_object()
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    body = (
        _csv_stream(app, campaign.id, locale)
        if fmt == "csv"
        else _xlsx_stream(app, campaign.id, locale)
    )
    return HttpResponse(body, mimetype=EXPORT_TYPES[fmt], headers=headers)


# The body is produced once the request's own transaction has ended: rows are read in short
# transactions of their own, one per batch, so writers are never held up for a whole export.
def _csv_stream(app: Any, campaign_id: int, locale: str) -> Iterator[bytes]:
    with app.app_context():
        rows = exports.iter_rows(database(app).transaction, campaign_id, locale)
        yield from exports.iter_csv(rows)


def _xlsx_stream(app: Any, campaign_id: int, locale: str) -> Iterator[bytes]:
    with app.app_context(), tempfile.TemporaryFile() as handle:
        exports.export_xlsx(database(app).transaction, campaign_id, locale, handle)
        handle.seek(0)
        while chunk := handle.read(256 * 1024):
            yield chunk
