"""The health answer reports the search index: status, documents and lag (pending outbox rows)."""

from __future__ import annotations

from tests.integration.knowledge.conftest import make_product
from tests.integration.search.conftest import run_indexer


def test_health_reports_the_index_lag_until_the_indexer_runs(
    app, client, session, people, index
) -> None:
    make_product(session, people.ministry, title="One")
    make_product(session, people.ministry, title="Two")
    session.commit()

    lagging = client.get("/api/v1/health").get_json()
    run_indexer(app)
    caught_up = client.get("/api/v1/health").get_json()

    assert lagging["search"]["status"] == "ok"
    assert (lagging["search"]["documents"], lagging["search"]["pending"]) == (0, 2)
    assert lagging["search"]["lag_seconds"] >= 0
    assert caught_up["search"] == {
        "status": "ok",
        "documents": 2,
        "pending": 0,
        "lag_seconds": 0,
        "position": caught_up["search"]["position"],
    }
    assert caught_up["search"]["position"] is not None


def test_health_reports_a_missing_index_as_unavailable(client, session, people) -> None:
    make_product(session, people.ministry)
    session.commit()

    body = client.get("/api/v1/health").get_json()

    assert body["search"] == {
        "status": "unavailable",
        "documents": None,
        "pending": 1,
        "lag_seconds": body["search"]["lag_seconds"],
        "position": None,
    }
    assert body["database"] == "ok"
