""" "More like this": the products whose text shares most of the telling words of a product's."""

from __future__ import annotations

import math
from collections import defaultdict

from whoosh.searching import Searcher

from knowledge.search.engine.analysis import CHINESE, analyzer_for, language_group
from knowledge.search.engine.docvalues import ReaderValues
from knowledge.search.engine.evaluation import Evaluator, top_documents
from knowledge.search.engine.postings import PostingsCache
from knowledge.search.engine.query import AnyOf, Term
from knowledge.search.engine.results import SearchHit
from knowledge.search.engine.schema import TEXT_PARTS, text_field
from knowledge.search.engine.searching import make_hit

#: Words of a product's text that make up its "more like this" query.
KEY_TERMS = 15
#: Products scoring under this share of the best one's share too little to be shown.
MIN_SHARE = 0.1
#: Characters of a product's file text read for its telling words (the stored head holds more).
BODY_CHARS = 4_000
#: Stored fields holding a product's text, with the part each one is.
_STORED_PARTS = (("title", "title"), ("abstract", "abstract_head"), ("body", "body_head"))


def key_terms(searcher: Searcher, group: str, parts: dict[str, str]) -> list[tuple[str, float]]:
    """The words of ``parts`` (part name: text) that tell its subject best, with their weights.

    A word weighs its occurrences (each counting as its part does in the ranking: a title word
    most) times its rarity in the index (idf). Words no other document has cannot find anything
    and are left out, as are words every document has.
    """
    field = text_field(group)
    analyzer = analyzer_for(group)
    counts: dict[str, float] = defaultdict(float)
    for part, text in parts.items():
        for token in analyzer(text, mode="index"):
            if _telling(token.text, group):
                counts[token.text] += TEXT_PARTS[part]
    reader = searcher.reader()
    documents = max(int(reader.doc_count()), 1)
    weighted: list[tuple[str, float]] = []
    for word, count in counts.items():
        frequency = reader.doc_frequency(field, word)
        if 1 < frequency < documents:
            weighted.append((word, count * math.log(documents / frequency)))
    weighted.sort(key=lambda item: (-item[1], item[0]))
    return weighted[:KEY_TERMS]


def _telling(word: str, group: str) -> bool:
    # One letter (of a spaced language) or a number says little of a subject.
    return not word.isdigit() and (len(word) > 1 or group == CHINESE)


def more_like(
    searcher: Searcher, values: ReaderValues, cache: PostingsCache, product_id: int, limit: int
) -> list[SearchHit]:
    """Up to ``limit`` other products most like ``product_id`` in text, best first; none when
    the product is not in the index."""
    docnum = searcher.document_number(id=str(int(product_id)))
    if docnum is None:
        return []
    stored = searcher.stored_fields(docnum)
    group = language_group(str(stored.get("language_code", "")))
    parts = {part: str(stored.get(name) or "") for part, name in _STORED_PARTS}
    parts["body"] = parts["body"][:BODY_CHARS]
    terms = key_terms(searcher, group, parts)
    if not terms:
        return []
    top = terms[0][1]
    field = text_field(group)
    query = AnyOf(tuple(Term(field, word, weight / top) for word, weight in terms))
    matches = Evaluator(searcher, values, cache).matches(query)
    mask = matches.mask.copy()
    mask[docnum] = False
    ranked = top_documents(mask, matches.scores, 0, limit)
    enough = ranked[0][1] * MIN_SHARE if ranked else 0.0
    return [
        make_hit(searcher.stored_fields(doc), {}, score) for doc, score in ranked if score >= enough
    ]
