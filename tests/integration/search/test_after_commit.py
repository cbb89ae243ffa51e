"""Outbox rows a request commits reach the index once its response is sent: refused requests leave
their rows pending, and searches catch up on rows a busy index left."""

from __future__ import annotations

import pytest
from flask import Response

from knowledge.models import enqueue_index
from portal.db import database
from tests.integration.knowledge.conftest import make_product
from tests.integration.search.conftest import closed, pending_rows


def test_rows_committed_during_a_refused_request_stay_pending(app, client, session, index) -> None:
    def commits_a_row(response: Response) -> Response:
        with database(app).transaction() as own:
            enqueue_index(own, 12345)
        return response

    app.after_request(commits_a_row)

    closed(client.get("/knowledge/no-such-page"))

    assert pending_rows(session) == 1


@pytest.mark.parametrize(
    ("url", "left"), [("/api/v1/knowledge/search?q=x", 0), ("/knowledge/", 0), ("/robots.txt", 1)]
)
def test_searches_catch_up_on_rows_left_pending(
    app, client, session, people, index, url, left
) -> None:
    make_product(session, people.ministry, title="Lantern")
    session.commit()
    assert pending_rows(session) == 1

    closed(client.get(url))

    assert pending_rows(session) == left
