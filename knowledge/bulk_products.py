"""Many new products at once (the catalogue import): create_product's rows, inserted in batches.

Each product gets exactly what knowledge.products.create_product with no actor writes (product,
country and SDG links, its file with text "pending", the audit rows "knowledge.product.created"
and "knowledge.file.added"), but as a few multi-row INSERTs per batch instead of a unit-of-work
flush per object, and one search outbox row per product written at the end.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from knowledge.extraction import NOTE_PENDING, PENDING
from knowledge.models import (
    PRODUCT_AUDIT_TYPE,
    KnowledgeProduct,
    ProductCountry,
    ProductCreator,
    ProductFile,
    ProductSdg,
    SearchOutbox,
)
from knowledge.product_input import ProductInput
from knowledge.uploads import AcceptedFile
from portal.db import utcnow
from portal.models import AuditEvent

#: Products per batch of INSERTs: bounds the parameter lists held at once.
BATCH = 1000


@dataclass(frozen=True)
class NewProduct:
    """A checked catalogue entry: validated metadata, its organisation, state and stored file."""

    data: ProductInput
    organisation_id: int
    status: str
    rejection_reason: str | None
    file: AcceptedFile | None


def insert_products(session: Session, products: Sequence[NewProduct]) -> list[int]:
    """Insert every product with its links, file and audit rows; their ids, in the given order.

    The products' search outbox rows are written last, one per product (an upsert for a
    published one), so the index takes the whole catalogue in one update.
    """
    now = utcnow()
    ids: list[int] = []
    for start in range(0, len(products), BATCH):
        batch = products[start : start + BATCH]
        batch_ids = _insert_batch(session, batch, now)
        ids += batch_ids
    outbox = [
        {"product_id": id_, "action": "upsert" if item.status == "published" else "delete"}
        for id_, item in zip(ids, products, strict=True)
    ]
    for rows in _chunks(outbox):
        session.execute(insert(SearchOutbox), rows)
    return ids


def _insert_batch(session: Session, batch: Sequence[NewProduct], now: datetime) -> list[int]:
    returning = insert(KnowledgeProduct).returning(
        KnowledgeProduct.id, sort_by_parameter_order=True
    )
    ids = list(session.scalars(returning, [_product_row(item, now) for item in batch]))
    countries = [
        {"product_id": id_, "country": code}
        for id_, item in zip(ids, batch, strict=True)
        for code in sorted(set(item.data.countries))
    ]
    sdgs = [
        {"product_id": id_, "sdg": number}
        for id_, item in zip(ids, batch, strict=True)
        for number in sorted(set(item.data.sdgs))
    ]
    creators = [
        {
            "product_id": id_,
            "position": position,
            "kind": creator.kind,
            "name": creator.name,
            "given_name": creator.given,
            "identifier": creator.identifier,
        }
        for id_, item in zip(ids, batch, strict=True)
        for position, creator in enumerate(item.data.creators)
    ]
    for model, rows in (
        (ProductCountry, countries),
        (ProductSdg, sdgs),
        (ProductCreator, creators),
    ):
        if rows:
            session.execute(insert(model), rows)
    audit = [_audit_row(id_, now, "knowledge.product.created", status=item.status)
             for id_, item in zip(ids, batch, strict=True)]  # fmt: skip
    with_files = [(id_, item.file) for id_, item in zip(ids, batch, strict=True) if item.file]
    if with_files:
        returning = insert(ProductFile).returning(ProductFile.id, sort_by_parameter_order=True)
        rows = [_file_row(id_, accepted, now) for id_, accepted in with_files]
        file_ids = list(session.scalars(returning, rows))
        audit += [
            _audit_row(
                id_, now, "knowledge.file.added",
                file_id=file_id, text_status=PENDING, revision_id=None,
            )
            for (id_, _), file_id in zip(with_files, file_ids, strict=True)
        ]  # fmt: skip
    session.execute(insert(AuditEvent), audit)
    return ids


def _product_row(item: NewProduct, now: datetime) -> dict[str, Any]:
    data, status = item.data, item.status
    return {
        "organisation_id": item.organisation_id,
        "status": status,
        "submitted_by_id": None,
        "submitted_at": now if status != "draft" else None,
        "published_at": now if status == "published" else None,
        "rejection_reason": item.rejection_reason if status == "rejected" else None,
        "title": data.title,
        "abstract": data.abstract,
        "product_type": data.product_type,
        "language": data.language,
        "publication_date": data.publication_date,
        "themes": list(data.themes),
        "url": data.url,
        "licence": data.licence,
        "doi": data.doi,
        "volunteering_integrated": data.volunteering_integrated,
        "created_at": now,
        "updated_at": now,
        "view_count": 0,
        "download_count": 0,
    }


def _file_row(product_id: int, accepted: AcceptedFile, now: datetime) -> dict[str, Any]:
    checked = accepted.checked
    return {
        "product_id": product_id,
        "revision_id": None,
        "storage_key": accepted.storage_key,
        "original_name": checked.safe_name,
        "kind": checked.kind,
        "mime": checked.mime,
        "size": checked.size,
        "sha256": checked.sha256,
        "edition": accepted.edition,
        "language": accepted.language,
        "text_status": PENDING,
        "text_note": NOTE_PENDING,
        "text": None,
        "text_attempts": 0,
        "uploaded_by_id": None,
        "created_at": now,
    }


def _audit_row(product_id: int, now: datetime, action: str, **details: Any) -> dict[str, Any]:
    # The rows portal.audit.record writes for the command line (no actor).
    return {
        "at": now,
        "actor_id": None,
        "action": action,
        "object_type": PRODUCT_AUDIT_TYPE,
        "object_id": product_id,
        "details": details,
    }


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]
