"""The search engine: product documents in, ranked and faceted results out (the only Whoosh user).

Nothing here knows Flask, SQLAlchemy or the portal: the glue in :mod:`knowledge.search` feeds it
plain product dicts and reads plain results, so another engine would replace this package alone.

Public interface::

    index = SearchIndex(data_dir / "search")
    index.rebuild(product_dicts)                 # fresh generation, swapped in atomically
    index.apply(upserts=[...], deletes=[ids])    # may raise IndexBusy: retry later
    result = index.search("volontariat", filters={"sdg": [5]}, sort="date", page=2)
    # sort: "relevance", "date" or "title" (by the title_key given to SearchIndex)
    index.more_like(product_id, limit=5)         # hits most like a product in text
    index.doc_count()

``search``, ``more_like`` and ``doc_count`` raise :class:`SearchUnavailable` when the index is
missing or damaged. Product dicts follow :class:`ProductDocument`; callers pass published
products only.
``exclusive_lock`` and ``DAMAGE`` let an indexer take turns beside the index and recognise a
damaged one; ``normalise_facet_value`` and ``MAX_PAGE`` let request parsing accept what the
engine accepts.
"""

from __future__ import annotations

from knowledge.search.engine.index import SearchIndex
from knowledge.search.engine.locks import exclusive_lock
from knowledge.search.engine.parsing import MAX_QUERY_CHARS, MAX_TERMS
from knowledge.search.engine.readers import DAMAGE
from knowledge.search.engine.results import (
    IndexBusy,
    SearchHit,
    SearchResult,
    SearchUnavailable,
)
from knowledge.search.engine.schema import FACETS, ProductDocument, normalise_facet_value
from knowledge.search.engine.searching import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE

__all__ = [
    "DAMAGE",
    "DEFAULT_PER_PAGE",
    "FACETS",
    "MAX_PAGE",
    "MAX_PER_PAGE",
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "IndexBusy",
    "ProductDocument",
    "SearchHit",
    "SearchIndex",
    "SearchResult",
    "SearchUnavailable",
    "exclusive_lock",
    "normalise_facet_value",
]
