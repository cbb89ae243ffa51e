"""Outbox rows a request commits reach the index once its response is sent, whatever the order of
the app's after-request hooks; refused requests leave their rows pending; searches catch up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, Response

from knowledge.models import KnowledgeProduct, enqueue_index
from portal.db import database, db_session
from tests.integration.knowledge.conftest import make_product
from tests.integration.search.conftest import closed, pending_rows, run_indexer

Hook = Callable[[Response], Response]


def _runs_first(app: Flask, hook: Hook) -> None:
    app.after_request(hook)  # the last registered hook runs first


def _commit_position(app: Flask) -> int:
    hooks = app.after_request_funcs[None]
    return next(i for i, hook in enumerate(hooks) if hook.__module__ == "portal.db")


def _runs_just_before_the_commit(app: Flask, hook: Hook) -> None:
    app.after_request_funcs[None].insert(_commit_position(app) + 1, hook)


def _runs_after_the_commit(app: Flask, hook: Hook) -> None:
    app.after_request_funcs[None].insert(_commit_position(app), hook)


def _reindexing(product_id: int) -> Hook:
    """A hook that records a change of the product in the request's transaction."""

    def hook(response: Response) -> Response:
        enqueue_index(db_session(), product_id)
        return response

    return hook


def _answering_anew(app: Flask) -> Hook:
    """A hook that answers with a new response object carrying the same answer."""

    def hook(response: Response) -> Response:
        return app.response_class(
            response.get_data(), status=response.status, headers=response.headers
        )

    return hook


def _renamed_behind_the_index(app: Flask, session: Any, people: Any, title: str) -> int:
    product = make_product(session, people.ministry, title="Lantern")
    session.commit()
    run_indexer(app)
    session.get(KnowledgeProduct, product.id).title = title  # no outbox row: the index lags
    session.commit()
    return product.id


@pytest.mark.parametrize(
    "placements",
    [
        [("reindexing", _runs_first)],
        [("reindexing", _runs_just_before_the_commit)],
        [("reindexing", _runs_first), ("answering anew", _runs_after_the_commit)],
    ],
    ids=["writer-first", "writer-just-before-commit", "response-replaced-after-commit"],
)
def test_committed_rows_are_applied_after_the_response_whatever_the_hook_order(
    app, client, session, people, index, placements
) -> None:
    product_id = _renamed_behind_the_index(app, session, people, "Beacon")
    for kind, place in placements:
        place(app, _reindexing(product_id) if kind == "reindexing" else _answering_anew(app))

    response = client.get(f"/knowledge/{product_id}")
    assert response.status_code == 200
    assert pending_rows(session, app) == 1  # committed, not applied before the response is sent
    closed(response)

    assert pending_rows(session, app) == 0
    assert [hit.title for hit in index.search("beacon").hits] == ["Beacon"]


def test_rows_committed_during_a_refused_request_stay_pending(app, client, session, index) -> None:
    def commits_a_row(response: Response) -> Response:
        with database(app).transaction() as own:
            enqueue_index(own, 12345)
        return response

    app.after_request(commits_a_row)

    closed(client.get("/knowledge/no-such-page"))

    assert pending_rows(session, app) == 1


@pytest.mark.parametrize(
    ("url", "left"), [("/api/v1/knowledge/search?q=x", 0), ("/knowledge/", 0), ("/robots.txt", 1)]
)
def test_searches_catch_up_on_rows_left_pending(
    app, client, session, people, index, url, left
) -> None:
    make_product(session, people.ministry, title="Lantern")
    session.commit()
    assert pending_rows(session, app) == 1

    closed(client.get(url))

    assert pending_rows(session, app) == left
