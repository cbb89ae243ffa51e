"""Staff pages that manage a campaign: its invitees (list, one invitee, correct an e-mail, resend a
link after its confirmation) and its settings."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm

from portal.auth.enforce import require
from portal.db import db_session, utcnow
from portal.errors import InputError, NotFound
from surveys import campaign_contacts, campaign_invitees, campaign_settings
from surveys.campaign_confirm_views import Confirmation, confirm
from surveys.campaign_forms import (
    MAIL_STATE_LABELS,
    STATUS_LABELS,
    CampaignEditForm,
    EmailCorrectionForm,
    ResendForm,
)
from surveys.campaign_views import campaign_or_404, refused
from surveys.config import invitation_days
from surveys.models import Invitation
from surveys.permissions import can_manage_campaigns
from surveys.views import acting_user, bp

MAX_PAGE = 100_000
CAMPAIGN = "/surveys/campaigns/<int:campaign_id>"
INVITEE = CAMPAIGN + "/invitees/<int:invitation_id>"


def _invitee_or_404(campaign_id: int, invitation_id: int) -> Invitation:
    try:
        return campaign_contacts.get_invitee(db_session(), campaign_id, invitation_id)
    except NotFound:
        abort(404)


@bp.get(CAMPAIGN + "/invitees")
@require(can_manage_campaigns)
def invitee_list(campaign_id: int) -> str:
    campaign = campaign_or_404(campaign_id)
    status = request.args.get("status") or None
    query = request.args.get("q", "")[: campaign_invitees.MAX_QUERY]
    number = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    listing = campaign_invitees.invitee_page(
        db_session(), campaign.id, status=status, query=query, page=number
    )
    return render_template(
        "surveys/invitees.html",
        campaign=campaign,
        listing=listing,
        status=status if status in STATUS_LABELS else None,
        query=query,
        status_labels=STATUS_LABELS,
        mail_labels=MAIL_STATE_LABELS,
    )


def _invitee_page(invitation: Invitation, form: FlaskForm, status: int = 200) -> Any:
    row = campaign_invitees.invitee_status(db_session(), invitation)
    page = render_template(
        "surveys/invitee.html",
        campaign=invitation.campaign,
        invitee=row,
        form=form,
        status_labels=STATUS_LABELS,
        mail_labels=MAIL_STATE_LABELS,
    )
    return page, status


@bp.get(INVITEE)
@require(can_manage_campaigns)
def invitee_detail(campaign_id: int, invitation_id: int) -> Any:
    return _invitee_page(_invitee_or_404(campaign_id, invitation_id), EmailCorrectionForm())


@bp.post(INVITEE + "/email")
@require(can_manage_campaigns)
def invitee_email(campaign_id: int, invitation_id: int) -> Any:
    invitation, form = _invitee_or_404(campaign_id, invitation_id), EmailCorrectionForm()
    if form.validate_on_submit():
        try:
            campaign_contacts.correct_email(
                db_session(),
                acting_user(),
                campaign_id,
                invitation_id,
                form.email.data,
                now=utcnow(),
            )
        except InputError as error:
            form.email.errors = [error.translated()]
        else:
            flash(_("The e-mail address was corrected. Mail the invitee a new link."), "success")
            return redirect(
                url_for(
                    "surveys.invitee_detail", campaign_id=campaign_id, invitation_id=invitation_id
                )
            )
    return _invitee_page(invitation, form, 422)


def _resend_page(invitation: Invitation) -> str:
    campaign_id, invitation_id = invitation.campaign_id, invitation.id
    live = campaign_contacts.live_links(db_session(), invitation)
    return confirm(
        Confirmation(
            invitation.campaign,
            _("Resend a link to %(email)s?", email=invitation.contact_email or "—"),
            [
                _("A new link is made. It is shown to you once, on the next page, to copy."),
                ngettext(
                    "The %(num)d link made before for this invitee stops working at once.",
                    "The %(num)d links made before for this invitee stop working at once.",
                    live,
                ),
                _("Answers already saved are kept: the new link continues where they stopped."),
            ],
            _("Resend the link"),
            url_for("surveys.invitee_resend", campaign_id=campaign_id, invitation_id=invitation_id),
            url_for("surveys.invitee_detail", campaign_id=campaign_id, invitation_id=invitation_id),
            ResendForm(),
        )
    )


@bp.route(INVITEE + "/resend", methods=["GET", "POST"])
@require(can_manage_campaigns)
def invitee_resend(campaign_id: int, invitation_id: int) -> Any:
    """GET asks (the confirmation page), POST makes the new link and shows it once."""
    invitation, form = _invitee_or_404(campaign_id, invitation_id), ResendForm()
    if request.method == "GET":
        return _resend_page(invitation)
    if not form.validate_on_submit():
        abort(400)
    try:
        resent = campaign_contacts.resend_link(
            db_session(),
            acting_user(),
            campaign_id,
            invitation_id,
            mail=bool(form.mail.data),
            valid_days=invitation_days(),
            now=utcnow(),
        )
    except InputError as error:
        return refused(campaign_id, error.translated())
    return render_template(
        "surveys/invitee_link.html",
        campaign=invitation.campaign,
        invitation=invitation,
        resent=resent,
    )


@bp.route(CAMPAIGN + "/edit", methods=["GET", "POST"])
@require(can_manage_campaigns)
def campaign_edit(campaign_id: int) -> Any:
    campaign = campaign_or_404(campaign_id)
    form, problem = CampaignEditForm(obj=campaign), None
    if form.validate_on_submit():
        try:
            campaign_settings.update_campaign(
                db_session(), acting_user(), campaign.id, _settings(form), today=utcnow().date()
            )
        except InputError as error:
            problem = error.translated()
        else:
            flash(_("The campaign's settings were saved."), "success")
            return redirect(url_for("surveys.campaign_detail", campaign_id=campaign.id))
    page = render_template(
        "surveys/campaign_edit.html", campaign=campaign, form=form, problem=problem
    )
    return page, 422 if problem or form.errors else 200


def _settings(form: CampaignEditForm) -> campaign_settings.CampaignSettings:
    return campaign_settings.CampaignSettings(
        title=form.title.data or "",
        opens_on=form.opens_on.data,
        closes_on=form.closes_on.data,
        reminder_days=int(form.reminder_days.data or 0),
        reminder_limit=int(form.reminder_limit.data or 0),
        reminders_automatic=bool(form.reminders_automatic.data),
    )
