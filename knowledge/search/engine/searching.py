"""Runs one search on an open Whoosh searcher: matching, facet counts, sorting, pages, snippets."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from whoosh.searching import Searcher

from knowledge.search.engine.analysis import language_group
from knowledge.search.engine.docvalues import ReaderValues
from knowledge.search.engine.evaluation import Evaluator, top_documents
from knowledge.search.engine.highlight import snippet, whole_highlighted
from knowledge.search.engine.parsing import ParsedQuery
from knowledge.search.engine.postings import PostingsCache
from knowledge.search.engine.query import compile_query
from knowledge.search.engine.results import SearchHit, SearchResult
from knowledge.search.engine.suggest import suggest

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 50
#: Deeper pages are clamped here: each page costs a top-N selection of page * per_page hits.
MAX_PAGE = 400
#: Below this many results a "did you mean" suggestion is looked for.
SUGGEST_BELOW = 3
Sort = Literal["relevance", "date", "title"]
SORTS: tuple[Sort, ...] = ("relevance", "date", "title")


def clamp_paging(page: int, per_page: int) -> tuple[int, int]:
    return max(1, min(int(page), MAX_PAGE)), max(1, min(int(per_page), MAX_PER_PAGE))


def make_hit(
    stored: dict[str, Any], highlight: dict[str, set[str]], score: float | None
) -> SearchHit:
    """A hit from a document's stored fields, marking the ``highlight`` terms of its language
    group (see :class:`CompiledQuery`)."""
    language = str(stored.get("language_code", ""))
    terms = highlight.get(language_group(language), set())
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
    values: ReaderValues,
    cache: PostingsCache,
    parsed: ParsedQuery,
    filters: dict[str, list[str]],
    *,
    sort: Sort,
    page: int,
    per_page: int,
) -> SearchResult:
    """One page of results; ``values`` are the arrays of ``searcher``'s reader."""
    compiled = compile_query(parsed, searcher.reader())
    mask = values.allowed(filters) if filters else None
    start, stop = (page - 1) * per_page, page * per_page
    by_relevance = sort == "relevance" and compiled.query is not None
    page_docs: list[tuple[int, float | None]]
    if compiled.query is not None:
        matches = Evaluator(searcher, values, cache).matches(compiled.query)
        mask = matches.mask if mask is None else mask & matches.mask
        if by_relevance:
            page_docs = list(top_documents(mask, matches.scores, start, stop))
    if not by_relevance:
        order = values.by_title(searcher.reader()) if sort == "title" else values.newest_first
        in_order = order if mask is None else order[mask[order]]
        page_docs = [(int(docnum), None) for docnum in in_order[start:stop]]
    total = values.doc_count if mask is None else int(mask.sum())
    hits = [
        make_hit(searcher.stored_fields(docnum), compiled.highlight_terms, score)
        for docnum, score in page_docs
    ]
    suggestion = None
    if total < SUGGEST_BELOW and parsed.has_positive_terms:
        suggestion = suggest(parsed, searcher.reader())
    return SearchResult(
        total=total,
        page=page,
        per_page=per_page,
        hits=hits,
        facets=values.facet_counts(mask),
        suggestion=suggestion,
        sort="relevance" if by_relevance else "title" if sort == "title" else "date",
        query=parsed.text,
        filters=filters,
    )
