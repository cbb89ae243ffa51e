"""Per-document facet codes and dates read once per index segment, for counting and sorting."""

from __future__ import annotations

import functools
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from whoosh.reading import IndexReader

from knowledge.search.engine.schema import FACETS, FacetValues


@dataclass(frozen=True)
class SegmentValues:
    """Column values of one segment, by segment-local document number (deleted ones included)."""

    facets: list[bytes]
    dates: list[int]
    ids: list[int]


class SegmentValueCache:
    """Segments never change once written, so their columns are read once and shared by every
    reader (and thread) that uses them; segments no longer in use are forgotten."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._segments: dict[str, SegmentValues] = {}

    def for_reader(self, reader: IndexReader) -> DocValues:
        leaves = [leaf for leaf, _ in reader.leaf_readers()] if reader.doc_count_all() else []
        keys = [leaf.segment().segment_id() for leaf in leaves]
        parts: list[SegmentValues] = []
        for leaf, key in zip(leaves, keys, strict=True):
            with self._lock:
                values = self._segments.get(key)
            if values is None:
                values = SegmentValues(
                    facets=list(leaf.column_reader("facets")),
                    dates=list(leaf.column_reader("date")),
                    ids=list(leaf.column_reader("id_num")),
                )
            parts.append(values)
        with self._lock:
            # Readers opened earlier keep their own copies; only the newest reader's segments
            # are worth keeping for the next one.
            self._segments = dict(zip(keys, parts, strict=True))
        return DocValues(parts, reader)


class DocValues:
    """The values of one reader's documents by global document number."""

    def __init__(self, parts: list[SegmentValues], reader: IndexReader) -> None:
        self.facets: list[bytes] = [v for part in parts for v in part.facets]
        self.dates: list[int] = [v for part in parts for v in part.dates]
        self.ids: list[int] = [v for part in parts for v in part.ids]
        self._reader = reader
        self._newest_first: list[int] | None = None
        self._all_facets: dict[str, dict[str, int]] | None = None

    def newest_first(self) -> list[int]:
        """Live document numbers by publication date, newest first (then highest id)."""
        if self._newest_first is None:
            dates, ids = self.dates, self.ids
            self._newest_first = sorted(
                self._reader.all_doc_ids(), key=lambda d: (dates[d], ids[d]), reverse=True
            )
        return self._newest_first

    def facet_counts(self, docnums: Iterable[int] | None) -> dict[str, dict[str, int]]:
        """``{facet: {code: count}}`` over ``docnums`` (``None``: every live document), most
        frequent codes first."""
        if docnums is None:
            if self._all_facets is None:
                self._all_facets = self.facet_counts(self._reader.all_doc_ids())
            return self._all_facets
        facets = self.facets
        counters: dict[str, Counter[str]] = {facet: Counter() for facet in FACETS}
        for raw, count in Counter(facets[docnum] for docnum in docnums).items():
            values = _decoded(raw)
            if values is None:
                continue
            for facet in FACETS:
                for code in values.of(facet):
                    counters[facet][code] += count
        return {
            facet: dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
            for facet, counter in counters.items()
        }


@functools.lru_cache(maxsize=65_536)
def _decoded(raw: bytes) -> FacetValues | None:
    return FacetValues.decode(raw) if raw else None
