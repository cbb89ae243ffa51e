"""Plugs search into the portal: the index, indexing after commits, health, API and commands."""

from __future__ import annotations

from typing import Any

from flask import Flask

from knowledge.cli import knowledge_cli
from knowledge.search import indexer, updates
from knowledge.search.cli import index_command, reindex_command
from knowledge.search.current import install_index, search_index
from knowledge.search.engine import SearchUnavailable
from knowledge.search.views import api_bp
from portal.api import register_health_check
from portal.db import db_session, utcnow


def init_app(app: Flask) -> None:
    """The app's index under ``PORTAL_DATA_DIR/search``, indexing after commits, the health
    check, the search API and the ``index`` and ``reindex`` commands."""
    install_index(app)
    updates.apply_after_commits(app)
    register_health_check(app, "search", lambda: search_health(app))
    app.register_blueprint(api_bp)
    knowledge_cli.add_command(index_command)
    knowledge_cli.add_command(reindex_command)


def search_health(app: Flask) -> dict[str, Any]:
    """Index status, documents and lag (outbox rows not applied, age of the oldest)."""
    lag = indexer.backlog(db_session())
    try:
        documents: int | None = search_index(app).doc_count()
        status = "ok"
    except SearchUnavailable:
        documents, status = None, "unavailable"
    return {
        "status": status,
        "documents": documents,
        "pending": lag.pending,
        "lag_seconds": round(lag.age_seconds(utcnow()), 1),
    }
