"""Moderation pages: the review queue, publish or reject, revisions, submitting drafts, withdrawal.

Every POST here is CSRF-checked by the app-wide CSRFProtect before the view runs; each calls one
action of knowledge.moderation, which also queues the decision mail to the contributor.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from knowledge import moderation, permissions, products
from knowledge.forms import ReasonForm, WithdrawForm
from knowledge.models import ProductRevision
from knowledge.views import bp, load_product, user
from portal.auth.enforce import require
from portal.db import db_session
from portal.errors import InputError


def decided(action: Callable[[], None], success: str) -> bool:
    """Run a moderation service; an InputError (wrong state, no reason) becomes a message."""
    try:
        action()
    except InputError as error:
        flash(error.translated(), "error")
        return False
    flash(success, "success")
    return True


def load_revision(revision_id: int) -> ProductRevision:
    revision = db_session().get(ProductRevision, revision_id)
    if revision is None:
        abort(404)
    return revision


@bp.get("/review")
@require(permissions.can_review_queue)
def review_queue() -> str:
    queue = moderation.review_queue(db_session())
    return render_template("knowledge/review_queue.html", queue=queue)


@bp.get("/review/<int:product_id>")
@require(permissions.can_review_queue)
def review(product_id: int) -> str:
    product = load_product(product_id)
    return render_template(
        "knowledge/review.html",
        product=product,
        reject_form=ReasonForm(),
        can_decide=permissions.can_publish(user(), product),
    )


@bp.post("/<int:product_id>/publish")
@require(permissions.can_review_queue)
def publish(product_id: int) -> Response:
    product = load_product(product_id)
    if not permissions.can_publish(user(), product):
        abort(403)
    action = partial(moderation.publish, db_session(), user(), product)
    if not decided(action, _("The product is published.")):
        return redirect(url_for("knowledge.review", product_id=product_id))
    return redirect(url_for("knowledge.review_queue"))


@bp.post("/<int:product_id>/reject")
@require(permissions.can_review_queue)
def reject(product_id: int) -> Any:
    product = load_product(product_id)
    if not permissions.can_reject(user(), product):
        abort(403)
    reason = ReasonForm().reason.data or ""
    action = partial(moderation.reject, db_session(), user(), product, reason)
    if not decided(action, _("The product was rejected and the contributor told why.")):
        return redirect(url_for("knowledge.review", product_id=product_id))
    return redirect(url_for("knowledge.review_queue"))


@bp.get("/revisions/<int:revision_id>")
@require(permissions.can_review_queue)
def revision(revision_id: int) -> str:
    item = load_revision(revision_id)
    return render_template(
        "knowledge/revision.html",
        revision=item,
        product=item.product,
        differences=products.revision_differences(item),
        reject_form=ReasonForm(),
        can_decide=permissions.can_review_revision(user(), item),
    )


@bp.post("/revisions/<int:revision_id>/approve")
@require(permissions.can_review_queue)
def approve_revision(revision_id: int) -> Response:
    item = load_revision(revision_id)
    if not permissions.can_review_revision(user(), item):
        abort(403)
    action = partial(moderation.approve_revision, db_session(), user(), item)
    if not decided(action, _("The changes are published.")):
        return redirect(url_for("knowledge.revision", revision_id=revision_id))
    return redirect(url_for("knowledge.review_queue"))


@bp.post("/revisions/<int:revision_id>/reject")
@require(permissions.can_review_queue)
def reject_revision(revision_id: int) -> Response:
    item = load_revision(revision_id)
    if not permissions.can_review_revision(user(), item):
        abort(403)
    reason = ReasonForm().reason.data or ""
    action = partial(moderation.reject_revision, db_session(), user(), item, reason)
    if not decided(action, _("The changes were rejected; the published version stays.")):
        return redirect(url_for("knowledge.revision", revision_id=revision_id))
    return redirect(url_for("knowledge.review_queue"))


@bp.post("/<int:product_id>/submit")
@require(permissions.can_contribute_knowledge)
def submit_draft(product_id: int) -> Response:
    product = load_product(product_id)
    if not permissions.can_submit_draft(user(), product):
        abort(403)
    action = partial(moderation.submit, db_session(), user(), product)
    decided(action, _("Thank you. The product waits for review by UNV staff."))
    return redirect(url_for("knowledge.product", product_id=product_id))


@bp.post("/<int:product_id>/withdraw")
@require(permissions.can_contribute_knowledge)
def withdraw(product_id: int) -> Response:
    product = load_product(product_id)
    if not permissions.can_withdraw(user(), product):
        abort(403)
    reason = WithdrawForm().reason.data or ""
    action = partial(moderation.withdraw, db_session(), user(), product, reason)
    decided(action, _("The product was withdrawn; it is no longer public."))
    return redirect(url_for("knowledge.product", product_id=product_id))
