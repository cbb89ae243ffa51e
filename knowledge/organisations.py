"""Merging organisations, the knowledge side: products and support records move to the kept one."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from knowledge.models import KnowledgeProduct, SupportRecord, enqueue_index
from portal.auth.organisations import rows_changed


def merge_organisation_rows(session: Session, duplicate_id: int, keep_id: int) -> int:
    """The merge handler (portal.auth.organisations): products credited to the duplicate and
    support given to it now name the kept organisation; moved products are indexed again (the
    organisation's name is part of what search finds). Returns the rows moved."""
    product_ids = list(
        session.scalars(
            select(KnowledgeProduct.id).where(KnowledgeProduct.organisation_id == duplicate_id)
        )
    )
    session.execute(
        update(KnowledgeProduct)
        .where(KnowledgeProduct.id.in_(product_ids))
        .values(organisation_id=keep_id)
    )
    supported = rows_changed(
        session,
        update(SupportRecord)
        .where(SupportRecord.recipient_organisation_id == duplicate_id)
        .values(recipient_organisation_id=keep_id),
    )
    for product_id in product_ids:
        enqueue_index(session, product_id)
    return len(product_ids) + supported
