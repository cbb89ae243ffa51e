"""The fast path: this node's index applies outbox rows right after the commit that wrote them.

The worker's ``search`` task (``wiring``) keeps every node's index up to date within a round and
alone rebuilds a missing, damaged or stale index; this path only makes a node's own changes
searchable at once. The commit itself is the trigger: the sessions' ``after_commit`` event notes
that outbox rows were committed. Outside requests (commands, workers) they are applied right
away. In a request they are applied once the response has been sent
(``response.call_on_close``), so nobody waits for the index; Flask's ``request_finished`` signal
hands over the final response after every ``after_request`` hook has run, the request's commit
included, so the order of those hooks does not matter. A refused request (status 400 or more)
leaves its rows pending, and a busy index leaves them for the next run: any later change, a
search, or the worker.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, has_request_context, request, request_finished
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
#: In ``session.info``: this transaction flushed outbox rows.
_WROTE_OUTBOX = "knowledge_search_wrote_outbox"
#: On ``g``: a transaction of this request committed outbox rows.
_COMMITTED_OUTBOX = "knowledge_search_committed_outbox"


def apply_now(app: Flask, *, wait: float = RUN_WAIT_SECONDS, limit: int | None = None) -> None:
    """Apply pending outbox rows to an index that is usable (never builds one: the worker does);
    never raises, because it runs where nobody could act on it."""
    try:
        indexer.apply_pending(database(app), search_index(app), wait=wait, limit=limit, build=False)
    except IndexBusy:
        log.info("search index busy: outbox rows stay pending for the next run")
    except SearchUnavailable:
        log.error("search index unusable: the worker rebuilds it", exc_info=True)
    except Exception:
        log.exception("applying the search outbox failed: rows stay pending for the next run")


def apply_after_commits(app: Flask) -> None:
    """Apply the outbox rows each of ``app``'s sessions commits (after the response in requests)."""
    sessions = database(app).sessionmaker

    @event.listens_for(sessions, "after_flush")
    def _note_outbox(session: Session, _flush: UOWTransaction) -> None:
        if any(isinstance(instance, SearchOutbox) for instance in session.new):
            session.info[_WROTE_OUTBOX] = True

    @event.listens_for(sessions, "after_commit")
    def _apply_after_commit(session: Session) -> None:
        if not session.info.pop(_WROTE_OUTBOX, False):
            return
        if has_request_context():
            setattr(g, _COMMITTED_OUTBOX, True)  # applied once the response is sent
        else:
            apply_now(app)

    @event.listens_for(sessions, "after_rollback")
    def _forget_outbox(session: Session) -> None:
        session.info.pop(_WROTE_OUTBOX, None)

    request_finished.connect(_apply_after_response, app)


def _apply_after_response(app: Flask, response: Response, **_extra: Any) -> None:
    if g.pop(_COMMITTED_OUTBOX, False) and response.status_code < 400:
        response.call_on_close(lambda: apply_now(app, limit=RESPONSE_RUN_LIMIT))
    elif request.endpoint in CATCH_UP_ENDPOINTS:
        # A writer that found the index busy left its rows pending; the next search applies them,
        # so a change never waits for another write (or for the watcher) to become searchable.
        response.call_on_close(lambda: apply_now(app, wait=0.0, limit=RESPONSE_RUN_LIMIT))
