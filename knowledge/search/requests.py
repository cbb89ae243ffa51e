"""Searches from the page and the API: reading the request, facet counts, the published check."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from knowledge.models import PRODUCT_TYPES, KnowledgeProduct
from knowledge.sdgs import SDG_NUMBERS
from knowledge.search.engine import (
    DEFAULT_PER_PAGE,
    FACETS,
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    SearchHit,
    SearchIndex,
    SearchResult,
    normalise_facet_value,
)
from portal.countries import is_country
from portal.errors import InputError
from portal.markers import N_
from portal.models import ORG_KINDS, Organisation

SORTS = ("relevance", "date", "title")
#: Values kept per filter; more cannot all be meant.
MAX_FILTER_VALUES = 20


@dataclass(frozen=True)
class SearchRequest:
    """What a reader asked for; ``filters`` maps facet names to the accepted codes."""

    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def from_args(cls, args: MultiDict[str, str], *, strict: bool = False) -> SearchRequest:
        """Read ``q``, the facet filters, ``sort``, ``page`` and ``per_page``.

        Strict (the API): a malformed sort, page or per_page raises :class:`InputError`.
        Otherwise (the page) they fall back to their defaults or nearest allowed value.
        """
        filters: dict[str, tuple[str, ...]] = {}
        for name in FACETS:
            values = [normalise_facet_value(name, value) for value in args.getlist(name)]
            unknown = [value for value in values if not is_code(name, value)]
            if strict and unknown:
                raise InputError(
                    N_("%(name)s has no value %(value)s."), name=name, value=unknown[0][:40]
                )
            kept = [value for value in values if is_code(name, value)]
            if kept:
                filters[name] = tuple(dict.fromkeys(kept[:MAX_FILTER_VALUES]))
        sort = args.get("sort", "relevance")
        if sort not in SORTS:
            if strict:
                raise InputError(N_("sort must be relevance, date or title."))
            sort = "relevance"
        return cls(
            text=" ".join(args.get("q", "")[:MAX_QUERY_CHARS].split()),
            filters=filters,
            sort=sort,
            page=_number(args.get("page"), "page", 1, MAX_PAGE, 1, strict=strict),
            per_page=_number(
                args.get("per_page"), "per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE, strict=strict
            ),
        )

    @property
    def filtered(self) -> bool:
        return bool(self.filters)

    def changed(self, **changes: Any) -> SearchRequest:
        """The same request with some parts replaced (the page of a link, no filters ...)."""
        return replace(self, **changes)

    def args(self) -> dict[str, Any]:
        """Query-string arguments repeating this request, defaults left out (for links)."""
        values: dict[str, Any] = {
            "q": self.text,
            **{name: list(codes) for name, codes in self.filters.items()},
            "sort": self.sort,
            "page": self.page,
            "per_page": self.per_page,
        }
        defaults = {"q": "", "sort": "relevance", "page": 1, "per_page": DEFAULT_PER_PAGE}
        return {name: value for name, value in values.items() if defaults.get(name) != value}


def is_code(facet: str, code: str) -> bool:
    """Whether ``code`` (normalised) can be a value of ``facet``; others are dropped unseen."""
    if facet == "type":
        return code in PRODUCT_TYPES
    if facet == "org_kind":
        return code in ORG_KINDS
    if facet == "language":
        return len(code) == 2 and code.isascii() and code.isalpha()
    if facet == "sdg":
        return code.isdigit() and int(code) in SDG_NUMBERS
    if facet == "country":
        return is_country(code)
    return facet == "year" and code.isdigit() and 1900 <= int(code) <= 2100


def _number(raw: str | None, name: str, low: int, high: int, default: int, *, strict: bool) -> int:
    if raw is None or raw == "":
        return default
    text = raw.strip()
    if text.isdigit() and len(text) <= 6 and low <= int(text) <= high:
        return int(text)
    if strict:
        raise InputError(
            "%(name)s must be a whole number from %(low)s to %(high)s.",
            name=name,
            low=low,
            high=high,
        )
    if text.lstrip("-").isdigit() and len(text) <= 7:
        return max(low, min(int(text), high))
    return default


@dataclass(frozen=True)
class FoundProduct:
    """A search hit that is published in the database right now, with its organisation."""

    hit: SearchHit
    organisation: str


@dataclass(frozen=True)
class SearchPage:
    """One page of a search: the engine's result, its published hits, and facet counts where a
    facet with a selection counts as if only the other facets were filtered (so its other values
    show how many results choosing them as well would add)."""

    request: SearchRequest
    result: SearchResult
    products: list[FoundProduct]
    facets: dict[str, dict[str, int]]

    @property
    def total(self) -> int:
        return self.result.total


def search_products(index: SearchIndex, session: Session, wanted: SearchRequest) -> SearchPage:
    """Run ``wanted`` on ``index``; raises SearchUnavailable when the index cannot be read."""
    filters = {name: list(values) for name, values in wanted.filters.items()}
    result = index.search(
        wanted.text, filters=filters, sort=wanted.sort, page=wanted.page, per_page=wanted.per_page
    )
    facets = dict(result.facets)
    for name in filters:
        others = {other: values for other, values in filters.items() if other != name}
        facets[name] = index.search(wanted.text, filters=others, sort="date", per_page=1).facets[
            name
        ]
    organisations = _published_organisations(session, [hit.id for hit in result.hits])
    products = [
        FoundProduct(hit, organisations[hit.id]) for hit in result.hits if hit.id in organisations
    ]
    return SearchPage(wanted, result, products, facets)


def _published_organisations(session: Session, product_ids: list[int]) -> dict[int, str]:
    # The index may lag behind a withdrawal by a moment: the database has the last word.
    if not product_ids:
        return {}
    rows = session.execute(
        select(KnowledgeProduct.id, Organisation.name)
        .join(Organisation, Organisation.id == KnowledgeProduct.organisation_id)
        .where(KnowledgeProduct.id.in_(product_ids), KnowledgeProduct.status == "published")
    )
    return {product_id: name for product_id, name in rows}
