"""A product as libraries and search engines read it: its permanent link, the work its citations
describe, its creators with their identifiers, and its schema.org description (JSON-LD)."""

from __future__ import annotations

from typing import Any

from knowledge import identifiers
from knowledge.citations import Work
from knowledge.creators import Creator
from knowledge.models import KnowledgeProduct
from portal.mail import absolute_url


def permalink(product_id: int) -> str:
    """The product's stable address (/k/<id>): ids are never reused, products never deleted
    (a withdrawn product keeps its record), so the link names this product for good."""
    return absolute_url("knowledge_seo.permalink", product_id=product_id)


def doi_url(doi: str | None) -> str | None:
    return identifiers.DOI_URL + doi if doi else None


def work_of(product: KnowledgeProduct) -> Work:
    """What the product's citations say: its creators (else its organisation), its date, its
    permanent link, DOI and the edition of its first file that names one."""
    edition = next((item.edition for item in product.public_files if item.edition), None)
    published = product.publication_date
    return Work(
        id=product.id,
        title=product.title,
        abstract=product.abstract,
        product_type=product.product_type,
        language=product.language,
        published=(published.year, published.month, published.day),
        publisher=product.organisation.name,
        creators=product.creators,
        permalink=permalink(product.id),
        doi=product.doi,
        edition=edition,
    )


def creators_json(product: KnowledgeProduct) -> list[dict[str, Any]]:
    """The creators as the product API gives them (an empty list: the organisation is credited)."""
    return [creator.to_json() for creator in product.creators]


def _schema_person(creator: Creator) -> dict[str, Any]:
    if creator.kind == "organisation":
        data: dict[str, Any] = {"@type": "Organization", "name": creator.name}
    else:
        data = {"@type": "Person", "name": creator.display_name, "familyName": creator.name}
        if creator.given:
            data["givenName"] = creator.given
    if creator.identifier_url:
        data["@id"] = data["identifier"] = creator.identifier_url
    return data


def schema_org(product: KnowledgeProduct, work: Work) -> dict[str, Any]:
    """schema.org metadata of a published product for search engines (JSON-LD); `work` is
    `work_of(product)`, which the page computes once for this and its citations."""
    report = product.product_type in ("report", "vnr", "unsdcf")
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Report" if report else "CreativeWork",
        "@id": work.permalink,
        "name": product.title,
        "abstract": product.abstract,
        "inLanguage": product.language,
        "datePublished": product.publication_date.isoformat(),
        "url": absolute_url("knowledge.product", product_id=product.id),
        "identifier": [work.permalink],
        "author": [_schema_person(creator) for creator in work.credited],
        "publisher": {"@type": "Organization", "name": product.organisation.name},
        "about": [f"SDG {number}" for number in product.sdgs],
        "spatialCoverage": [{"@type": "Country", "identifier": code} for code in product.countries],
    }
    if product.doi:
        data["identifier"].append(
            {"@type": "PropertyValue", "propertyID": "DOI", "value": product.doi}
        )
        data["sameAs"] = [doi_url(product.doi)]
    if product.licence:
        data["license"] = identifiers.licence_url(product.licence) or product.licence
    if product.themes:
        data["keywords"] = ", ".join(product.themes)
    if product.url:
        data.setdefault("sameAs", []).append(product.url)
    if work.edition:
        data["version"] = work.edition
    return data
