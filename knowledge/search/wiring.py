"""Plugs search into the portal: the index, its worker task, health, the API and the commands."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from knowledge.cli import knowledge_cli
from knowledge.search import indexer, positions, updates
from knowledge.search.cli import describe, index_command, reindex_command
from knowledge.search.current import install_index, search_index
from knowledge.search.engine import IndexBusy, SearchUnavailable
from knowledge.search.views import api_bp
from portal import background, health, schedule, warm_up
from portal.db import database, db_session, utcnow
from portal.markers import N_
from portal.restore import register_restore_hook

log = logging.getLogger(__name__)

#: How long the worker waits for the turn of another writer on this node (the web fast path).
TASK_WAIT_SECONDS = 5.0
#: An index whose oldest unapplied row is older than this is reported as lagging.
LAG_LIMIT_SECONDS = 300.0


def init_app(app: Flask) -> None:
    """This node's index (``PORTAL_SEARCH_DIR``) warmed up as a serving process starts, indexing
    after commits, the worker's ``search`` task, the outbox pruning job, the health check, the
    search API, the ``index`` and ``reindex`` commands and the rebuild after a restore."""
    index = install_index(app)
    warm_up.register(app, "search", lambda _app: index.warm())
    updates.apply_after_commits(app)
    background.register_task(app, "search", apply_task)
    schedule.register_job(
        app,
        "search.prune_outbox",
        positions.PRUNE_EVERY,
        positions.prune_job,
        N_("Forget search updates every node has had for a week"),
    )
    health.register_check(app, "search", lambda: search_health(app))
    app.register_blueprint(api_bp)
    knowledge_cli.add_command(index_command)
    knowledge_cli.add_command(reindex_command)
    register_restore_hook(app, "search index", rebuild_after_restore, "flask knowledge reindex")


def rebuild_after_restore(app: Flask) -> str:
    """A restored instance's index is built from its restored rows (backups hold no index)."""
    return describe(indexer.reindex(database(app), search_index(app)))


def apply_task(app: Flask) -> int:
    """The worker's round for this node's index: apply what is pending; build the index if it is
    missing, rebuild it (new generation, swapped in) if it is damaged or has fallen behind the
    pruned outbox. Returns the rows applied plus the documents of a build."""
    db, index = database(app), search_index(app)
    try:
        try:
            index.verify()  # a fresh read of every segment: a damaged one raises here
            run = indexer.apply_pending(db, index, wait=TASK_WAIT_SECONDS)
        except SearchUnavailable:
            log.warning("search index missing or unreadable: rebuilding it")
            run = indexer.reindex(db, index, wait=TASK_WAIT_SECONDS)
    except IndexBusy:
        return 0  # another writer of this node has the turn: next round
    if run.rebuilt is not None:
        log.info("search index built with %s products", run.rebuilt)
    return run.rows + (run.rebuilt or 0)


def search_health(app: Flask) -> dict[str, Any]:
    """This node's index: status, documents, position and lag (rows past its position).

    ``status`` is ``ok``, ``lagging`` (the oldest unapplied row is older than
    ``LAG_LIMIT_SECONDS``), ``rebuilding`` (no usable index, a rebuild is running) or
    ``unavailable`` (missing or damaged: searches answer "temporarily unavailable").
    """
    index = search_index(app)
    at = indexer.position(index)
    lag = positions.backlog(db_session(), at)
    lag_seconds = round(lag.age_seconds(utcnow()), 1)
    try:
        documents: int | None = index.verify()
        status = "lagging" if lag_seconds > LAG_LIMIT_SECONDS else "ok"
    except SearchUnavailable:
        documents = None
        status = "rebuilding" if index.rebuilding() else "unavailable"
    return {
        "status": status,
        "documents": documents,
        "pending": lag.pending,
        "lag_seconds": lag_seconds,
        "position": None if at is None else {"txid": at.txid, "id": at.id},
    }
