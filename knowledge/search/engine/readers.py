"""A thread's open reader of the index, and what a damaged or vanished index raises."""

from __future__ import annotations

import pickle
import struct
import weakref
import zlib
from contextlib import suppress

from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from knowledge.search.engine.docvalues import ReaderValues

#: What a damaged or vanished index raises from inside Whoosh (truncated segment: EOFError or
#: struct.error; deleted TOC: EmptyIndexError; a mangled pickle; files removed under us).
DAMAGE = (
    EOFError,
    OSError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    ValueError,
    KeyError,
    IndexError,
    whoosh_index.IndexError,
)


class OpenReader:
    """A thread's open searcher and the arrays of its commit; its files are closed by
    :meth:`close` or, at the latest, when the reader is dropped (a thread ending, the index
    discarded)."""

    def __init__(self, generation: str, searcher: Searcher, values: ReaderValues) -> None:
        self.generation = generation
        self.searcher = searcher
        self.values = values
        self.close = weakref.finalize(self, close_quietly, searcher)


def close_quietly(searcher: Searcher) -> None:
    with suppress(*DAMAGE):
        searcher.close()
