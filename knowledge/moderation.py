"""Moderation actions on knowledge products: submit, publish, reject, withdraw, review revisions.

Every transition is checked against the current state before anything changes, then written to
the audit log and the search outbox in the caller's transaction (flushed, never committed). The
decisions (publish, reject, approve or reject a revision) queue their mail to the contributor,
sent once the transaction commits, whichever door took the decision.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge import permissions
from knowledge.models import PRODUCT_AUDIT_TYPE, KnowledgeProduct, ProductRevision, enqueue_index
from knowledge.product_input import ProductInput, apply_input, validate_input
from portal import audit, mail
from portal.db import utcnow
from portal.errors import InputError
from portal.markers import N_
from portal.models import User

MAX_REASON = 2_000


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InputError(N_("Please give the reason, so that the contributor can act on it."))
    if len(reason) > MAX_REASON:
        raise InputError(N_("The reason is longer than %(max)s characters."), max=MAX_REASON)
    return reason


def _four_eyes(allowed: bool) -> None:
    if not allowed:
        raise InputError(N_("Another staff member must review what you submitted yourself."))


def _record(
    session: Session, actor: User, action: str, product_id: int, **details: str | int
) -> None:
    audit.record(session, actor, f"knowledge.{action}", PRODUCT_AUDIT_TYPE, product_id, **details)
    enqueue_index(session, product_id)


def _tell_contributor(
    session: Session, product: KnowledgeProduct, template: str, **context: object
) -> None:
    """Queue the decision mail to whoever submitted the product, in their language."""
    contributor = product.submitted_by
    if contributor is None or not contributor.active:
        return
    mail.queue(
        session,
        template,
        contributor.email,
        contributor.locale,
        user=contributor,
        product=product,
        product_url=mail.absolute_url("knowledge.product", product_id=product.id),
        edit_url=mail.absolute_url("knowledge.edit", product_id=product.id),
        **context,
    )


def submit(session: Session, actor: User, product: KnowledgeProduct) -> None:
    """A draft goes to the review queue."""
    if product.status != "draft":
        raise InputError(N_("Only a draft can be submitted for review."))
    product.status, product.submitted_at = "submitted", utcnow()
    product.submitted_by_id = product.submitted_by_id or actor.id
    _record(session, actor, "product.submitted", product.id)


def publish(session: Session, actor: User, product: KnowledgeProduct) -> None:
    """Make a submitted product public (and counted by the outcome-3 indicators); mail it."""
    _four_eyes(permissions.can_publish(actor, product))
    if product.status != "submitted":
        raise InputError(N_("This product is not waiting for review."))
    # Metadata may have been edited by staff since it was submitted: it must still be valid.
    validate_input(ProductInput.of(product))
    now = utcnow()
    product.status, product.reviewer_id, product.reviewed_at = "published", actor.id, now
    product.published_at = product.published_at or now
    product.updated_at = now  # the record changed: sitemaps and harvesters look again
    product.rejection_reason = None
    _record(session, actor, "product.published", product.id)
    _tell_contributor(session, product, "knowledge_published", revision=False)


def reject(session: Session, actor: User, product: KnowledgeProduct, reason: str) -> None:
    """Send a submitted product back with the reason, which the contributor is mailed."""
    _four_eyes(permissions.can_reject(actor, product))
    if product.status != "submitted":
        raise InputError(N_("This product is not waiting for review."))
    product.rejection_reason = _reason(reason)
    product.status, product.reviewer_id, product.reviewed_at = "rejected", actor.id, utcnow()
    # The reason is free text kept on the product; the audit row holds identifiers only.
    _record(session, actor, "product.rejected", product.id)
    _tell_contributor(
        session, product, "knowledge_rejected", revision=False, reason=product.rejection_reason
    )


def withdraw(session: Session, actor: User, product: KnowledgeProduct, reason: str = "") -> None:
    """Take a product down; it stays in the database and its pending revision is dropped."""
    if product.status not in ("submitted", "published"):
        raise InputError(N_("Only a submitted or published product can be withdrawn."))
    previous = product.status
    product.status, product.withdrawn_at = "withdrawn", utcnow()
    product.updated_at = product.withdrawn_at
    product.withdrawal_reason = reason.strip()[:MAX_REASON] or None
    revision = product.pending_revision
    if revision is not None:
        revision.state, revision.reviewed_at = "rejected", utcnow()
        revision.reviewer_id, revision.rejection_reason = actor.id, "withdrawn"
    _record(session, actor, "product.withdrawn", product.id, previous=previous)


def approve_revision(session: Session, actor: User, revision: ProductRevision) -> None:
    """The proposed metadata and files replace the published ones; the contributor is mailed."""
    _four_eyes(permissions.can_review_revision(actor, revision))
    if revision.state != "pending" or revision.product.status != "published":
        raise InputError(N_("This revision is not waiting for review."))
    product = revision.product
    apply_input(product, validate_input(ProductInput.from_json(revision.changes)))
    for product_file in list(revision.files):
        product_file.revision = None
    revision.state, revision.reviewer_id, revision.reviewed_at = "approved", actor.id, utcnow()
    product.reviewer_id, product.reviewed_at = actor.id, revision.reviewed_at
    _record(session, actor, "revision.approved", product.id, revision_id=revision.id)
    _tell_contributor(session, product, "knowledge_published", revision=True)


def reject_revision(session: Session, actor: User, revision: ProductRevision, reason: str) -> None:
    """The published version stays as it was, the revision's files stay hidden; mailed."""
    _four_eyes(permissions.can_review_revision(actor, revision))
    if revision.state != "pending":
        raise InputError(N_("This revision is not waiting for review."))
    revision.rejection_reason = _reason(reason)
    revision.state, revision.reviewer_id, revision.reviewed_at = "rejected", actor.id, utcnow()
    _record(session, actor, "revision.rejected", revision.product_id, revision_id=revision.id)
    _tell_contributor(
        session,
        revision.product,
        "knowledge_rejected",
        revision=True,
        reason=revision.rejection_reason,
    )


@dataclass(frozen=True)
class ReviewQueue:
    products: list[KnowledgeProduct]
    revisions: list[ProductRevision]

    def __len__(self) -> int:
        return len(self.products) + len(self.revisions)


def review_queue(session: Session) -> ReviewQueue:
    """Submitted products and pending revisions, oldest first."""
    products = session.scalars(
        select(KnowledgeProduct)
        .where(KnowledgeProduct.status == "submitted")
        .options(selectinload(KnowledgeProduct.organisation))
        .order_by(KnowledgeProduct.submitted_at, KnowledgeProduct.id)
    )
    revisions = session.scalars(
        select(ProductRevision)
        .where(ProductRevision.state == "pending")
        .options(selectinload(ProductRevision.product))
        .order_by(ProductRevision.created_at, ProductRevision.id)
    )
    return ReviewQueue(list(products), list(revisions))
