"""The destructive campaign actions (close, erase contact data, delete a draft), each behind its
confirmation page.

A confirmation needs no script: the GET of an action's address says what will happen, and only
the POST that its button sends does it (one route per address, so that a malformed id is a 404
whatever the method).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm

from portal.auth.enforce import require
from portal.auth.forms import ConfirmForm
from portal.db import db_session
from portal.errors import InputError, NotFound
from surveys import campaign_settings, campaigns, progress
from surveys.campaign_views import act, campaign_or_404, refused
from surveys.models import Campaign
from surveys.permissions import can_manage_campaigns
from surveys.views import acting_user, bp

CAMPAIGN = "/surveys/campaigns/<int:campaign_id>"


@dataclass
class Confirmation:
    """What a confirmation page says: the question, what will happen, and its button."""

    campaign: Campaign
    heading: str
    consequences: list[str]
    button: str
    action: str
    cancel: str
    form: FlaskForm = field(default_factory=ConfirmForm)


def confirm(page: Confirmation) -> str:
    """The confirmation page: what will happen, and the button that does it."""
    return render_template("surveys/confirm.html", page=page, campaign=page.campaign)


def _campaign_confirmation(
    campaign_id: int, endpoint: str, heading: str, consequences: list[str], button: str
) -> str:
    campaign = campaign_or_404(campaign_id)
    return confirm(
        Confirmation(
            campaign,
            heading % {"title": campaign.title},
            consequences,
            button,
            url_for(endpoint, campaign_id=campaign.id),
            url_for("surveys.campaign_detail", campaign_id=campaign.id),
        )
    )


def _counts(campaign_id: int) -> progress.CampaignProgress:
    return progress.campaign_progress(db_session(), campaign_or_404(campaign_id))


def _close_page(campaign_id: int) -> str:
    counts = _counts(campaign_id)
    return _campaign_confirmation(
        campaign_id,
        "surveys.campaign_close",
        _("Close the campaign “%(title)s”?"),
        [
            ngettext(
                "The link of the %(num)d invitee who has not completed stops working at once.",
                "The links of the %(num)d invitees who have not completed stop working at once.",
                counts.invited - counts.completed,
            ),
            _("No one can answer a closed campaign; it cannot be opened again."),
            _("Responses already submitted are kept."),
        ],
        _("Close the campaign"),
    )


@bp.route(CAMPAIGN + "/close", methods=["GET", "POST"])
@require(can_manage_campaigns)
def campaign_close(campaign_id: int) -> Any:
    """GET asks (the confirmation page), POST closes."""
    if request.method == "GET":
        return _close_page(campaign_id)
    return act(
        campaign_id,
        lambda: campaigns.close_campaign(db_session(), acting_user(), campaign_id),
        _("The campaign is closed; its links no longer work."),
    )


def _purge_page(campaign_id: int) -> str:
    counts = _counts(campaign_id)
    return _campaign_confirmation(
        campaign_id,
        "surveys.campaign_purge_contacts",
        _("Erase the contact data of “%(title)s”?"),
        [
            ngettext(
                "The e-mail address, name, nationality, age and unfinished answers of "
                "%(num)d invitee are erased for good.",
                "The e-mail addresses, names, nationalities, ages and unfinished answers of "
                "%(num)d invitees are erased for good.",
                counts.invited,
            ),
            _("Counts and submitted responses stay; nobody can be written to again."),
            _("This cannot be undone."),
        ],
        _("Erase the contact data"),
    )


@bp.route(CAMPAIGN + "/purge-contacts", methods=["GET", "POST"])
@require(can_manage_campaigns)
def campaign_purge_contacts(campaign_id: int) -> Any:
    """GET asks (the confirmation page), POST erases."""
    if request.method == "GET":
        return _purge_page(campaign_id)
    return act(
        campaign_id,
        lambda: campaigns.purge_contacts(db_session(), acting_user(), campaign_id),
        _("Contact data erased for %(count)s invitations."),
    )


def _delete_page(campaign_id: int) -> str:
    counts = _counts(campaign_id)
    return _campaign_confirmation(
        campaign_id,
        "surveys.campaign_delete",
        _("Delete the draft campaign “%(title)s”?"),
        [
            ngettext(
                "The campaign and its %(num)d invitee are deleted for good.",
                "The campaign and its %(num)d invitees are deleted for good.",
                counts.invited,
            ),
            _("No answer is lost: a draft was never open for answers."),
        ],
        _("Delete the draft"),
    )


@bp.route(CAMPAIGN + "/delete", methods=["GET", "POST"])
@require(can_manage_campaigns)
def campaign_delete(campaign_id: int) -> Any:
    """GET asks (the confirmation page), POST deletes the draft."""
    if request.method == "GET":
        return _delete_page(campaign_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        title = campaign_settings.delete_draft(db_session(), acting_user(), campaign_id)
    except NotFound:
        abort(404)
    except InputError as error:
        return refused(campaign_id, error.translated())
    flash(_("The draft campaign “%(title)s” was deleted.", title=title), "success")
    return redirect(url_for("surveys.campaign_list"))
