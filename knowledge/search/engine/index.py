"""The on-disk index: atomic generation swaps, a single inter-process writer, cached readers."""

from __future__ import annotations

import logging
import os
import pickle
import re
import secrets
import shutil
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from whoosh import index as whoosh_index
from whoosh.index import FileIndex, LockError
from whoosh.searching import Searcher

from knowledge.search.engine.analysis import CHINESE, analyzer_for
from knowledge.search.engine.docvalues import DocValues, SegmentValueCache
from knowledge.search.engine.locks import exclusive_lock
from knowledge.search.engine.parsing import parse_query
from knowledge.search.engine.query import normalise_filters
from knowledge.search.engine.results import IndexBusy, SearchResult, SearchUnavailable
from knowledge.search.engine.schema import build_schema, document_fields
from knowledge.search.engine.searching import DEFAULT_PER_PAGE, Sort, clamp_paging, run_search

logger = logging.getLogger(__name__)
T = TypeVar("T")

POINTER_FILE = "CURRENT"
LOCK_FILE = "writer.lock"
_GENERATION = re.compile(r"^gen-\d{20}-[0-9a-f]{8}$")
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


@dataclass
class _Reader:
    generation: str
    searcher: Searcher
    values: DocValues


class SearchIndex:
    """The product search index kept under ``base_dir``.

    ``base_dir/CURRENT`` names the active generation directory (``gen-…``). :meth:`rebuild`
    writes a new generation and swaps the pointer atomically; searches in progress finish on the
    old one. :meth:`apply` and :meth:`rebuild` take an exclusive ``fcntl`` lock on
    ``base_dir/writer.lock``, so any number of processes may call them; a caller that cannot get
    the lock in time gets :class:`IndexBusy` and should retry later (keep its outbox rows).
    Readers are cached per thread and refreshed when the index changes.
    """

    def __init__(self, base_dir: Path | str, *, lock_timeout: float = 10.0) -> None:
        self.base_dir = Path(base_dir)
        self.lock_timeout = lock_timeout
        self._local = threading.local()
        self._segment_values = SegmentValueCache()

    # Reading

    def current_generation(self) -> str | None:
        """The active generation's directory name, or ``None`` before the first build."""
        try:
            name = (self.base_dir / POINTER_FILE).read_text(encoding="ascii").strip()
        except (FileNotFoundError, UnicodeDecodeError):
            return None
        return name if _GENERATION.match(name) else None

    def exists(self) -> bool:
        generation = self.current_generation()
        return generation is not None and whoosh_index.exists_in(str(self.base_dir / generation))

    def search(
        self,
        text: str = "",
        *,
        filters: Mapping[str, Iterable[Any] | str | int] | None = None,
        sort: Sort | str = "relevance",
        page: int = 1,
        per_page: int = DEFAULT_PER_PAGE,
    ) -> SearchResult:
        """Search published products; never fails on what the user typed.

        ``filters`` maps facet names (``type``, ``language``, ``sdg``, ``country``, ``org_kind``,
        ``year``) to accepted values; an unknown facet name raises ``ValueError``. An empty
        ``text`` browses everything, newest first. Raises :class:`SearchUnavailable` when the
        index is missing or damaged.
        """
        parsed = parse_query(text)
        normalised = normalise_filters(filters)
        page, per_page = clamp_paging(page, per_page)
        chosen: Sort = "date" if sort == "date" else "relevance"
        return self._read(
            lambda reader: run_search(
                reader.searcher,
                reader.values,
                parsed,
                normalised,
                sort=chosen,
                page=page,
                per_page=per_page,
            )
        )

    def warm(self) -> None:
        """Load the Chinese dictionary (about a second) and open this thread's reader now.

        Call at worker start so the first user's search does not pay for it; does nothing more
        when there is no index yet.
        """
        list(analyzer_for(CHINESE)("预热"))
        with suppress(SearchUnavailable):
            self.doc_count()

    def doc_count(self) -> int:
        """Products in the active index; raises :class:`SearchUnavailable` without one."""
        return self._read(lambda reader: int(reader.searcher.doc_count()))

    def close(self) -> None:
        """Release this thread's cached reader (other threads keep theirs until they exit)."""
        reader: _Reader | None = getattr(self._local, "reader", None)
        self._local.reader = None
        if reader is not None:
            with suppress(*DAMAGE):
                reader.searcher.close()

    def _read(self, action: Callable[[_Reader], T]) -> T:
        # One retry with a freshly opened reader covers a swap or merge racing this search.
        for attempt in (1, 2):
            try:
                return action(self._reader())
            except SearchUnavailable:
                raise
            except DAMAGE as exc:
                self.close()
                if attempt == 2:
                    logger.warning("search index unreadable", exc_info=True)
                    raise SearchUnavailable("search index unreadable") from exc
        raise AssertionError("unreachable")

    def _reader(self) -> _Reader:
        generation = self.current_generation()
        if generation is None:
            raise SearchUnavailable("search index not built")
        reader: _Reader | None = getattr(self._local, "reader", None)
        if reader is not None and reader.generation == generation:
            if reader.searcher.up_to_date():
                return reader
            # Not Searcher.refresh(): in Whoosh-Reloaded 2.7.5 a reader reopened with reuse=
            # keeps the old segments too, resurrecting replaced and deleted documents.
        self.close()
        searcher = self._open(generation).searcher()
        try:
            values = self._segment_values.for_reader(searcher.reader())
        except BaseException:
            searcher.close()
            raise
        self._local.reader = reader = _Reader(generation, searcher, values)
        return reader

    def _open(self, generation: str) -> FileIndex:
        return whoosh_index.open_dir(str(self.base_dir / generation))

    # Writing

    def apply(
        self,
        upserts: Sequence[Mapping[str, Any]],
        deletes: Sequence[int],
        *,
        timeout: float | None = None,
    ) -> int:
        """Add or replace ``upserts`` and remove ``deletes`` (by product id) in one commit.

        Deletions run after upserts, so an id in both ends up absent. Returns the number of
        changes written. Raises :class:`IndexBusy` if the writer lock stays taken for
        ``timeout`` seconds (default ``lock_timeout``), :class:`SearchUnavailable` if there is
        no usable index (run :meth:`rebuild`).
        """
        prepared = [document_fields(doc) for doc in upserts]
        removed = [str(int(product_id)) for product_id in deletes]
        if not prepared and not removed:
            return 0
        with self._writer_lock(self.lock_timeout if timeout is None else timeout):
            generation = self.current_generation()
            if generation is None:
                raise SearchUnavailable("search index not built")
            try:
                writer = self._open(generation).writer()
            except LockError as exc:
                raise IndexBusy("search index locked by another program") from exc
            except DAMAGE as exc:
                raise SearchUnavailable("search index unreadable") from exc
            try:
                for values in prepared:
                    writer.update_document(**values)
                for product_id in removed:
                    writer.delete_by_term("id", product_id)
            except BaseException:
                writer.cancel()
                raise
            try:
                writer.commit()
            except DAMAGE as exc:
                raise SearchUnavailable("search index unreadable") from exc
        return len(prepared) + len(removed)

    def rebuild(
        self,
        documents: Iterable[Mapping[str, Any]],
        *,
        timeout: float | None = None,
        memory_mb: int = 256,
    ) -> int:
        """Index ``documents`` into a new generation, then make it the active one atomically.

        Holds the writer lock throughout, so :meth:`apply` calls meanwhile raise
        :class:`IndexBusy`; changes the caller queued during the rebuild must still be applied
        afterwards (re-applying is harmless). Keeps the previous generation for readers still on
        it and deletes older ones. Returns the number of documents indexed.
        """
        wait = max(self.lock_timeout, 60.0) if timeout is None else timeout
        with self._writer_lock(wait):
            generation = f"gen-{time.time_ns():020d}-{secrets.token_hex(4)}"
            path = self.base_dir / generation
            path.mkdir()
            count = 0
            try:
                writer = whoosh_index.create_in(str(path), build_schema()).writer(limitmb=memory_mb)
                try:
                    for doc in documents:
                        writer.add_document(**document_fields(doc))
                        count += 1
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit()
            except BaseException:
                shutil.rmtree(path, ignore_errors=True)
                raise
            previous = self.current_generation()
            self._point_to(generation)
            self._remove_generations(keep={generation, previous})
        return count

    def _point_to(self, generation: str) -> None:
        temporary = self.base_dir / f"{POINTER_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        with open(temporary, "w", encoding="ascii") as pointer:
            pointer.write(generation + "\n")
            pointer.flush()
            os.fsync(pointer.fileno())
        os.replace(temporary, self.base_dir / POINTER_FILE)
        directory = os.open(self.base_dir, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def _remove_generations(self, keep: set[str | None]) -> None:
        for entry in self.base_dir.iterdir():
            if _GENERATION.match(entry.name) and entry.name not in keep:
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.name.startswith(f"{POINTER_FILE}."):
                entry.unlink(missing_ok=True)

    def _writer_lock(self, timeout: float) -> AbstractContextManager[None]:
        return exclusive_lock(self.base_dir / LOCK_FILE, timeout, "search index writer")
