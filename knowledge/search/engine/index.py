"""The on-disk index: atomic generation swaps, a single inter-process writer, cached readers.

Files are read with plain reads, never ``mmap``: a segment file truncated under a mapped reader
kills the process with SIGBUS, where a read returns short and raises, which the index reports as
:class:`SearchUnavailable`. Each generation may carry a small caller's state (``state.json``,
written atomically after each commit and before a rebuilt generation is swapped in), so what the
index has applied travels with the index itself.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, suppress
from pathlib import Path
from typing import Any, TypeVar

from whoosh import index as whoosh_index
from whoosh.index import FileIndex, LockError

from knowledge.search.engine.analysis import LANGUAGE_GROUPS, warm_up
from knowledge.search.engine.building import storage, write_generation
from knowledge.search.engine.docvalues import ValueCache
from knowledge.search.engine.generations import (
    current_generation,
    mark_version,
    new_generation_name,
    of_this_version,
    point_to,
    remove_generations,
)
from knowledge.search.engine.locks import exclusive_lock, lock_held, replace_file
from knowledge.search.engine.parsing import parse_query
from knowledge.search.engine.postings import PostingsCache
from knowledge.search.engine.query import normalise_filters
from knowledge.search.engine.readers import DAMAGE, OpenReader
from knowledge.search.engine.results import IndexBusy, SearchHit, SearchResult, SearchUnavailable
from knowledge.search.engine.schema import (
    TitleKey,
    document_fields,
    folded_title_key,
    text_field,
)
from knowledge.search.engine.searching import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    SORTS,
    Sort,
    clamp_paging,
    run_search,
)
from knowledge.search.engine.similar import more_like

logger = logging.getLogger(__name__)
T = TypeVar("T")

LOCK_FILE = "writer.lock"
#: Held by a rebuild while it runs (so health can say "rebuilding"); released by the kernel if
#: the rebuilding process dies.
REBUILD_LOCK_FILE = "rebuild.lock"
STATE_FILE = "state.json"
#: Sub-writer processes of a rebuild (the machine's cores are shared with searches).
BUILD_PROCS = 2


class SearchIndex:
    """The product search index kept under ``base_dir``.

    ``base_dir/CURRENT`` names the active generation directory (``gen-…``). :meth:`rebuild`
    writes a new generation and swaps the pointer atomically; searches in progress finish on the
    old one. :meth:`apply` and :meth:`rebuild` take an exclusive ``fcntl`` lock on
    ``base_dir/writer.lock``, so any number of processes may call them; a caller that cannot get
    the lock in time gets :class:`IndexBusy` and should retry later (keep its outbox rows).
    Readers are cached per thread and refreshed when the index changes. ``title_key`` turns a
    title into bytes ordered as titles should be (a collation's sort key); every process
    writing one index must pass the same one.
    """

    def __init__(
        self,
        base_dir: Path | str,
        *,
        lock_timeout: float = 10.0,
        build_procs: int = BUILD_PROCS,
        parallel_from: int | None = None,
        title_key: TitleKey = folded_title_key,
    ) -> None:
        self.base_dir = Path(base_dir)
        self.title_key = title_key
        self.lock_timeout = lock_timeout
        self.build_procs = build_procs
        self.parallel_from = parallel_from
        self._local = threading.local()
        self._values = ValueCache()
        self._postings = PostingsCache()

    # Reading

    def current_generation(self) -> str | None:
        """The active generation's directory name, or ``None`` before the first build."""
        return current_generation(self.base_dir)

    def exists(self) -> bool:
        """Whether there is an active generation, written with the current schema version."""
        generation = self.current_generation()
        return (
            generation is not None
            and self._current_version(generation)
            and whoosh_index.exists_in(str(self.base_dir / generation))
        )

    def _current_version(self, generation: str) -> bool:
        return of_this_version(self.base_dir / generation)

    def verify(self) -> int:
        """Open the active generation afresh (no cached reader) and count its documents;
        raises :class:`SearchUnavailable` when it is missing or any segment is damaged."""
        generation = self._usable_generation()
        try:
            with self._open(generation).searcher() as searcher:
                return int(searcher.doc_count())
        except DAMAGE as exc:
            raise SearchUnavailable("search index unreadable") from exc

    def rebuilding(self) -> bool:
        """Whether a rebuild is running now (in any process using this directory)."""
        return lock_held(self.base_dir / REBUILD_LOCK_FILE)

    def state(self) -> dict[str, Any] | None:
        """The caller's state saved with the active generation, or ``None`` (none saved, or
        unreadable)."""
        generation = self.current_generation()
        if generation is None:
            return None
        try:
            text = (self.base_dir / generation / STATE_FILE).read_text(encoding="utf-8")
            state = json.loads(text)
        except (OSError, ValueError):
            return None
        return state if isinstance(state, dict) else None

    def save_state(self, state: Mapping[str, Any], *, timeout: float | None = None) -> None:
        """Replace the active generation's state (under the writer lock)."""
        with self._writer_lock(self.lock_timeout if timeout is None else timeout):
            generation = self.current_generation()
            if generation is None:
                raise SearchUnavailable("search index not built")
            self._write_state(self.base_dir / generation, state)

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
        ``year``) to accepted values; an unknown facet name raises ``ValueError``. ``sort`` is
        ``relevance``, ``date`` (newest first) or ``title``; an empty ``text`` browses
        everything, newest first unless sorted by title. Raises :class:`SearchUnavailable` when
        the index is missing or damaged.
        """
        parsed = parse_query(text)
        normalised = normalise_filters(filters)
        page, per_page = clamp_paging(page, per_page)
        chosen: Sort = next((known for known in SORTS if known == sort), "relevance")
        return self._read(
            lambda reader: run_search(
                reader.searcher,
                reader.values,
                self._postings,
                parsed,
                normalised,
                sort=chosen,
                page=page,
                per_page=per_page,
            )
        )

    def more_like(self, product_id: int, *, limit: int = 5) -> list[SearchHit]:
        """Up to ``limit`` other products most like ``product_id`` in their text (its most
        telling words, see :mod:`similar`), best first; none when it is not indexed. Raises
        :class:`SearchUnavailable` when the index is missing or damaged."""
        wanted = max(1, min(int(limit), MAX_PER_PAGE))
        return self._read(
            lambda reader: more_like(
                reader.searcher, reader.values, self._postings, product_id, wanted
            )
        )

    def warm(self) -> None:
        """Load the analysers (jieba's dictionary takes about a second), open this thread's
        reader and build the arrays every search of this commit shares (facets, dates, field
        lengths). Call when a process starts, so its first search does not pay for them; does
        nothing more when there is no usable index yet."""
        warm_up()
        with suppress(SearchUnavailable):
            self._read(self._warm_reader)

    def _warm_reader(self, reader: OpenReader) -> None:
        whoosh_reader = reader.searcher.reader()
        for group in LANGUAGE_GROUPS:
            reader.values.parts(whoosh_reader, text_field(group))
        reader.values.lengths(whoosh_reader, "organisation")
        reader.values.facet_counts(None)

    def doc_count(self) -> int:
        """Products in the active index; raises :class:`SearchUnavailable` without one."""
        return self._read(lambda reader: int(reader.searcher.doc_count()))

    def close(self) -> None:
        """Release this thread's cached reader (other threads keep theirs until they exit)."""
        reader: OpenReader | None = getattr(self._local, "reader", None)
        self._local.reader = None
        if reader is not None:
            reader.close()

    def _read(self, action: Callable[[OpenReader], T]) -> T:
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
            except Exception as exc:
                # Whoosh reports some damage as a bare Exception ("Block tag error" from a reader
                # whose file was truncated under it): unavailable if a fresh open fails too.
                self.close()
                try:
                    self.verify()
                except SearchUnavailable as damaged:
                    logger.warning("search index unreadable", exc_info=True)
                    raise damaged from exc
                raise
        raise AssertionError("unreachable")

    def _usable_generation(self) -> str:
        generation = self.current_generation()
        if generation is None:
            raise SearchUnavailable("search index not built")
        if not self._current_version(generation):
            raise SearchUnavailable("search index written by another version: rebuild it")
        return generation

    def _reader(self) -> OpenReader:
        generation = self._usable_generation()
        reader: OpenReader | None = getattr(self._local, "reader", None)
        if reader is not None and reader.generation == generation:
            if reader.searcher.up_to_date():
                return reader
            # Not Searcher.refresh(): in Whoosh-Reloaded 2.7.5 a reader reopened with reuse=
            # keeps the old segments too, resurrecting replaced and deleted documents.
        self.close()
        searcher = self._open(generation).searcher()
        try:
            key = (generation, searcher.reader().generation())
            values = self._values.for_reader(searcher.reader(), key)
        except BaseException:
            searcher.close()
            raise
        self._local.reader = reader = OpenReader(generation, searcher, values)
        return reader

    def _open(self, generation: str) -> FileIndex:
        return storage(self.base_dir / generation).open_index()

    # Writing

    def apply(
        self,
        upserts: Sequence[Mapping[str, Any]],
        deletes: Sequence[int],
        *,
        timeout: float | None = None,
        state: Mapping[str, Any] | None = None,
    ) -> int:
        """Add or replace ``upserts`` and remove ``deletes`` (by product id) in one commit.

        Deletions run after upserts, so an id in both ends up absent. ``state``, if given,
        replaces the generation's state once the commit is done (a crash in between leaves the
        previous state: the caller applies the same changes again). Returns the number of
        changes written. Raises :class:`IndexBusy` if the writer lock stays taken for
        ``timeout`` seconds (default ``lock_timeout``), :class:`SearchUnavailable` if there is
        no usable index (run :meth:`rebuild`).
        """
        removed = [str(int(product_id)) for product_id in deletes]
        # A deletion does not reach a document added in the same commit: leave such ones out.
        prepared = [
            document_fields(doc, self.title_key)
            for doc in upserts
            if str(int(doc["id"])) not in removed
        ]
        if not prepared and not removed:
            if state is not None:
                self.save_state(state, timeout=timeout)
            return 0
        with self._writer_lock(self.lock_timeout if timeout is None else timeout):
            generation = self._usable_generation()
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
            if state is not None:
                self._write_state(self.base_dir / generation, state)
        return len(prepared) + len(removed)

    def rebuild(
        self,
        documents: Iterable[Mapping[str, Any]],
        *,
        timeout: float | None = None,
        memory_mb: int = 256,
        state: Mapping[str, Any] | None = None,
    ) -> int:
        """Index ``documents`` into a new generation, then make it the active one atomically
        (with ``state`` as its state, if given).

        Holds the writer lock throughout, so :meth:`apply` calls meanwhile raise
        :class:`IndexBusy`; changes the caller queued during the rebuild must still be applied
        afterwards (re-applying is harmless). Keeps the previous generation for readers still on
        it and deletes older ones. Returns the number of documents indexed.
        """
        wait = max(self.lock_timeout, 60.0) if timeout is None else timeout
        with self._writer_lock(wait), self._rebuild_lock():
            generation = new_generation_name()
            path = self.base_dir / generation
            path.mkdir()
            try:
                options = (
                    {} if self.parallel_from is None else {"parallel_from": self.parallel_from}
                )
                count = write_generation(
                    path,
                    documents,
                    memory_mb=memory_mb,
                    procs=self.build_procs,
                    title_key=self.title_key,
                    **options,
                )
                mark_version(path)
                if state is not None:
                    self._write_state(path, state)
            except BaseException:
                shutil.rmtree(path, ignore_errors=True)
                raise
            previous = self.current_generation()
            point_to(self.base_dir, generation)
            remove_generations(self.base_dir, keep={generation, previous})
        return count

    def _write_state(self, path: Path, state: Mapping[str, Any]) -> None:
        replace_file(path / STATE_FILE, json.dumps(dict(state), sort_keys=True))

    def _rebuild_lock(self) -> AbstractContextManager[None]:
        return exclusive_lock(self.base_dir / REBUILD_LOCK_FILE, 5.0, "search index rebuild")

    def _writer_lock(self, timeout: float) -> AbstractContextManager[None]:
        return exclusive_lock(self.base_dir / LOCK_FILE, timeout, "search index writer")
