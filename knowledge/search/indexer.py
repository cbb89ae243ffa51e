"""Brings a node's search index up to date from the outbox: one writer at a time, safe to kill.

The database is the source of truth. Every product change writes a ``SearchOutbox`` row in its own
transaction; the indexer reads the rows past its index's position (``positions``) in
``(txid, id)`` order, builds each product's document from the database as it is now, applies them
to the index and then saves the new position with the index. A crash between those steps leaves
the old position and the rows are applied again next time, which is harmless: a product is always
written as the database currently has it. Rows are never marked, so every node sees every change.

Writers take turns through an exclusive lock file next to the index (any number of processes and
threads of the node may call in): reading the outbox, building documents and writing them happen
in one turn, so a slower writer can never put an older version of a product over a newer one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from knowledge import catalogue
from knowledge.search.engine import DAMAGE, SearchIndex, SearchUnavailable, exclusive_lock
from knowledge.search.positions import (
    CAUGHT_UP_REFRESH,
    EARLY_LIMIT,
    Position,
    built_from_now,
    readable,
)
from portal.db import Database, utcnow

TURN_FILE = "indexer.lock"
#: Outbox rows read, applied and marked together.
BATCH_SIZE = 200
#: Products read per short transaction while a rebuild streams them into the index.
REBUILD_CHUNK = 200
T = TypeVar("T")


@dataclass(frozen=True)
class IndexRun:
    """What one run did: outbox rows applied, documents written or removed, and the number of
    documents of a full build (``None`` when there was none)."""

    rows: int = 0
    upserts: int = 0
    deletes: int = 0
    rebuilt: int | None = None

    def __add__(self, other: IndexRun) -> IndexRun:
        builds = [count for count in (self.rebuilt, other.rebuilt) if count is not None]
        return IndexRun(
            rows=self.rows + other.rows,
            upserts=self.upserts + other.upserts,
            deletes=self.deletes + other.deletes,
            rebuilt=sum(builds) if builds else None,
        )


def writer_turn(index: SearchIndex, wait: float) -> AbstractContextManager[None]:
    """The exclusive right to read the outbox and write ``index``; :class:`IndexBusy` if another
    process or thread keeps it for longer than ``wait`` seconds."""
    return exclusive_lock(index.base_dir / TURN_FILE, wait, "search indexer")


def position(index: SearchIndex) -> Position | None:
    """The outbox position saved with ``index`` (``None``: no index, or one built before
    positions, or a state that cannot be read)."""
    return Position.from_state(index.state())


def apply_pending(
    db: Database,
    index: SearchIndex,
    *,
    wait: float = 10.0,
    limit: int | None = None,
    build: bool = True,
) -> IndexRun:
    """Apply the outbox rows past the index's position (at most ``limit``) in (txid, id) order.

    With ``build``, an index that is missing, has no position or is stale (it may have missed
    pruned rows) is rebuilt first; without it (a web request's run) such an index is left to
    the worker and nothing is done. Raises :class:`IndexBusy` when the turn does not come
    within ``wait`` seconds and :class:`SearchUnavailable` when the index cannot be written.
    """
    with writer_turn(index, wait):
        at = position(index) if _exists(index) else None
        if at is None or at.stale(utcnow()):
            if not build:
                return IndexRun()
            # Rows committed while the generation was built are applied right after it.
            built, at = _rebuild(db, index)
            return built + _apply_rows(db, index, at, limit)
        return _apply_rows(db, index, at, limit)


def reindex(db: Database, index: SearchIndex, *, wait: float = 60.0) -> IndexRun:
    """Rebuild the index from the database into a new generation and swap it in; searches keep
    using the previous one meanwhile. Rows written during the rebuild are applied afterwards."""
    with writer_turn(index, wait):
        built, at = _rebuild(db, index)
        return built + _apply_rows(db, index, at, None)


def _exists(index: SearchIndex) -> bool:
    try:
        return index.exists()
    except DAMAGE as error:  # a truncated table of contents fails to unpickle
        raise SearchUnavailable("search index unreadable") from error


def _apply_rows(db: Database, index: SearchIndex, at: Position, limit: int | None) -> IndexRun:
    done = IndexRun()
    while limit is None or done.rows < limit:
        size = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - done.rows)
        step, at, more = _apply_batch(db, index, at, size)
        done += step
        if not more:
            break
    return done


def _apply_batch(
    db: Database, index: SearchIndex, at: Position, size: int
) -> tuple[IndexRun, Position, bool]:
    """Apply the next rows; the run, the new position and whether more rows may be waiting."""
    read_at = utcnow()
    with db.transaction() as session:
        below, above = readable(session, at, size)
        room = max(0, EARLY_LIMIT - len(at.early))
        todo = [row for row in below if (row.txid, row.id) not in at.early] + above[:room]
        # Read after the rows, so every document is at least as new as the rows it answers.
        documents = {
            product_id: catalogue.search_document(session, product_id)
            for product_id in dict.fromkeys(row.product_id for row in todo)
        }
    cursor = (below[-1].txid, below[-1].id) if below else (at.txid, at.id)
    moved = at.moved(cursor, at.early | {(row.txid, row.id) for row in above[:room]})
    if len(below) < size and len(above) <= room:  # every row there was to read is applied
        moved = moved.caught_up(read_at)
    if not todo:  # nothing new (or only rows applied early, which the cursor now passes)
        changed = (moved.txid, moved.id, moved.early) != (at.txid, at.id, at.early)
        if changed or read_at - at.caught_up_at >= CAUGHT_UP_REFRESH:
            index.save_state(moved.to_state())
        return IndexRun(), moved, len(below) == size
    upserts = [document for document in documents.values() if document is not None]
    deletes = [product_id for product_id, document in documents.items() if document is None]
    try:
        index.apply(upserts, deletes, state=moved.to_state())
    except DAMAGE as error:
        # A damaged segment can surface while documents are replaced, not only on opening.
        raise SearchUnavailable("search index unreadable") from error
    done = IndexRun(rows=len(todo), upserts=len(upserts), deletes=len(deletes))
    return done, moved, len(below) == size


def _rebuild(db: Database, index: SearchIndex) -> tuple[IndexRun, Position]:
    # Rows readable before the products are read are answered by the new index; rows committed
    # later (on PostgreSQL even with smaller ids) are past its position and applied after it.
    started = utcnow()
    with db.transaction() as session:
        at = built_from_now(session, started)
        product_ids = catalogue.published_ids(session)
    count = index.rebuild(_documents(db, product_ids), state=at.to_state())
    return IndexRun(rebuilt=count), at


def _documents(db: Database, product_ids: Sequence[int]) -> Iterator[dict[str, Any]]:
    # Short transactions: on SQLite each one holds the write lock while it reads.
    for chunk in _chunks(product_ids, REBUILD_CHUNK):
        with db.transaction() as session:
            documents = [catalogue.search_document(session, product_id) for product_id in chunk]
        yield from (document for document in documents if document is not None)


def _chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
