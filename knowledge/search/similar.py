"""Products like a given one: from the index by their text, or by shared goals and countries."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge import catalogue
from knowledge.models import KnowledgeProduct
from knowledge.search.engine import SearchIndex, SearchUnavailable

log = logging.getLogger(__name__)

#: Products shown as "more like this".
SIMILAR = 5
#: Hits asked of the index beyond those shown, in case some were withdrawn a moment ago.
_SPARE = 5


def similar_products(
    index: SearchIndex, session: Session, product_id: int, *, limit: int = SIMILAR
) -> list[KnowledgeProduct]:
    """Published products most like ``product_id`` in text, best first (not the product itself).

    Raises :class:`SearchUnavailable` when the index cannot be read.
    """
    ids = [hit.id for hit in index.more_like(product_id, limit=limit + _SPARE)]
    if not ids:
        return []
    # The index may lag behind a withdrawal by a moment: the database has the last word.
    published = session.scalars(
        select(KnowledgeProduct)
        .options(selectinload(KnowledgeProduct.organisation))
        .where(KnowledgeProduct.id.in_(ids), KnowledgeProduct.status == "published")
    )
    found = {product.id: product for product in published}
    return [found[product_id] for product_id in ids if product_id in found][:limit]


@dataclass(frozen=True)
class Related:
    """What a product page lists beside the product: ``by_text`` when the index found products
    like it in text, else those sharing its goals and countries."""

    products: list[KnowledgeProduct] = field(default_factory=list)
    by_text: bool = False


def related_to(index: SearchIndex, session: Session, product: KnowledgeProduct) -> Related:
    """ "More like this" from the index; products sharing goals and countries when the index
    is unavailable or finds none (a product page never fails for want of an index)."""
    try:
        similar = similar_products(index, session, product.id)
    except SearchUnavailable:
        log.warning("product page lists related products: the search index is unavailable")
        similar = []
    if similar:
        return Related(similar, by_text=True)
    return Related(catalogue.related_products(session, product))
