"""An index written by an older engine version is rebuilt by the worker, not left half-usable."""

from __future__ import annotations

from flask.testing import FlaskClient

from knowledge.search.engine.generations import VERSION_FILE
from knowledge.search.wiring import apply_task
from tests.integration.knowledge.conftest import make_product
from tests.integration.search.conftest import run_indexer, titles


def test_worker_rebuilds_an_index_of_an_older_schema_version(
    app, client: FlaskClient, session, people, index, search
) -> None:
    make_product(session, people.ministry, title="Mangrove nurseries")
    session.commit()
    run_indexer(app)
    generation = index.base_dir / str(index.current_generation())
    (generation / VERSION_FILE).write_text("1\n")  # as written before the upgrade

    unavailable = client.get("/api/v1/knowledge/search", query_string={"q": "mangrove"})
    assert unavailable.status_code == 503
    assert not index.exists()

    assert apply_task(app) >= 1  # the worker's round: a rebuild
    assert index.current_generation() != generation.name
    assert titles(search(q="mangrove")) == ["Mangrove nurseries"]
