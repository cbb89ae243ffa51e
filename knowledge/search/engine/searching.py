"""Runs one search on an open Whoosh searcher: matching, facet counts, sorting, pages, snippets."""

from __future__ import annotations

import datetime as dt
from itertools import islice
from typing import Any, Literal

from whoosh import collectors
from whoosh.searching import Searcher

from knowledge.search.engine.analysis import language_group
from knowledge.search.engine.docvalues import DocValues
from knowledge.search.engine.highlight import snippet, whole_highlighted
from knowledge.search.engine.parsing import ParsedQuery
from knowledge.search.engine.query import CompiledQuery, compile_filter, compile_query
from knowledge.search.engine.results import SearchHit, SearchResult
from knowledge.search.engine.suggest import suggest

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 50
#: Deeper pages are clamped here: each page costs a top-N collection of page * per_page hits.
MAX_PAGE = 400
#: Below this many results a "did you mean" suggestion is looked for.
SUGGEST_BELOW = 3
Sort = Literal["relevance", "date"]


def clamp_paging(page: int, per_page: int) -> tuple[int, int]:
    return max(1, min(int(page), MAX_PAGE)), max(1, min(int(per_page), MAX_PER_PAGE))


class _CountingTopCollector(collectors.TopCollector):  # Whoosh is untyped: its classes are Any
    """The best ``limit`` documents by score, remembering every match for totals and facets.

    Every match is visited anyway to count facets, so Whoosh's shortcuts that skip documents
    unable to reach the top (block quality, matcher replacement) are turned off and one pass
    serves both purposes.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(limit=limit, usequality=False, replace=0)

    def _collect(self, global_docnum: int, score: float) -> Any:
        self.docset.add(global_docnum)
        return super()._collect(global_docnum, score)

    def all_ids(self) -> set[int]:
        return set(self.docset)

    def count(self) -> int:
        return len(self.docset)


def _hit(stored: dict[str, Any], compiled: CompiledQuery, score: float | None) -> SearchHit:
    language = str(stored.get("language_code", ""))
    terms = compiled.highlight_terms.get(language_group(language), set())
    title = str(stored.get("title", ""))
    published = dt.date.fromisoformat(str(stored["publication_date"]))
    return SearchHit(
        id=int(stored["id"]),
        title=title,
        title_html=whole_highlighted(title, language, terms),
        snippet=snippet(
            str(stored.get("abstract_head", "")), str(stored.get("body_head", "")), language, terms
        ),
        language=language,
        product_type=str(stored.get("product_type", "")),
        year=published.year,
        publication_date=published,
        score=score,
    )


def run_search(
    searcher: Searcher,
    values: DocValues,
    parsed: ParsedQuery,
    filters: dict[str, list[str]],
    *,
    sort: Sort,
    page: int,
    per_page: int,
) -> SearchResult:
    """One page of results; ``values`` are the column values of ``searcher``'s reader."""
    compiled = compile_query(parsed, searcher.reader())
    filter_query = compile_filter(filters)
    allowed = set(searcher.docs_for_query(filter_query)) if filter_query is not None else None
    start, stop = (page - 1) * per_page, page * per_page
    by_relevance = sort != "date" and compiled.query is not None
    matched: set[int] | None
    if by_relevance:
        top = _CountingTopCollector(limit=stop)
        collector = collectors.FilterCollector(top, allow=allowed) if allowed is not None else top
        searcher.search_with_collector(compiled.query, collector)
        matched = top.docset
        page_docs = [(docnum, score) for score, docnum in top.results().top_n[start:stop]]
    else:
        if compiled.query is None:
            matched = allowed
        else:
            matched = set(searcher.docs_for_query(compiled.query))
            if allowed is not None:
                matched &= allowed
        newest = values.newest_first()
        in_order = newest if matched is None else (d for d in newest if d in matched)
        page_docs = [(docnum, None) for docnum in islice(in_order, start, stop)]
    total = searcher.doc_count() if matched is None else len(matched)
    hits = [_hit(searcher.stored_fields(docnum), compiled, score) for docnum, score in page_docs]
    suggestion = None
    if total < SUGGEST_BELOW and parsed.has_positive_terms:
        suggestion = suggest(parsed, searcher.reader())
    return SearchResult(
        total=total,
        page=page,
        per_page=per_page,
        hits=hits,
        facets=values.facet_counts(matched),
        suggestion=suggestion,
        sort="relevance" if by_relevance else "date",
        query=parsed.text,
        filters=filters,
    )
