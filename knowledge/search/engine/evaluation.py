"""Evaluates a query tree over a whole reader at once: a match mask and BM25F scores as arrays.

Each term's postings are read into arrays (see :mod:`postings`) and scored with Whoosh's own
BM25F formula and statistics (the searcher's idf and average field length, the quantised
document lengths Whoosh stores); AND, OR and NOT combine masks and add scores as Whoosh's
matchers do. Phrases need positions and are matched by Whoosh's ``Phrase`` query, segment by
segment. Every match is visited, so totals and facet counts are exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from whoosh import query as wq
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from knowledge.search.engine.docvalues import ReaderValues
from knowledge.search.engine.postings import PostingsCache
from knowledge.search.engine.query import (
    AllOf,
    AnyOf,
    Everything,
    Node,
    Nothing,
    Phrase,
    Term,
    Without,
)
from knowledge.search.engine.schema import FREQUENCY_BITS, TEXT_PARTS, text_field

Mask = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
#: Whoosh's defaults, which the index was always searched with.
WEIGHTING = BM25F()
TEXT_FIELD_PREFIX = text_field("")


@dataclass(frozen=True)
class Matches:
    """Which documents match (by global document number) and their scores (0 elsewhere)."""

    mask: Mask
    scores: Floats


class Evaluator:
    """Evaluates query trees on one thread's searcher."""

    def __init__(self, searcher: Searcher, values: ReaderValues, cache: PostingsCache) -> None:
        self.searcher = searcher
        self.values = values
        self.cache = cache
        self.size = values.size

    def matches(self, node: Node) -> Matches:
        """Live documents matching ``node``, with their scores."""
        found = self._evaluate(node)
        return Matches(found.mask & self.values.live, found.scores)

    def _evaluate(self, node: Node) -> Matches:
        if isinstance(node, Term):
            return self._term(node)
        if isinstance(node, Phrase):
            return self._phrase(node)
        if isinstance(node, AllOf | AnyOf):
            parts = [self._evaluate(part) for part in node.parts]
            mask = parts[0].mask.copy()
            for part in parts[1:]:
                if isinstance(node, AllOf):
                    mask &= part.mask
                else:
                    mask |= part.mask
            scores = np.sum([part.scores for part in parts], axis=0)
            return Matches(mask, np.where(mask, scores, 0.0))
        if isinstance(node, Without):
            positive, negative = self._evaluate(node.positive), self._evaluate(node.negative)
            mask = positive.mask & ~negative.mask
            return Matches(mask, np.where(mask, positive.scores, 0.0))
        if isinstance(node, Everything):
            return Matches(np.ones(self.size, dtype=bool), np.zeros(self.size))
        if isinstance(node, Nothing):
            return self._none()
        raise TypeError(f"not a query node: {node!r}")

    def _none(self) -> Matches:
        return Matches(np.zeros(self.size, dtype=bool), np.zeros(self.size))

    def _term(self, node: Term) -> Matches:
        if node.name.startswith(TEXT_FIELD_PREFIX):
            return self._text_term(node)
        searcher, name = self.searcher, node.name
        idf = searcher.idf(name, node.text)
        average = searcher.avg_field_length(name) or 1
        lengths = self.values.lengths(searcher.reader(), name)
        found = self._none()
        k1, b = WEIGHTING.K1, WEIGHTING.B
        for leaf, offset in _leaves(searcher):
            local, weights = self.cache.get(leaf, name, node.text)
            if not len(local):
                continue
            docs = local + offset
            norm = k1 * ((1 - b) + b * lengths[docs] / average)
            found.scores[docs] = idf * ((weights * (k1 + 1)) / (weights + norm)) * node.boost
            found.mask[docs] = True
        return found

    def _text_term(self, node: Term) -> Matches:
        """A word of a language's combined text field, scored as the sum of one BM25 per part
        (title, abstract, file text) with each part's weight, as three fields would be."""
        postings = [
            (self.cache.get(leaf, node.name, node.text), offset)
            for leaf, offset in _leaves(self.searcher)
        ]
        found = self._none()
        if not any(len(local) for (local, _), _ in postings):
            return found
        docs = np.concatenate([local + offset for (local, _), offset in postings])
        packed = np.concatenate([weights for (_, weights), _ in postings]).astype(np.int64)
        parts = self.values.parts(self.searcher.reader(), node.name)
        k1, b = WEIGHTING.K1, WEIGHTING.B
        scores = np.zeros(len(docs))
        for slot, (bits, boost) in enumerate(zip(FREQUENCY_BITS, TEXT_PARTS.values(), strict=True)):
            shift = sum(FREQUENCY_BITS[slot + 1 :])
            frequency = ((packed >> shift) & ((1 << bits) - 1)).astype(np.float64)
            present = frequency > 0
            if not present.any():
                continue
            # Whoosh's idf over every document of the reader, deleted ones included.
            idf = math.log(self.size / (int(present.sum()) + 1)) + 1
            norm = k1 * ((1 - b) + b * parts.lengths[slot][docs] / parts.averages[slot])
            scores += np.where(present, boost * idf * frequency * (k1 + 1) / (frequency + norm), 0)
        found.mask[docs] = True
        found.scores[docs] = scores * node.boost
        return found

    def _phrase(self, node: Phrase) -> Matches:
        found = self._none()
        query = wq.Phrase(node.name, list(node.words))
        for leaf_searcher, offset in self.searcher.leaf_searchers():
            matcher = query.matcher(leaf_searcher)
            while matcher.is_active():
                found.mask[matcher.id() + offset] = True
                matcher.next()
        # Scored as its words are, where they appear together.
        words = [self._term(Term(node.name, word, node.boost)) for word in node.words]
        found.scores[:] = np.where(found.mask, np.sum([w.scores for w in words], axis=0), 0.0)
        return found


def _leaves(searcher: Searcher) -> list[tuple[object, int]]:
    reader = searcher.reader()
    return list(reader.leaf_readers()) if reader.doc_count_all() else []


def top_documents(mask: Mask, scores: Floats, start: int, stop: int) -> list[tuple[int, float]]:
    """The documents of ``mask`` ranked ``start`` to ``stop`` by score, then by number."""
    candidates: Ints = np.flatnonzero(mask)
    scores = scores[candidates]
    if len(candidates) > stop:
        # Keep everything tied with the stop-th score, then order exactly.
        threshold = np.partition(scores, len(scores) - stop)[len(scores) - stop]
        keep = scores >= threshold
        candidates, scores = candidates[keep], scores[keep]
    order = np.lexsort((candidates, -scores))[start:stop]
    return [(int(candidates[i]), float(scores[i])) for i in order]
