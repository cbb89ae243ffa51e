"""Whoosh's default codec (``W3Codec``), writing a term's postings a block at a time.

Whoosh's field writer takes postings one call at a time, and its postings writer checks the
types of each and updates the block's statistics one posting at a time. :class:`Codec` writes
the same files, byte for byte, but its field writer also takes a term's postings at once
(:meth:`FieldWriter.add_all`), its postings writer adds them to the block a block's worth at a
time and shrinks a block's numbers for pickling without a loop in Python. The segments it makes
name Whoosh's own codec, so the index it writes is read (and its table of contents written)
exactly as one written by Whoosh.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import sub
from typing import Any

from whoosh.codec import whoosh3


class PostingsWriter(whoosh3.W3PostingsWriter):  # Whoosh is untyped: its classes are Any
    """``W3PostingsWriter`` that also adds many postings at once."""

    # The buffered block (see W3PostingsWriter._new_block).
    _ids: Any
    _weights: Any
    _values: list[bytes]
    _maxweight: float
    _minlength: int | None
    _maxlength: int

    def add_all(self, postings: Sequence[Any], lengths: Sequence[int | None]) -> None:
        """``add_posting`` for each posting, in order, given as a flat list (document number,
        weight, value, document number, ...); ``lengths`` gives the length of the field in each
        document."""
        limit = self._blocklimit
        end = len(postings)
        start = 0
        while start < end:
            if len(self._ids) >= limit:
                self._write_block()
            stop = min(end, start + 3 * (limit - len(self._ids)))
            ids = postings[start:stop:3]
            weights = postings[start + 1 : stop : 3]
            self._ids.extend(ids)
            self._weights.extend(weights)
            heaviest = max(weights)
            if heaviest > self._maxweight:
                self._maxweight = heaviest
            self._values.extend(filter(None, postings[start + 2 : stop : 3]))
            known = list(filter(None, map(lengths.__getitem__, ids)))
            if known:
                shortest = min(known)
                if self._minlength is None or shortest < self._minlength:
                    self._minlength = shortest
                self._maxlength = max(self._maxlength, *known)
            start = stop

    def _mini_ids(self) -> tuple[Any, ...]:
        # W3PostingsWriter._mini_ids: the gaps between document numbers, without a generator.
        ids = self._ids
        if self._byteids:
            return tuple(ids)
        return tuple(map(sub, ids, chain((0,), ids)))

    def _mini_weights(self) -> tuple[float, ...] | float | None:
        # W3PostingsWriter._mini_weights, counting in the array instead of testing each weight.
        weights = self._weights
        if weights.count(1.0) == len(weights):
            return None
        first: float = weights[0]
        return first if weights.count(first) == len(weights) else tuple(weights)


class FieldWriter(whoosh3.W3FieldWriter):  # Whoosh is untyped: its classes are Any
    """``W3FieldWriter`` that also adds a term's postings at once."""

    _postwriter: PostingsWriter

    def add_all(self, postings: Sequence[Any], lengths: Sequence[int | None]) -> None:
        """``add`` for each of the current term's postings (see :meth:`PostingsWriter.add_all`)."""
        self._postwriter.add_all(postings, lengths)


class Codec(whoosh3.W3Codec):  # Whoosh is untyped: its classes are Any
    """``W3Codec`` with :class:`FieldWriter` and :class:`PostingsWriter`; its segments are
    Whoosh's, with a ``W3Codec`` of the same settings."""

    def field_writer(self, storage: Any, segment: Any) -> FieldWriter:
        return FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> PostingsWriter:
        return PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def new_segment(self, storage: Any, indexname: str) -> Any:
        standard = whoosh3.W3Codec(self._blocklimit, self._compression, self._inlinelimit)
        return standard.new_segment(storage, indexname)
