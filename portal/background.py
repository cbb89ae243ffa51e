"""Background work: the tasks the worker runs each round, the loop that runs them, and heartbeats.

The core and each feature register tasks (`register_task`): a task takes the app and does one
round of its work (deliver due mail, apply search updates, read uploaded files' text, run the
scheduled jobs that are due), returning how many items it handled. A task that fails is logged and
tried again next round; it never stops the others. After every round the worker writes its node's
heartbeat, which `/api/v1/health` reads.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import database, utcnow
from portal.models import WorkerHeartbeat

log = logging.getLogger(__name__)

Task = Callable[[Flask], int]
_TASKS = "portal_worker_tasks"
#: A worker whose last heartbeat is older than this is reported as stopped.
HEARTBEAT_STALE = timedelta(minutes=2)
#: Set by `portal serve` for the worker it starts: the server's pid. The worker stops when its
#: parent is no longer that process (the server was killed), instead of running on as an orphan.
PARENT_ENV = "PORTAL_WORKER_PARENT"


def register_task(app: Flask, name: str, task: Task) -> None:
    """Add a task to the worker's rounds (run in registration order, each in an app context)."""
    tasks: dict[str, Task] = app.extensions.setdefault(_TASKS, {})
    if name in tasks:
        raise ValueError(f"worker task {name} registered twice")
    tasks[name] = task


def registered_tasks(app: Flask) -> dict[str, Task]:
    tasks: dict[str, Task] = app.extensions.get(_TASKS, {})
    return dict(tasks)


def run_round(app: Flask, *, skip: frozenset[str] | set[str] = frozenset()) -> dict[str, int]:
    """Run every task once (but those in `skip`); a failing task counts -1 and leaves its work for
    the next round."""
    done: dict[str, int] = {}
    for name, task in registered_tasks(app).items():
        if name in skip:
            continue
        try:
            with app.app_context():
                done[name] = task(app)
        except Exception:
            # A database or mail server that is briefly away must not end the worker.
            log.exception("worker task %s failed; it runs again next round", name)
            done[name] = -1
    return done


def run(app: Flask, stop: threading.Event, *, interval: float = 5.0) -> None:
    """Run rounds until `stop` is set; wait `interval` seconds after a round that found nothing."""
    started = utcnow()
    log.info("worker started on node %s", app.config["PORTAL_NODE"])
    parent = os.environ.get(PARENT_ENV)
    while not stop.is_set():
        if parent and str(os.getppid()) != parent:
            log.error("the server that started this worker is gone; stopping")
            break
        done = run_round(app)
        try:
            beat(app, started)
        except Exception:
            log.exception("worker heartbeat could not be written")
        if not any(count > 0 for count in done.values()):
            stop.wait(interval)
    log.info("worker stopped")


def beat(app: Flask, started: datetime, now: datetime | None = None) -> None:
    """Record that this node's worker is alive (one row per node, overwritten)."""
    node = app.config["PORTAL_NODE"]
    with database(app).transaction() as session:
        row = session.get(WorkerHeartbeat, node)
        if row is None:
            row = WorkerHeartbeat(node=node)
            session.add(row)
        row.pid = os.getpid()
        row.started_at = started
        row.beat_at = now or utcnow()


@dataclass(frozen=True)
class WorkerState:
    """What health says of one node's worker."""

    node: str
    beat_at: datetime
    alive: bool


def worker_states(session: Session, now: datetime) -> list[WorkerState]:
    """Every node's worker with its last heartbeat, newest first."""
    rows = session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.beat_at.desc()))
    return [
        WorkerState(row.node, row.beat_at, now - row.beat_at <= HEARTBEAT_STALE) for row in rows
    ]
