"""The whole catalogue's published metadata as CSV and JSON, for reuse under its licence."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, current_app, stream_with_context
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from knowledge.catalogue import product_metadata
from knowledge.creators import creators_text
from knowledge.models import KnowledgeProduct
from knowledge.product_record import permalink
from portal.auth.enforce import public
from portal.db import db_session, utcnow
from portal.formulas import safe_cell
from portal.mail import absolute_url

bp = Blueprint("knowledge_catalogue", __name__, url_prefix="/knowledge")
BATCH = 500
CSV_COLUMNS = (
    "id", "url", "title", "abstract", "product_type", "language", "publication_date",
    "organisation_code", "organisation", "countries", "sdgs", "themes", "licence",
    "external_url", "files", "creators", "doi", "permalink",
)  # fmt: skip


def published() -> Iterator[KnowledgeProduct]:
    """Every published product in id order, read in batches."""
    statement = (
        select(KnowledgeProduct)
        .where(KnowledgeProduct.status == "published")
        .order_by(KnowledgeProduct.id)
        .options(
            selectinload(KnowledgeProduct.organisation),
            selectinload(KnowledgeProduct.files),
            selectinload(KnowledgeProduct.country_links),
            selectinload(KnowledgeProduct.sdg_links),
            selectinload(KnowledgeProduct.creator_rows),
        )
        .execution_options(yield_per=BATCH)
    )
    yield from db_session().scalars(statement)


def record(product: KnowledgeProduct) -> dict[str, Any]:
    """The product's public metadata with its permanent page."""
    return {
        **product_metadata(product),
        "page": product_page(product),
        "permalink": permalink(product.id),
    }


def product_page(product: KnowledgeProduct) -> str:
    return absolute_url("knowledge.product", product_id=product.id)


def csv_row(product: KnowledgeProduct) -> list[Any]:
    meta = product_metadata(product)
    values = [
        product.id, product_page(product), meta["title"], meta["abstract"],
        meta["product_type"], meta["language"], meta["publication_date"],
        meta["organisation"]["code"], meta["organisation"]["name"], ";".join(meta["countries"]),
        ";".join(str(n) for n in meta["sdgs"]), ";".join(meta["themes"]), meta["licence"] or "",
        meta["url"] or "", len(meta["files"]), creators_text(product.creators, "; "),
        meta["doi"] or "", permalink(product.id),
    ]  # fmt: skip
    return [safe_cell(value) for value in values]


def _csv_lines() -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for product in published():
        writer.writerow(csv_row(product))
        if out.tell() > 64_000:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _json_chunks() -> Iterator[str]:
    head = {
        "generated_at": utcnow().isoformat(),
        "metadata_licence": current_app.config["PORTAL_METADATA_LICENCE"],
        "note": "Metadata of the published products; each file keeps the licence it states.",
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "products": ['
    for number, product in enumerate(published()):
        yield ("," if number else "") + json.dumps(record(product), ensure_ascii=False)
    yield "]}"


def _download(body: Iterator[str], name: str, mimetype: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(stream_with_context(body), mimetype=mimetype, headers=headers)


@bp.get("/catalogue.csv")
@public
def catalogue_csv() -> Response:
    """One row per published product; lists joined by ";"; safe to open in a spreadsheet."""
    return _download(_csv_lines(), "knowledge-catalogue.csv", "text/csv")


@bp.get("/catalogue.json")
@public
def catalogue_json() -> Response:
    """The product API's record of every published product, with the metadata licence."""
    return _download(_json_chunks(), "knowledge-catalogue.json", "application/json")
