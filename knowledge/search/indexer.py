"""Brings the search index up to date from the outbox: one writer at a time, safe to kill.

The database is the source of truth. Every product change writes a ``SearchOutbox`` row in its own
transaction; the indexer reads pending rows in id order, builds each product's document from the
database as it is now, applies them to the index and only then marks the rows applied, in a later
short transaction. A crash between those steps leaves the rows pending and they are applied again
next time, which is harmless: a product is always written as the database currently has it.

Writers take turns through an exclusive lock file next to the index (any number of processes and
threads may call in): reading the outbox, building documents and writing them happen in one turn,
so a slower writer can never put an older version of a product over a newer one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from knowledge import catalogue
from knowledge.models import SearchOutbox
from knowledge.search.engine import DAMAGE, SearchIndex, SearchUnavailable, exclusive_lock
from portal.db import Database, utcnow

TURN_FILE = "indexer.lock"
#: Outbox rows read, applied and marked together.
BATCH_SIZE = 200
#: Products read per short transaction while a rebuild streams them into the index.
REBUILD_CHUNK = 200
#: Ids per ``UPDATE ... WHERE id IN (...)``, well below every backend's parameter limit.
MARK_CHUNK = 500
T = TypeVar("T")


@dataclass(frozen=True)
class IndexRun:
    """What one run did: outbox rows marked applied, documents written or removed, and the
    number of documents of a full build (``None`` when there was none)."""

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


@dataclass(frozen=True)
class Backlog:
    """Outbox rows not applied yet (the index lag) and when the oldest of them was written."""

    pending: int
    oldest: datetime | None

    def age_seconds(self, now: datetime) -> float:
        return max(0.0, (now - self.oldest).total_seconds()) if self.oldest else 0.0


def backlog(session: Session) -> Backlog:
    """The index lag as the database sees it."""
    pending, oldest = session.execute(
        select(func.count(), func.min(SearchOutbox.created_at)).where(
            SearchOutbox.applied_at.is_(None)
        )
    ).one()
    return Backlog(int(pending or 0), oldest)


def writer_turn(index: SearchIndex, wait: float) -> AbstractContextManager[None]:
    """The exclusive right to read the outbox and write ``index``; :class:`IndexBusy` if another
    process or thread keeps it for longer than ``wait`` seconds."""
    return exclusive_lock(index.base_dir / TURN_FILE, wait, "search indexer")


def apply_pending(
    db: Database, index: SearchIndex, *, wait: float = 10.0, limit: int | None = None
) -> IndexRun:
    """Apply pending outbox rows (at most ``limit``) in id order; build the index first if it
    does not exist yet.

    Raises :class:`IndexBusy` when the turn does not come within ``wait`` seconds (the rows stay
    pending) and :class:`SearchUnavailable` when the index exists but cannot be written (run
    :func:`reindex`).
    """
    with writer_turn(index, wait):
        if not _exists(index):
            # Rows committed while the first generation was built are applied right after it.
            return _rebuild(db, index) + _apply_rows(db, index, limit)
        return _apply_rows(db, index, limit)


def reindex(db: Database, index: SearchIndex, *, wait: float = 60.0) -> IndexRun:
    """Rebuild the index from the database into a new generation and swap it in; searches keep
    using the previous one meanwhile. Rows written during the rebuild are applied afterwards."""
    with writer_turn(index, wait):
        built = _rebuild(db, index)
        return built + _apply_rows(db, index, None)


def _exists(index: SearchIndex) -> bool:
    try:
        return index.exists()
    except DAMAGE as error:  # a truncated table of contents fails to unpickle
        raise SearchUnavailable("search index unreadable") from error


def _apply_rows(db: Database, index: SearchIndex, limit: int | None) -> IndexRun:
    done = IndexRun()
    while limit is None or done.rows < limit:
        size = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - done.rows)
        step = _apply_batch(db, index, size)
        if not step.rows:
            break
        done += step
    return done


def _apply_batch(db: Database, index: SearchIndex, size: int) -> IndexRun:
    with db.transaction() as session:
        rows = session.execute(
            select(SearchOutbox.id, SearchOutbox.product_id)
            .where(SearchOutbox.applied_at.is_(None))
            .order_by(SearchOutbox.id)
            .limit(size)
        ).all()
        # Read after the rows, so every document is at least as new as the rows it answers.
        documents = {
            product_id: catalogue.search_document(session, product_id)
            for product_id in dict.fromkeys(product_id for _, product_id in rows)
        }
    if not rows:
        return IndexRun()
    upserts = [document for document in documents.values() if document is not None]
    deletes = [product_id for product_id, document in documents.items() if document is None]
    try:
        index.apply(upserts, deletes)
    except DAMAGE as error:
        # A damaged segment can surface while documents are replaced, not only on opening.
        raise SearchUnavailable("search index unreadable") from error
    _mark_applied(db, [row_id for row_id, _ in rows])
    return IndexRun(rows=len(rows), upserts=len(upserts), deletes=len(deletes))


def _rebuild(db: Database, index: SearchIndex) -> IndexRun:
    # Rows seen before the products are read are answered by the new index; rows committed later
    # (on PostgreSQL even with smaller ids) stay pending and are applied after the swap.
    with db.transaction() as session:
        seen = list(
            session.scalars(select(SearchOutbox.id).where(SearchOutbox.applied_at.is_(None)))
        )
    with db.transaction() as session:
        product_ids = catalogue.published_ids(session)
    count = index.rebuild(_documents(db, product_ids))
    _mark_applied(db, seen)
    return IndexRun(rows=len(seen), rebuilt=count)


def _documents(db: Database, product_ids: Sequence[int]) -> Iterator[dict[str, Any]]:
    # Short transactions: on SQLite each one holds the write lock while it reads.
    for chunk in _chunks(product_ids, REBUILD_CHUNK):
        with db.transaction() as session:
            documents = [catalogue.search_document(session, product_id) for product_id in chunk]
        yield from (document for document in documents if document is not None)


def _mark_applied(db: Database, row_ids: Sequence[int]) -> None:
    if not row_ids:
        return
    now = utcnow()
    with db.transaction() as session:
        for chunk in _chunks(row_ids, MARK_CHUNK):
            session.execute(
                update(SearchOutbox)
                .where(SearchOutbox.id.in_(chunk), SearchOutbox.applied_at.is_(None))
                .values(applied_at=now)
            )


def _chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
