"""Full-text search of knowledge products: the only code in the portal that imports Whoosh.

Engine choice: ``Whoosh-Reloaded`` (PyPI ``whoosh-reloaded``), the maintained continuation of
Matt Chaput's original ``Whoosh`` 2.7 under the same BSD licence, package name and API. The
original distribution has had no release since 2016 and warns on current Pythons; the forks
``whoosh3`` and ``whoosh-ng`` are avoided because their provenance is unsettled. It is pure
Python (no service to run), supports per-field analysers, phrase positions, columns for facets
and sorting, and an on-disk format we can swap atomically by generation.

Public interface::

    index = SearchIndex(data_dir / "search")
    index.rebuild(product_dicts)                 # fresh generation, swapped in atomically
    index.apply(upserts=[...], deletes=[ids])    # may raise IndexBusy: retry later
    result = index.search("volontariat", filters={"sdg": [5]}, sort="date", page=2)
    index.doc_count()

``search`` and ``doc_count`` raise :class:`SearchUnavailable` when the index is missing or
damaged. Product dicts follow :class:`ProductDocument`; callers pass published products only.

``init_app(app)`` (in :mod:`knowledge.search.portal`) wires the index into the portal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from knowledge.search.index import SearchIndex
from knowledge.search.parsing import MAX_QUERY_CHARS, MAX_TERMS
from knowledge.search.results import IndexBusy, SearchHit, SearchResult, SearchUnavailable
from knowledge.search.schema import FACETS, ProductDocument
from knowledge.search.searching import DEFAULT_PER_PAGE, MAX_PER_PAGE

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Called by ``knowledge.init_app``; the portal glue is imported only then, so using the
    engine alone never imports Flask."""
    from knowledge.search.portal import init_app as init_portal

    init_portal(app)


__all__ = [
    "DEFAULT_PER_PAGE",
    "FACETS",
    "MAX_PER_PAGE",
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "IndexBusy",
    "ProductDocument",
    "SearchHit",
    "SearchIndex",
    "SearchResult",
    "SearchUnavailable",
    "init_app",
]
