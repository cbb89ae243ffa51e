"""Fixtures of the search tests: the knowledge fixtures, an indexer run, search through HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from knowledge.search import indexer, positions
from knowledge.search.current import search_index
from knowledge.search.engine import SearchIndex
from portal.db import database
from tests.integration.knowledge.conftest import login, people  # noqa: F401 - shared fixtures

SearchApi = Callable[..., dict[str, Any]]


def run_indexer(app: Flask) -> indexer.IndexRun:
    """One indexer run, as `flask knowledge index` does it."""
    return indexer.apply_pending(database(app), search_index(app))


def closed(response: Any) -> Any:
    """Close a test response as a server does once it is sent: the after-response work runs."""
    response.close()
    return response


def pending_rows(session: Session, app: Flask) -> int:
    """Outbox rows past the position of the app's index (all of them without an index)."""
    session.rollback()
    return positions.backlog(session, indexer.position(search_index(app))).pending


@pytest.fixture
def index(app: Flask) -> SearchIndex:
    """The app's index, built (empty) before the test arranges anything."""
    run_indexer(app)
    return search_index(app)


@pytest.fixture
def search(client: FlaskClient) -> SearchApi:
    """search(q="...", type=[...], ...) calls the search API and returns its JSON (status 200)."""

    def call(**params: Any) -> dict[str, Any]:
        response = client.get("/api/v1/knowledge/search", query_string=params)
        assert response.status_code == 200, response.get_data(as_text=True)
        body: dict[str, Any] = response.get_json()
        return body

    return call


def titles(body: dict[str, Any]) -> list[str]:
    return [result["title"] for result in body["results"]]
