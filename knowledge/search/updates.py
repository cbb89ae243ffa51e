"""Keeps the app's index up to date: outbox rows are applied after the commit that wrote them.

After a request that wrote outbox rows, the rows are applied once the response has been sent
(``response.call_on_close``), so nobody waits for the index; a busy index leaves them pending for
the next run (any later change, a search, or ``flask knowledge index --watch``). Commands and
other work outside requests apply them right after their commit.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

from knowledge.models import SearchOutbox
from knowledge.search import indexer
from knowledge.search.current import search_index
from knowledge.search.engine import IndexBusy, SearchUnavailable
from portal.db import database

log = logging.getLogger(__name__)

#: How long a run after a response or commit waits for its turn before leaving rows pending.
RUN_WAIT_SECONDS = 2.0
#: Rows one run after a response applies at most, so that a large backlog does not hold a web
#: worker; the next runs (or `flask knowledge index`) finish it.
RESPONSE_RUN_LIMIT = 2_000
#: Searches that also catch up on rows a busy index left pending (without waiting for a turn).
CATCH_UP_ENDPOINTS = frozenset({"knowledge.browse", "knowledge_search_api.search_api"})
_WROTE_OUTBOX = "knowledge_search_wrote_outbox"


def apply_now(app: Flask, *, wait: float = RUN_WAIT_SECONDS, limit: int | None = None) -> None:
    """Apply pending outbox rows; never raises, because it runs where nobody could act on it."""
    try:
        indexer.apply_pending(database(app), search_index(app), wait=wait, limit=limit)
    except IndexBusy:
        log.info("search index busy: outbox rows stay pending for the next run")
    except SearchUnavailable:
        log.error("search index unusable: run `flask knowledge reindex`", exc_info=True)
    except Exception:
        log.exception("applying the search outbox failed: rows stay pending for the next run")


def apply_after_commits(app: Flask) -> None:
    """Apply the outbox rows each of ``app``'s sessions commits (after the response in requests)."""
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

    app.after_request(_index_after_response)


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
