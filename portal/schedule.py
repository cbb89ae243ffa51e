"""Recurring jobs without cron: each is due every so often, and exactly one worker runs each time.

Features register jobs (`register_job`). The scheduler is one of the worker's tasks: for each due
job it claims the occurrence with one conditional UPDATE (`next_run_at` moved forward only where it
still holds the value read), which succeeds for one worker among any number, on SQLite and
PostgreSQL alike; then it runs the job in its own transaction and records the outcome. A job that
fails is recorded as failed (health shows it) and runs again at its next occurrence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from portal.db import Database, database, utcnow
from portal.models import ScheduledJob

log = logging.getLogger(__name__)

#: A job's run: the session of its transaction and the time it was due; returns a one-line outcome
#: (counts only, no personal data).
JobRun = Callable[[Session, datetime], str]
_JOBS = "portal_scheduled_jobs"


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: JobRun
    title: str  # an English message id (N_), shown to staff translated


def register_job(app: Flask, name: str, every: timedelta, run: JobRun, title: str) -> None:
    """Run `run` every `every` (the first time on the worker's first round)."""
    jobs: dict[str, Job] = app.extensions.setdefault(_JOBS, {})
    if name in jobs:
        raise ValueError(f"scheduled job {name} registered twice")
    jobs[name] = Job(name, every, run, title)


def registered_jobs(app: Flask) -> list[Job]:
    jobs: dict[str, Job] = app.extensions.get(_JOBS, {})
    return list(jobs.values())


def run_due_jobs(app: Flask, now: datetime | None = None) -> int:
    """The scheduler task: run every job whose occurrence is due and that no other worker took."""
    now = now or utcnow()
    db = database(app)
    # One read per round; only a job that is due (or new) takes the write lock to be claimed.
    with db.transaction() as session:
        next_runs = dict(session.execute(select(ScheduledJob.name, ScheduledJob.next_run_at)).all())
    ran = 0
    for job in registered_jobs(app):
        due = next_runs.get(job.name)
        if (due is None or due <= now) and _claim(db, job, now):
            _run(db, job, now)
            ran += 1
    return ran


def _claim(db: Database, job: Job, now: datetime) -> bool:
    with db.transaction() as session:
        insert = pg_insert if db.backend == "postgresql" else sqlite_insert
        session.execute(
            insert(ScheduledJob)
            .values(name=job.name, next_run_at=now, last_failed=False)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        due = session.scalar(select(ScheduledJob.next_run_at).where(ScheduledJob.name == job.name))
        if due is None or due > now:
            return False
        claimed = session.execute(
            update(ScheduledJob)
            .where(ScheduledJob.name == job.name, ScheduledJob.next_run_at == due)
            .values(next_run_at=now + job.every, last_started_at=now)
        )
        return bool(getattr(claimed, "rowcount", 0))


def _run(db: Database, job: Job, now: datetime) -> None:
    try:
        with db.transaction() as session:
            outcome, failed = job.run(session, now), False
    except Exception as error:
        log.exception("scheduled job %s failed; it runs again at its next occurrence", job.name)
        outcome, failed = f"{type(error).__name__}", True
    with db.transaction() as session:
        session.execute(
            update(ScheduledJob)
            .where(ScheduledJob.name == job.name)
            .values(last_finished_at=utcnow(), last_outcome=outcome[:300], last_failed=failed)
        )
    log.info("scheduled job %s: %s", job.name, outcome)


def job_states(app: Flask, session: Session) -> list[tuple[Job, ScheduledJob | None]]:
    """Each registered job with its stored state (None before its first run), for staff."""
    stored = {row.name: row for row in session.scalars(select(ScheduledJob))}
    return [(job, stored.get(job.name)) for job in registered_jobs(app)]


def failed_jobs(session: Session) -> list[str]:
    """Names of jobs whose last run failed."""
    return list(
        session.scalars(select(ScheduledJob.name).where(ScheduledJob.last_failed.is_(True)))
    )
