"""The index in the portal: one per app, kept up to date after each commit, health, API, commands.

After a request that wrote outbox rows, the rows are applied once the response has been sent
(``response.call_on_close``), so nobody waits for the index; a busy index leaves them pending for
the next run (any later change, or ``flask knowledge index --watch``). Commands and other work
outside requests apply them right after their commit.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

from knowledge.search.engine.index import SearchIndex
from knowledge.search.engine.results import IndexBusy, SearchUnavailable

log = logging.getLogger(__name__)

EXTENSION = "knowledge_search"
INDEX_DIR = "search"
#: How long a run after a response or commit waits for its turn before leaving rows pending.
RUN_WAIT_SECONDS = 2.0
#: Rows one run after a response applies at most, so that a large backlog does not hold a web
#: worker; the next runs (or `flask knowledge index`) finish it.
RESPONSE_RUN_LIMIT = 2_000
_WROTE_OUTBOX = "knowledge_search_wrote_outbox"


def init_app(app: Flask) -> None:
    """The app's index under ``PORTAL_DATA_DIR/search``, indexing after commits, the health
    check, the search API and the ``index`` and ``reindex`` commands."""
    from knowledge.cli import knowledge_cli
    from knowledge.search_cli import index_command, reindex_command
    from knowledge.search_views import api_bp
    from portal.api import register_health_check

    app.extensions[EXTENSION] = SearchIndex(Path(app.config["PORTAL_DATA_DIR"]) / INDEX_DIR)
    _watch_outbox(app)
    app.after_request(_index_after_response)
    register_health_check(app, "search", lambda: search_health(app))
    app.register_blueprint(api_bp)
    knowledge_cli.add_command(index_command)
    knowledge_cli.add_command(reindex_command)


def search_index(app: Flask | None = None) -> SearchIndex:
    """The app's (by default the current app's) search index."""
    index: SearchIndex = (app or current_app).extensions[EXTENSION]
    return index


def apply_now(app: Flask, *, wait: float = RUN_WAIT_SECONDS, limit: int | None = None) -> None:
    """Apply pending outbox rows; never raises, because it runs where nobody could act on it."""
    from knowledge import indexer
    from portal.db import database

    try:
        indexer.apply_pending(database(app), search_index(app), wait=wait, limit=limit)
    except IndexBusy:
        log.info("search index busy: outbox rows stay pending for the next run")
    except SearchUnavailable:
        log.error("search index unusable: run `flask knowledge reindex`", exc_info=True)
    except Exception:
        log.exception("applying the search outbox failed: rows stay pending for the next run")


def search_health(app: Flask) -> dict[str, Any]:
    """Index status, documents and lag (outbox rows not applied, age of the oldest)."""
    from knowledge import indexer
    from portal.db import db_session, utcnow

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


def _watch_outbox(app: Flask) -> None:
    from knowledge.models import SearchOutbox
    from portal.db import database

    sessions = database(app).sessionmaker

    @event.listens_for(sessions, "after_flush")
    def _note_outbox(session: Session, _flush: UOWTransaction) -> None:
        if any(isinstance(instance, SearchOutbox) for instance in session.new):
            if has_request_context():
                setattr(g, _WROTE_OUTBOX, True)
            else:
                session.info[_WROTE_OUTBOX] = True

    @event.listens_for(sessions, "after_commit")
    def _apply_after_commit(session: Session) -> None:
        if session.info.pop(_WROTE_OUTBOX, False):
            apply_now(app)

    @event.listens_for(sessions, "after_rollback")
    def _forget_outbox(session: Session) -> None:
        session.info.pop(_WROTE_OUTBOX, None)


#: Searches that also catch up on rows a busy index left pending (without waiting for a turn).
CATCH_UP_ENDPOINTS = frozenset({"knowledge.browse", "knowledge_search_api.search"})


def _index_after_response(response: Response) -> Response:
    # The request's commit comes after this hook; the rows are applied once the response is sent.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if g.pop(_WROTE_OUTBOX, False) and response.status_code < 400:
        response.call_on_close(lambda: apply_now(app, limit=RESPONSE_RUN_LIMIT))
    elif request.endpoint in CATCH_UP_ENDPOINTS:
        # A writer that found the index busy left its rows pending; the next search applies them,
        # so a change never waits for another write (or for the watcher) to become searchable.
        response.call_on_close(lambda: apply_now(app, wait=0.0, limit=RESPONSE_RUN_LIMIT))
    return response
