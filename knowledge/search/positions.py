"""Where each node's index stands in the search outbox: its position, what is pending, pruning.

Rows are never marked applied: every node reads the same outbox from its own position, the
``(txid, id)`` of the last row its index applied, saved with the index itself (so a rebuilt,
restored or deleted index carries its own truth). On PostgreSQL ids are handed out at INSERT,
not at COMMIT: a transaction holding id 7 may commit after id 8 was read, and a plain
``id > position`` cursor would skip it for good. So each row records its inserting transaction
(``txid``), and a node reads only rows below the *horizon*, the oldest transaction still running
(``pg_snapshot_xmin``): every transaction below it has ended, so no row can appear there later.
Reading in ``(txid, id)`` order below the horizon, a position never passes a row it has not
seen. On SQLite writers take turns, so ids follow commit order; txid is 0 and there is no horizon.

The horizon is the whole server's: one long writing transaction (an import, a forgotten psql
session, another database's job) holds it back. So that such a transaction delays nothing else,
rows above the horizon that are already committed are applied at once too and remembered in the
position (``early``) until the horizon passes them; the cursor itself still moves only below it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, text
from sqlalchemy.orm import Session

from knowledge.models import SearchOutbox

#: Outbox rows older than this are deleted by the daily job (the newest row always stays).
KEEP_ROWS = timedelta(days=7)
PRUNE_EVERY = timedelta(days=1)
#: A node whose index last caught up longer ago than this may have missed pruned rows: rebuild.
STALE_AFTER = KEEP_ROWS - timedelta(days=1)
#: How often an idle node records that it is still caught up (so it never looks stale).
CAUGHT_UP_REFRESH = timedelta(hours=1)
#: Rows above the horizon applied early and remembered at most; past that, they wait for it.
EARLY_LIMIT = 5_000
Row = tuple[int, int]  # (txid, id)


@dataclass(frozen=True)
class Position:
    """The last outbox row an index has applied, and when it last had applied every row there
    was to read (the prune horizon is compared with that)."""

    txid: int
    id: int
    caught_up_at: datetime
    early: frozenset[Row] = frozenset()

    def to_state(self) -> dict[str, Any]:
        return {
            "txid": self.txid,
            "id": self.id,
            "caught_up_at": self.caught_up_at.isoformat(),
            "early": sorted([txid, row_id] for txid, row_id in self.early),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any] | None) -> Position | None:
        """The position saved with an index; ``None`` when absent or not understood."""
        if not state:
            return None
        try:
            return cls(
                int(state["txid"]),
                int(state["id"]),
                datetime.fromisoformat(state["caught_up_at"]),
                frozenset((int(txid), int(row_id)) for txid, row_id in state.get("early", [])),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def stale(self, now: datetime) -> bool:
        """Whether rows this index has not applied may have been pruned already."""
        return now - self.caught_up_at > STALE_AFTER

    def moved(self, cursor: Row, early: frozenset[Row]) -> Position:
        """The cursor moved to ``cursor``; ``early`` rows applied above it (those it has
        reached are forgotten)."""
        return Position(*cursor, self.caught_up_at, frozenset(row for row in early if row > cursor))

    def caught_up(self, at: datetime) -> Position:
        return Position(self.txid, self.id, at, self.early)


def after(position: Position | None) -> ColumnElement[bool]:
    """Rows past ``position`` in (txid, id) order (every row without one)."""
    if position is None:
        return SearchOutbox.id.is_not(None)
    return or_(
        SearchOutbox.txid > position.txid,
        and_(SearchOutbox.txid == position.txid, SearchOutbox.id > position.id),
    )


def horizon(session: Session) -> int | None:
    """The oldest transaction still running (PostgreSQL); rows below it can all be read.
    ``None`` on SQLite, where every committed row can."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return int(session.scalar(text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")))


def readable(session: Session, position: Position, limit: int) -> tuple[list[Any], list[Any]]:
    """Rows past ``position`` in (txid, id) order: up to ``limit`` below the horizon (the cursor
    may pass them) and the committed ones above it (to apply early), each with ``product_id``."""
    columns = (SearchOutbox.txid, SearchOutbox.id, SearchOutbox.product_id)
    order = (SearchOutbox.txid, SearchOutbox.id)
    below = horizon(session)
    condition = after(position)
    if below is not None:
        condition = and_(condition, SearchOutbox.txid < below)
    rows = list(session.execute(select(*columns).where(condition).order_by(*order).limit(limit)))
    if below is None:
        return rows, []
    above = session.execute(
        select(*columns)
        .where(SearchOutbox.txid >= below)
        .order_by(*order)
        .limit(EARLY_LIMIT + limit)
    )
    return rows, [row for row in above if (row.txid, row.id) not in position.early]


def built_from_now(session: Session, started: datetime) -> Position:
    """Where an index built from products read after this call stands: past the last row below
    the horizon, with the committed rows above it (at most EARLY_LIMIT) already applied."""
    below = horizon(session)
    query = select(SearchOutbox.txid, SearchOutbox.id)
    if below is not None:
        query = query.where(SearchOutbox.txid < below)
    last = session.execute(
        query.order_by(SearchOutbox.txid.desc(), SearchOutbox.id.desc()).limit(1)
    ).first()
    early: frozenset[Row] = frozenset()
    if below is not None:
        above = session.execute(
            select(SearchOutbox.txid, SearchOutbox.id)
            .where(SearchOutbox.txid >= below)
            .order_by(SearchOutbox.txid, SearchOutbox.id)
            .limit(EARLY_LIMIT)
        )
        early = frozenset((row.txid, row.id) for row in above)
    cursor = (int(last.txid), int(last.id)) if last else (0, 0)
    return Position(*cursor, started, early)


@dataclass(frozen=True)
class Backlog:
    """Outbox rows past a node's position (its index lag) and when the oldest was written."""

    pending: int
    oldest: datetime | None

    def age_seconds(self, now: datetime) -> float:
        return max(0.0, (now - self.oldest).total_seconds()) if self.oldest else 0.0


def backlog(session: Session, position: Position | None) -> Backlog:
    """The lag of an index at ``position`` (committed rows it has not applied yet)."""
    condition = after(position)
    if position is not None and position.early:
        condition = and_(
            condition, SearchOutbox.id.not_in([row_id for _, row_id in position.early])
        )
    pending, oldest = session.execute(
        select(func.count(), func.min(SearchOutbox.created_at)).where(condition)
    ).one()
    return Backlog(int(pending or 0), oldest)


def prune_job(session: Session, now: datetime) -> str:
    """The daily job: delete outbox rows older than KEEP_ROWS, but the newest row (so that
    SQLite, which hands out max(id) + 1, never gives a pruned id again)."""
    newest = session.scalar(select(func.max(SearchOutbox.id)))
    if newest is None:
        return "0 search outbox row(s) pruned"
    result = session.execute(
        delete(SearchOutbox).where(
            SearchOutbox.created_at < now - KEEP_ROWS, SearchOutbox.id != newest
        )
    )
    return f"{int(getattr(result, 'rowcount', 0) or 0)} search outbox row(s) pruned"
