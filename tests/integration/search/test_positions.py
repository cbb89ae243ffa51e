"""Per-node positions in the outbox: every node sees every change, out-of-order commits on
PostgreSQL are not skipped, a long transaction delays nothing else, pruning and stale nodes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge.models import SearchOutbox
from knowledge.search import indexer, positions
from knowledge.search.engine import SearchIndex
from portal.db import database, make_engine, utcnow
from tests.integration.knowledge.conftest import make_product
from tests.integration.search.conftest import run_indexer


def _titles(index: SearchIndex, text: str) -> list[str]:
    return sorted(hit.title for hit in SearchIndex(index.base_dir).search(text).hits)


@contextmanager
def _own_session(app: Flask) -> Iterator[Session]:
    """A second connection to the test's database (another client's transaction)."""
    engine = make_engine(app.config["DATABASE_URL"], immediate=False)
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.rollback()
        session.close()
        engine.dispose()


def _postgresql_only(app: Flask) -> None:
    if database(app).backend != "postgresql":
        pytest.skip("SQLite writers take turns: ids always follow commit order there")


def test_a_row_committed_after_a_larger_id_was_applied_is_still_indexed(
    app, session, people, index
) -> None:
    _postgresql_only(app)
    with _own_session(app) as slow, _own_session(app) as fast:
        tortoise = make_product(slow, people.ministry, title="Tortoise report")  # T1: open
        hare = make_product(fast, people.ministry, title="Hare report")  # T2: committed
        fast.commit()
        run_indexer(app)  # sees the hare; the tortoise's row is not committed yet
        assert _titles(index, "report") == ["Hare report"]
        slow.commit()

    run_indexer(app)

    assert _titles(index, "report") == ["Hare report", "Tortoise report"]
    # The tortoise's row has the smaller id: an `id > position` cursor would have passed it.
    row_ids = dict(session.execute(select(SearchOutbox.product_id, SearchOutbox.id)).all())
    assert row_ids[tortoise.id] < row_ids[hare.id]


def test_a_long_transaction_delays_no_other_change(app, session, people, index) -> None:
    _postgresql_only(app)
    with _own_session(app) as long_running:
        make_product(long_running, people.ministry, title="Glacier survey")  # holds the horizon
        make_product(session, people.ministry, title="Sparrow survey")
        session.commit()

        run_indexer(app)
        assert _titles(index, "survey") == ["Sparrow survey"]  # applied early, above the horizon
        long_running.commit()

    assert run_indexer(app).upserts == 1  # the glacier only: the sparrow is not applied twice
    assert _titles(index, "survey") == ["Glacier survey", "Sparrow survey"]
    assert run_indexer(app).rows == 0


def test_every_node_sees_every_change(app, session, people, index, tmp_path) -> None:
    other = SearchIndex(tmp_path / "other-node")
    make_product(session, people.ministry, title="Shared harbour study")
    session.commit()

    run_indexer(app)  # the first node applies the row ...
    second = indexer.apply_pending(database(app), other)  # ... the second still builds with it

    assert second.rebuilt == 1
    assert _titles(index, "harbour") == _titles(other, "harbour") == ["Shared harbour study"]
    make_product(session, people.ministry, title="Second harbour study")
    session.commit()
    assert indexer.apply_pending(database(app), other).upserts == 1
    assert run_indexer(app).upserts == 1
    assert _titles(other, "harbour") == ["Second harbour study", "Shared harbour study"]


def test_pruning_keeps_recent_rows_and_the_newest_one(app, session, people) -> None:
    for title in ("Old one", "Old two", "Recent"):
        make_product(session, people.ministry, title=title)
    session.commit()
    rows = session.scalars(select(SearchOutbox).order_by(SearchOutbox.id)).all()
    old = utcnow() - positions.KEEP_ROWS - timedelta(hours=1)
    rows[0].created_at, rows[1].created_at, rows[2].created_at = old, utcnow(), old
    session.commit()

    with database(app).transaction() as own:
        outcome = positions.prune_job(own, utcnow())

    session.rollback()
    assert outcome == "1 search outbox row(s) pruned"
    assert session.scalars(select(SearchOutbox.id).order_by(SearchOutbox.id)).all() == [
        rows[1].id,
        rows[2].id,
    ]


def test_a_node_behind_the_pruned_outbox_rebuilds(app, session, people, index) -> None:
    make_product(session, people.ministry, title="Lighthouse log")
    session.commit()
    stale = indexer.position(index)
    assert stale is not None
    index.save_state(
        positions.Position(stale.txid, stale.id, utcnow() - positions.STALE_AFTER * 2).to_state()
    )

    run = run_indexer(app)

    assert run.rebuilt == 1
    assert _titles(index, "lighthouse") == ["Lighthouse log"]
    assert utcnow() - indexer.position(index).caught_up_at < timedelta(minutes=1)
    assert session.scalar(select(func.count()).select_from(SearchOutbox)) == 1
