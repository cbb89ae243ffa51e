"""Moderation of knowledge products: submit, publish, reject, withdraw and review revisions.

Every transition is checked against the current state, written to the audit log and to the
search outbox in the caller's transaction. Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge import permissions
from knowledge.files import N_
from knowledge.models import KnowledgeProduct, ProductRevision, enqueue_index
from knowledge.products import ProductInput, apply_input, audit, validate_input
from portal.db import utcnow
from portal.errors import InputError
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


def submit(session: Session, actor: User, product: KnowledgeProduct) -> None:
    """A draft goes to the review queue."""
    if product.status != "draft":
        raise InputError(N_("Only a draft can be submitted for review."))
    product.status, product.submitted_at = "submitted", utcnow()
    product.submitted_by_id = product.submitted_by_id or actor.id
    audit(session, actor, "product.submitted", product.id)
    enqueue_index(session, product.id)


def publish(session: Session, actor: User, product: KnowledgeProduct) -> None:
    """Make a submitted product public (and counted by the outcome-3 indicators)."""
    _four_eyes(permissions.can_publish(actor, product))
    if product.status != "submitted":
        raise InputError(N_("This product is not waiting for review."))
    # Metadata may have been edited by staff since it was submitted: it must still be valid.
    validate_input(ProductInput.of(product))
    now = utcnow()
    product.status, product.reviewer_id, product.reviewed_at = "published", actor.id, now
    product.published_at = product.published_at or now
    product.rejection_reason = None
    audit(session, actor, "product.published", product.id)
    enqueue_index(session, product.id)


def reject(session: Session, actor: User, product: KnowledgeProduct, reason: str) -> None:
    _four_eyes(permissions.can_reject(actor, product))
    if product.status != "submitted":
        raise InputError(N_("This product is not waiting for review."))
    product.rejection_reason = _reason(reason)
    product.status, product.reviewer_id, product.reviewed_at = "rejected", actor.id, utcnow()
    audit(session, actor, "product.rejected", product.id, reason=product.rejection_reason)
    enqueue_index(session, product.id)


def withdraw(session: Session, actor: User, product: KnowledgeProduct, reason: str = "") -> None:
    """Take a product down; it stays in the database and its pending revision is dropped."""
    if product.status not in ("submitted", "published"):
        raise InputError(N_("Only a submitted or published product can be withdrawn."))
    previous = product.status
    product.status, product.withdrawn_at = "withdrawn", utcnow()
    product.withdrawal_reason = reason.strip()[:MAX_REASON] or None
    revision = product.pending_revision
    if revision is not None:
        revision.state, revision.reviewed_at = "rejected", utcnow()
        revision.reviewer_id, revision.rejection_reason = actor.id, "withdrawn"
    audit(session, actor, "product.withdrawn", product.id, previous=previous)
    enqueue_index(session, product.id)


def approve_revision(session: Session, actor: User, revision: ProductRevision) -> None:
    """The proposed metadata and files replace the published ones."""
    _four_eyes(permissions.can_review_revision(actor, revision))
    if revision.state != "pending" or revision.product.status != "published":
        raise InputError(N_("This revision is not waiting for review."))
    product = revision.product
    apply_input(product, validate_input(ProductInput.from_json(revision.changes)))
    for product_file in list(revision.files):
        product_file.revision = None
    revision.state, revision.reviewer_id, revision.reviewed_at = "approved", actor.id, utcnow()
    product.reviewer_id, product.reviewed_at = actor.id, revision.reviewed_at
    audit(session, actor, "revision.approved", product.id, revision_id=revision.id)
    enqueue_index(session, product.id)


def reject_revision(session: Session, actor: User, revision: ProductRevision, reason: str) -> None:
    """The published version stays as it was; the revision's files stay hidden."""
    _four_eyes(permissions.can_review_revision(actor, revision))
    if revision.state != "pending":
        raise InputError(N_("This revision is not waiting for review."))
    revision.rejection_reason = _reason(reason)
    revision.state, revision.reviewer_id, revision.reviewed_at = "rejected", actor.id, utcnow()
    audit(
        session,
        actor,
        "revision.rejected",
        revision.product_id,
        revision_id=revision.id,
        reason=revision.rejection_reason,
    )
    enqueue_index(session, revision.product_id)


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
