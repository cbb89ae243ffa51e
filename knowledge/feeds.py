"""Atom feeds of newly published products: the whole catalogue, or one search and its filters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from flask import Blueprint, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from knowledge.creators import credited
from knowledge.forms import PRODUCT_TYPE_LABELS
from knowledge.models import KnowledgeProduct
from knowledge.search.current import search_index
from knowledge.search.engine import SearchUnavailable
from knowledge.search.requests import SearchRequest, search_products
from portal.auth.enforce import public
from portal.db import db_session
from portal.i18n import current_language
from portal.mail import absolute_url

ATOM = "http://www.w3.org/2005/Atom"
ENTRIES = 50
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ET.register_namespace("", ATOM)
bp = Blueprint("knowledge_feeds", __name__, url_prefix="/knowledge")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    element.text = text
    return element


def newest(limit: int = ENTRIES) -> list[KnowledgeProduct]:
    """The most recently published products, newest first."""
    statement = (
        select(KnowledgeProduct)
        .where(KnowledgeProduct.status == "published")
        .order_by(KnowledgeProduct.published_at.desc(), KnowledgeProduct.id.desc())
        .options(
            selectinload(KnowledgeProduct.organisation),
            selectinload(KnowledgeProduct.creator_rows),
        )
        .limit(limit)
    )
    return list(db_session().scalars(statement))


def searched(wanted: SearchRequest) -> list[KnowledgeProduct]:
    """The products a search finds, newest publication first, as the database has them now."""
    dated = wanted.changed(sort="date", page=1, per_page=ENTRIES)
    found = search_products(search_index(), db_session(), dated)
    ids = [item.hit.id for item in found.products]
    rows = db_session().scalars(
        select(KnowledgeProduct)
        .where(KnowledgeProduct.id.in_(ids), KnowledgeProduct.status == "published")
        .options(
            selectinload(KnowledgeProduct.organisation),
            selectinload(KnowledgeProduct.creator_rows),
        )
    )
    by_id = {product.id: product for product in rows}
    return [by_id[i] for i in ids if i in by_id]


def atom(title: str, self_url: str, page_url: str, products: Sequence[KnowledgeProduct]) -> bytes:
    """A valid Atom 1.0 document (RFC 4287) of the products."""
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: current_language()})
    _add(feed, "id", self_url)
    _add(feed, "title", title)
    changed = max((p.updated_at for p in products), default=datetime(2020, 1, 1, tzinfo=UTC))
    _add(feed, "updated", _stamp(changed))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    author = _add(feed, "author")
    _add(author, "name", "UNV Results Portal")
    for product in products:
        entry = _add(feed, "entry")
        link = absolute_url("knowledge.product", product_id=product.id)
        _add(entry, "id", link)
        _add(entry, "title", product.title).set(XML_LANG, product.language)
        _add(entry, "updated", _stamp(product.updated_at))
        if product.published_at is not None:
            _add(entry, "published", _stamp(product.published_at))
        _add(entry, "link", rel="alternate", type="text/html", href=link)
        for creator in credited(product.creators, product.organisation.name):
            author = _add(entry, "author")
            _add(author, "name", creator.display_name)
            if creator.identifier_url:
                _add(author, "uri", creator.identifier_url)
        label = str(PRODUCT_TYPE_LABELS[product.product_type])
        _add(entry, "category", term=product.product_type, label=label)
        if product.abstract:
            _add(entry, "summary", product.abstract).set(XML_LANG, product.language)
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


@bp.get("/feed.atom")
@public
def feed() -> Response:
    """The newest products; with `q` or filters, the newest that this search finds."""
    wanted = SearchRequest.from_args(request.args)
    args = wanted.changed(page=1).args()
    args.pop("page", None)
    if wanted.text or wanted.filters:
        try:
            products = searched(wanted)
        except SearchUnavailable:
            return Response(_("Search is temporarily unavailable."), 503, mimetype="text/plain")
        title = _("Knowledge on volunteering: “%(query)s”", query=wanted.text or "…")
    else:
        products, title = newest(), _("Knowledge on volunteering: newly published")
    self_url = absolute_url("knowledge_feeds.feed", **args)
    page_url = absolute_url("knowledge.browse", **args)
    body = atom(title, self_url, page_url, products)
    return Response(body, mimetype="application/atom+xml")
