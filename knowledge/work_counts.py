"""The knowledge repository's count on the staff home: products and revisions awaiting review."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge.models import KnowledgeProduct, ProductRevision


def awaiting_review(session: Session, _today: date) -> int:
    """Submitted products and pending revisions: what the review queue lists."""
    products = select(func.count()).where(KnowledgeProduct.status == "submitted")
    revisions = select(func.count()).where(ProductRevision.state == "pending")
    return int(session.scalar(products) or 0) + int(session.scalar(revisions) or 0)
