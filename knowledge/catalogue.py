"""Reading the repository: product pages, related products, sitemap, API and index documents."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from knowledge.identifiers import licence_url
from knowledge.models import (
    KnowledgeProduct,
    ProductCountry,
    ProductFile,
    ProductSdg,
)
from portal.collation import sorted_by_name
from portal.models import Organisation


def published_ids(session: Session) -> list[int]:
    """Ids of every published product, e.g. for rebuilding the search index."""
    query = select(KnowledgeProduct.id).where(KnowledgeProduct.status == "published")
    return list(session.scalars(query.order_by(KnowledgeProduct.id)))


def get_product(session: Session, product_id: int) -> KnowledgeProduct | None:
    return session.get(
        KnowledgeProduct,
        product_id,
        options=[
            selectinload(KnowledgeProduct.organisation),
            selectinload(KnowledgeProduct.files),
            selectinload(KnowledgeProduct.revisions),
            selectinload(KnowledgeProduct.creator_rows),
        ],
    )


def related_products(
    session: Session, product: KnowledgeProduct, *, limit: int = 5
) -> list[KnowledgeProduct]:
    """Other published products sharing most SDGs and countries with this one."""
    shared_sdgs = (
        select(ProductSdg.product_id.label("pid"), func.count().label("n"))
        .where(ProductSdg.sdg.in_(product.sdgs), ProductSdg.product_id != product.id)
        .group_by(ProductSdg.product_id)
    )
    shared_countries = (
        select(ProductCountry.product_id.label("pid"), func.count().label("n"))
        .where(
            ProductCountry.country.in_(product.countries),
            ProductCountry.product_id != product.id,
        )
        .group_by(ProductCountry.product_id)
    )
    shared = shared_sdgs.union_all(shared_countries).subquery()
    scores = (
        select(shared.c.pid, func.sum(shared.c.n).label("score")).group_by(shared.c.pid).subquery()
    )
    rows = session.execute(
        select(KnowledgeProduct)
        .join(scores, scores.c.pid == KnowledgeProduct.id)
        .where(KnowledgeProduct.status == "published")
        .order_by(
            scores.c.score.desc(),
            KnowledgeProduct.publication_date.desc(),
            KnowledgeProduct.id.desc(),
        )
        .limit(limit)
    )
    return list(rows.scalars())


def organisation_products(session: Session, organisation_id: int) -> list[KnowledgeProduct]:
    """Every product of one organisation, whatever its state, latest change first."""
    return list(
        session.scalars(
            select(KnowledgeProduct)
            .where(KnowledgeProduct.organisation_id == organisation_id)
            .options(selectinload(KnowledgeProduct.revisions))
            .order_by(KnowledgeProduct.updated_at.desc(), KnowledgeProduct.id.desc())
        )
    )


def product_file(session: Session, product_id: int, file_id: int) -> ProductFile | None:
    """A file of the product by its database id, None when it is not the product's own file."""
    found = session.get(ProductFile, file_id)
    if found is None or found.product_id != product_id:
        return None
    return found


def sitemap_entries(session: Session) -> list[tuple[int, date]]:
    """(product id, last change date) of every published product."""
    rows = session.execute(
        select(KnowledgeProduct.id, KnowledgeProduct.updated_at)
        .where(KnowledgeProduct.status == "published")
        .order_by(KnowledgeProduct.id)
    )
    return [(product_id, changed.date()) for product_id, changed in rows]


def product_metadata(product: KnowledgeProduct) -> dict[str, Any]:
    """The public JSON description of a product (API and search engines)."""
    return {
        "id": product.id,
        "title": product.title,
        "abstract": product.abstract,
        "product_type": product.product_type,
        "language": product.language,
        "publication_date": product.publication_date.isoformat(),
        "organisation": {
            "code": product.organisation.code,
            "name": product.organisation.name,
            "kind": product.organisation.kind,
        },
        "countries": product.countries,
        "sdgs": product.sdgs,
        "themes": list(product.themes or ()),
        "url": product.url,
        "licence": product.licence,
        "licence_url": licence_url(product.licence) if product.licence else None,
        "volunteering_integrated": product.volunteering_integrated,
        "creators": [creator.to_json() for creator in product.creators],
        "doi": product.doi,
        "files": [
            {
                "id": item.id,
                "name": item.original_name,
                "kind": item.kind,
                "size": item.size,
                "sha256": item.sha256,
                "text_status": item.text_status,
                "language": item.language or product.language,
                "edition": item.edition,
            }
            for item in product.public_files
        ],
        "view_count": product.view_count,
        "download_count": product.download_count,
    }


def search_document(session: Session, product_id: int) -> dict[str, Any] | None:
    """What the search index holds for a product (search.schema.ProductDocument), or None.

    None means the product must not be in the index: it is missing or not published. File text
    is only text that was read ("ok"); files of unapproved revisions are left out.
    """
    product = get_product(session, product_id)
    if product is None or product.status != "published":
        return None
    texts = [f.text for f in product.public_files if f.text_status == "ok" and f.text]
    return {
        "id": product.id,
        "title": product.title,
        "abstract": product.abstract,
        "file_text": "\n\n".join(texts) or None,
        "language": product.language,
        # Who made it: the organisation and the creators, so a search finds a product by its
        # authors' names too.
        "organisation": "\n".join(
            [product.organisation.name, *(c.display_name for c in product.creators)]
        ),
        "org_kind": product.organisation.kind,
        "product_type": product.product_type,
        "countries": product.countries,
        "sdgs": product.sdgs,
        "publication_date": product.publication_date,
    }


def organisation_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every organisation, in the alphabetical order of the names."""
    pairs = [(org.id, org.name) for org in session.scalars(select(Organisation))]
    return sorted_by_name(pairs, lambda pair: pair[1])
