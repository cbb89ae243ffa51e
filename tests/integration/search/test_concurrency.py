"""Writers changing products and applying the outbox while a reindex runs: no lost update, no
lock error, and searches keep answering throughout."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable

import pytest
from flask import Flask

from knowledge import products
from knowledge.models import KnowledgeProduct
from knowledge.search import indexer
from knowledge.search.current import search_index
from portal.db import database
from portal.models import User
from tests.integration.knowledge.conftest import make_product
from tests.integration.search.conftest import pending_rows, run_indexer

WRITERS = 4
EDITS = 5
REINDEXES = 3


def _edit(app: Flask, staff_id: int, product_id: int, title: str) -> None:
    """One request's worth of work: change the title and commit (indexing follows the commit)."""
    with database(app).transaction() as session:
        product = session.get(KnowledgeProduct, product_id)
        actor = session.get(User, staff_id)
        assert product is not None and actor is not None
        data = dataclasses.replace(products.ProductInput.of(product), title=title)
        products.update_product(session, actor, product, data, direct=True)


def _run_all(jobs: list[Callable[[], None]]) -> list[BaseException]:
    """Run the jobs in threads that all start at once; what they raised."""
    failures: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def guarded(job: Callable[[], None]) -> None:
        try:
            start.wait()
            job()
        except BaseException as error:  # reported to the test, which asserts there are none
            failures.append(error)

    threads = [threading.Thread(target=guarded, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return failures


@pytest.mark.slow
def test_concurrent_writers_and_reindex_lose_no_update_and_raise_no_lock_error(
    app, session, people, index, caplog
) -> None:
    own = [make_product(session, people.ministry, title=f"Kiwifruit {w}") for w in range(WRITERS)]
    shared = make_product(session, people.ministry, title="Kiwifruit shared")
    session.commit()
    run_indexer(app)
    statuses: list[int] = []
    writing = threading.Event()

    def writer(number: int) -> Callable[[], None]:
        def run() -> None:
            for edit in range(EDITS):
                _edit(app, people.staff.id, own[number].id, f"Kiwifruit {number} edit {edit}")
                _edit(app, people.staff.id, shared.id, f"Kiwifruit shared by {number} {edit}")

        return run

    def reindexer() -> None:
        for _ in range(REINDEXES):
            indexer.reindex(database(app), search_index(app))

    def reader() -> None:
        client = app.test_client()
        while writing.is_set():
            statuses.append(client.get("/knowledge/?q=kiwifruit").status_code)

    writing.set()
    reading = threading.Thread(target=reader)
    reading.start()
    with caplog.at_level(logging.INFO):
        failures = _run_all([writer(n) for n in range(WRITERS)] + [reindexer])
    writing.clear()
    reading.join(timeout=60)

    assert failures == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert "LockError" not in caplog.text
    assert statuses and set(statuses) == {200}
    run_indexer(app)  # what a busy index left pending, as the next run would
    assert pending_rows(session, app) == 0
    session.expire_all()
    hits = {hit.id: hit.title for hit in index.search("kiwifruit", per_page=50).hits}
    expected = {p.id: session.get(KnowledgeProduct, p.id).title for p in [*own, shared]}
    assert hits == expected
    assert {hits[p.id] for p in own} == {f"Kiwifruit {n} edit {EDITS - 1}" for n in range(WRITERS)}
