"""Whoosh posting lists and field lengths read whole into arrays, with a bounded shared cache.

Scoring a query word over every matching document one posting at a time through Whoosh's
matcher objects costs microseconds per posting in Python; reading a term's posting blocks into
two arrays (document numbers, weights) and scoring them with numpy costs nanoseconds. Segments
never change once written, so the arrays of a (segment, field, term) are cached and shared by
every thread; deleted documents are left to the reader's live mask.

The block reads use attributes of Whoosh's segment reader and ``W3LeafMatcher`` (``_terms``,
``_read_ids``, ``_read_weights``, ``_next_block``, the length column's ``_dbfile``):
Whoosh-Reloaded is pinned at exactly 2.7.5 and frozen, and anything else is read through the
public one-posting-at-a-time interface instead.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import IndexReader
from whoosh.util.numeric import byte_to_length

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Postings = tuple[Ints, Floats]

#: Cached postings at most (about 16 bytes each): enough for every common word of 100k products.
CACHE_POSTINGS = 4_000_000
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def segment_field_lengths(leaf: IndexReader, name: str) -> Floats:
    """Each document's length in field ``name`` of one segment, decoded as BM25F reads it."""
    size = int(leaf.doc_count_all())
    perdoc = getattr(leaf, "_perdoc", None)
    lenfield = _lenfield(name)
    if perdoc is not None and hasattr(perdoc, "column_reader"):
        if not perdoc.has_column(lenfield):
            return np.zeros(size)
        column = perdoc.column_reader(lenfield, LENGTHS_COLUMN)
        count = min(int(column._count), size)
        raw = column._dbfile.get(column._basepos, count) if count else b""
        codes = np.zeros(size, dtype=np.uint8)
        codes[:count] = np.frombuffer(raw, dtype=np.uint8)
        lengths: Floats = _LENGTH_OF_BYTE[codes]
        return lengths
    return np.array([leaf.doc_field_length(d, name, 0) or 0 for d in range(size)], dtype=float)


def packed_column(leaf: IndexReader, name: str) -> npt.NDArray[np.uint64]:
    """The unsigned 64-bit column ``name`` of one segment (0 where a document has none)."""
    size = int(leaf.doc_count_all())
    values = np.zeros(size, dtype=np.uint64)
    if not size or not leaf.has_column(name):
        return values
    column = leaf.column_reader(name, translate=False)
    count = min(int(getattr(column, "_count", size)), size)
    if hasattr(column, "_dbfile") and getattr(column, "_typecode", "") == "Q":
        raw = column._dbfile.get(column._basepos, count * 8) if count else b""
        values[:count] = np.frombuffer(raw, dtype=">u8")
    else:
        values[:] = np.fromiter(column, dtype=np.uint64, count=size)
    return values


def quantised(lengths: Floats) -> Floats:
    """Lengths as Whoosh stores them: one byte each, exact for short fields, coarser for long."""
    codes = np.minimum(np.searchsorted(_LENGTH_OF_BYTE, lengths, side="left"), 255)
    result: Floats = _LENGTH_OF_BYTE[codes]
    return result


def read_postings(leaf: IndexReader, name: str, text: str) -> Postings:
    """Segment-local document numbers and weights of ``text`` in field ``name`` (deleted
    documents included); empty arrays when the segment lacks the term."""
    if (name, text) not in leaf:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    terms = getattr(leaf, "_terms", None)
    matcher: Any
    if terms is not None:
        # Unfiltered: a deletions filter would already have moved past deleted postings, and
        # the reader's live mask removes deleted documents anyway.
        matcher = terms.matcher(name, text.encode("utf-8"), leaf.schema[name].format)
    else:
        matcher = leaf.postings(name, text)
    ids: list[Any] = []
    weights: list[Any] = []
    if isinstance(matcher, W3LeafMatcher):
        while not matcher._atend:
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int64))
            weights.append(np.asarray(matcher._weights, dtype=np.float64))
            matcher._next_block()
        if ids:
            return np.concatenate(ids), np.concatenate(weights)
    while matcher.is_active():  # another matcher: one posting at a time
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)


class PostingsCache:
    """Least recently used posting arrays by (segment id, field, term), shared by threads."""

    def __init__(self, limit: int = CACHE_POSTINGS) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str, str], Postings] = OrderedDict()
        self._size = 0

    def get(self, leaf: IndexReader, name: str, text: str) -> Postings:
        key = (leaf.segment().segment_id(), name, text)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        found = read_postings(leaf, name, text)
        with self._lock:
            if key not in self._entries:
                self._entries[key] = found
                self._size += len(found[0])
            while self._size > self.limit and len(self._entries) > 1:
                _, (dropped, _) = self._entries.popitem(last=False)
                self._size -= len(dropped)
        return found
