"""The search and similar-products APIs (`/api/v1/knowledge/...`) and the search page's facets."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, jsonify, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from knowledge import catalogue
from knowledge.forms import PRODUCT_TYPE_LABELS
from knowledge.models import KnowledgeProduct
from knowledge.products import language_name
from knowledge.sdgs import SDG_NUMBERS, sdg_label
from knowledge.search.current import search_index
from knowledge.search.engine import SearchUnavailable
from knowledge.search.requests import SearchPage, SearchRequest, search_products
from knowledge.search.similar import similar_products
from portal.auth.enforce import public
from portal.countries import countries
from portal.db import db_session
from portal.errors import InputError
from portal.labels import ORG_KIND_LABELS

log = logging.getLogger(__name__)

api_bp = Blueprint("knowledge_search_api", __name__, url_prefix="/api/v1/knowledge")

FACET_LEGENDS = {
    "type": _l("Type of product"),
    "language": _l("Language"),
    "sdg": _l("Sustainable Development Goal"),
    "country": _l("Country"),
    "org_kind": _l("Kind of organisation"),
    "year": _l("Year of publication"),
}
#: Facets listing many values show the most frequent ones (and every selected one).
MOST_VALUES = 10


@api_bp.get("/search")
@public
def search_api() -> Any:
    try:
        wanted = SearchRequest.from_args(request.args, strict=True)
    except InputError as error:
        abort(400, description=error.translated())
    try:
        found = search_products(search_index(), db_session(), wanted)
    except SearchUnavailable:
        log.warning("search API answered 503: the search index is unavailable", exc_info=True)
        abort(503, description=_("Search is temporarily unavailable. Please try again shortly."))
    return jsonify(search_json(found))


@api_bp.get("/products/<int:product_id>/similar")
@public
def similar_api(product_id: int) -> Any:
    """Published products most like a published one in text ("more like this")."""
    session = db_session()
    product = catalogue.get_product(session, product_id)
    if product is None or product.status != "published":
        abort(404)
    try:
        similar = similar_products(search_index(), session, product_id)
    except SearchUnavailable:
        log.warning("similar API answered 503: the search index is unavailable", exc_info=True)
        abort(503, description=_("Search is temporarily unavailable. Please try again shortly."))
    return jsonify({"id": product_id, "results": [product_json(item) for item in similar]})


def product_json(product: KnowledgeProduct) -> dict[str, Any]:
    """A product as the similar-products API lists it."""
    return {
        "id": product.id,
        "title": product.title,
        "url": url_for("knowledge.product", product_id=product.id),
        "product_type": product.product_type,
        "language": product.language,
        "year": product.publication_date.year,
        "publication_date": product.publication_date.isoformat(),
        "organisation": product.organisation.name,
    }


def search_json(found: SearchPage) -> dict[str, Any]:
    """The answer of the search API (CONTRACT.md), extended with paging and result details."""
    return {
        "total": found.total,
        "page": found.result.page,
        "per_page": found.result.per_page,
        "sort": found.result.sort,
        "results": [
            {
                "id": item.hit.id,
                "title": item.hit.title,
                "title_html": str(item.hit.title_html),
                "snippet": str(item.hit.snippet),
                "url": url_for("knowledge.product", product_id=item.hit.id),
                "product_type": item.hit.product_type,
                "language": item.hit.language,
                "year": item.hit.year,
                "publication_date": item.hit.publication_date.isoformat(),
                "organisation": item.organisation,
            }
            for item in found.products
        ],
        "facets": found.facets,
        "suggestion": found.result.suggestion,
    }


@dataclass(frozen=True)
class FacetChoices:
    """One facet as the page shows it: ``options`` are (code, label, count, checked)."""

    name: str
    legend: str
    options: list[tuple[str, str, int, bool]]


def facet_choices(found: SearchPage, locale: str) -> list[FacetChoices]:
    """Every facet with values, in display order, labelled in ``locale``."""
    choices = []
    for name, legend in FACET_LEGENDS.items():
        counts = found.facets.get(name, {})
        selected = found.request.filters.get(name, ())
        codes = list(counts)
        if name == "year":
            codes.sort(reverse=True)
        elif name == "sdg":
            codes.sort(key=lambda code: int(code) if code.isdigit() else 99)
        elif len(codes) > MOST_VALUES:
            codes = codes[:MOST_VALUES]
        codes += [code for code in selected if code not in codes]
        label = _labeller(name, locale)
        options = [(code, label(code), counts.get(code, 0), code in selected) for code in codes]
        if options:
            choices.append(FacetChoices(name, str(legend), options))
    return choices


def _labeller(name: str, locale: str) -> Callable[[str], str]:
    if name == "type":
        return lambda code: str(PRODUCT_TYPE_LABELS.get(code, code))
    if name == "language":
        return lambda code: language_name(code, locale)
    if name == "sdg":
        goals = {str(number): sdg_label(number, locale) for number in SDG_NUMBERS}
        return lambda code: goals.get(code, code)
    if name == "country":
        known = countries()
        return lambda code: known[code].name(locale) if code in known else code
    if name == "org_kind":
        return lambda code: str(ORG_KIND_LABELS.get(code, code))
    return str
