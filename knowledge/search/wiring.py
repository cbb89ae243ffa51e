"""Plugs search into the portal: the index, indexing after commits, health, API and commands."""

from __future__ import annotations

from typing import Any

from flask import Flask

from knowledge.cli import knowledge_cli
from knowledge.search import indexer, updates
from knowledge.search.cli import describe, index_command, reindex_command
from knowledge.search.current import install_index, search_index
from knowledge.search.engine import SearchUnavailable
from knowledge.search.views import api_bp
from portal.api import register_health_check
from portal.db import database, db_session, utcnow
from portal.restore import register_restore_hook


def init_app(app: Flask) -> None:
    """The app's index under ``PORTAL_DATA_DIR/search``, indexing after commits, the health
    check, the search API, the ``index`` and ``reindex`` commands and the rebuild after a
    restore."""
    install_index(app)
    updates.apply_after_commits(app)
    register_health_check(app, "search", lambda: search_health(app))
    app.register_blueprint(api_bp)
    knowledge_cli.add_command(index_command)
    knowledge_cli.add_command(reindex_command)
    register_restore_hook(app, "search index", rebuild_after_restore, "flask knowledge reindex")


def rebuild_after_restore(app: Flask) -> str:
    """A restored instance's index is built from its restored rows (backups hold no index)."""
    return describe(indexer.reindex(database(app), search_index(app)))


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
