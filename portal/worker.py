"""The worker: delivers due outbox mail at least once, with back-off, over plain Database objects.

One round (`deliver_due`) claims a batch of due items with a lease and commits the claim, sends
them over one SMTP connection outside any transaction, then records each outcome. A worker that
stops between sending and recording leaves its items claimed; once the lease ends another round
takes them again, so such an item may be sent twice, never more for one stop. On PostgreSQL the
claim skips rows other workers hold (SKIP LOCKED); on SQLite one writer claims at a time.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from portal import background, schedule
from portal.db import Database, database, utcnow
from portal.mail import Mail, Mailer, Outcome, mailer_for
from portal.markers import N_
from portal.models import OutboxMessage

log = logging.getLogger(__name__)

BATCH = 50
LEASE = timedelta(minutes=10)  # longer than a batch can take: 50 messages at 30 s at most each
FIRST_DELAY = timedelta(minutes=1)
LONGEST_DELAY = timedelta(hours=1)
MAX_ATTEMPTS = 24  # about a day of temporary refusals, then the item fails visibly
KEEP_SENT = timedelta(days=30)


@dataclass
class Counts:
    """What one round did: delivered, deferred after a temporary failure, failed for good."""

    sent: int = 0
    deferred: int = 0
    failed: int = 0

    @property
    def claimed(self) -> int:
        return self.sent + self.deferred + self.failed

    def add(self, other: Counts) -> None:
        self.sent += other.sent
        self.deferred += other.deferred
        self.failed += other.failed


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 1 min, 2, 4, ... capped at an hour."""
    delay: timedelta = FIRST_DELAY * 2 ** max(min(attempts, 20) - 1, 0)
    return min(delay, LONGEST_DELAY)


@dataclass(frozen=True)
class Claim:
    """Items one round holds under its lease: their ids and messages, in the same order."""

    token: str
    ids: list[int]
    mails: list[Mail]


def claim(database: Database, now: datetime, *, limit: int = BATCH) -> Claim:
    """Take up to `limit` due items (queued and due, or claimed under a lease that has ended)."""
    token = uuid.uuid4().hex
    due = or_(
        and_(OutboxMessage.state == "queued", OutboxMessage.due_at <= now),
        and_(OutboxMessage.state == "sending", OutboxMessage.claimed_until <= now),
    )
    with database.transaction() as session:
        query = select(OutboxMessage).where(due).order_by(OutboxMessage.due_at, OutboxMessage.id)
        if database.backend == "postgresql":
            query = query.with_for_update(skip_locked=True)
        items = list(session.scalars(query.limit(limit)))
        for item in items:
            item.state = "sending"
            item.claim_token = token
            item.claimed_until = now + LEASE
            item.attempts += 1
        return Claim(
            token,
            [item.id for item in items],
            [Mail(item.recipient, item.subject, item.body_text, item.body_html) for item in items],
        )


def record(database: Database, claimed: Claim, outcomes: list[Outcome], now: datetime) -> Counts:
    """Store each outcome, for items this claim still holds (another may have taken over)."""
    counts = Counts()
    with database.transaction() as session:
        for item_id, outcome in zip(claimed.ids, outcomes, strict=True):
            item = session.get(OutboxMessage, item_id)
            if item is None or item.claim_token != claimed.token or item.state != "sending":
                continue
            item.claim_token = None
            item.claimed_until = None
            if outcome.sent:
                item.state = "sent"
                item.sent_at = now
                item.last_error = None
                item.body_text = ""  # it held single-use links; nothing needs them any more
                item.body_html = None
                counts.sent += 1
            elif outcome.permanent or item.attempts >= MAX_ATTEMPTS:
                item.state = "failed"
                item.last_error = outcome.error
                counts.failed += 1
            else:
                item.state = "queued"
                item.due_at = now + backoff(item.attempts)
                item.last_error = outcome.error
                counts.deferred += 1
    return counts


def deliver_due(database: Database, mailer: Mailer, now: datetime | None = None) -> Counts:
    """One round: claim what is due at `now`, send it over one connection, record the outcomes."""
    now = now or utcnow()
    claimed = claim(database, now)
    if not claimed.ids:
        return Counts()
    counts = record(database, claimed, mailer.deliver(claimed.mails), now)
    # Counts only: the log never names a recipient or quotes a message.
    log.info("outbox: %d sent, %d deferred, %d failed", counts.sent, counts.deferred, counts.failed)
    return counts


def deliver_all_due(database: Database, mailer: Mailer, now: datetime | None = None) -> Counts:
    """Rounds until nothing more is due at `now` (`portal worker --once`)."""
    now = now or utcnow()
    total = Counts()
    while True:
        counts = deliver_due(database, mailer, now)
        total.add(counts)
        if counts.claimed < BATCH:
            return total


def forget_sent_job(session: Session, now: datetime) -> str:
    """The daily job: delete delivered items older than KEEP_SENT."""
    result = session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.state == "sent", OutboxMessage.sent_at < now - KEEP_SENT
        )
    )
    return f"{int(getattr(result, 'rowcount', 0) or 0)} delivered mail(s) forgotten"


def init_app(app: Flask) -> None:
    """The worker's core tasks: deliver due mail, then run the scheduled jobs that are due."""
    background.register_task(
        app, "mail", lambda app: deliver_all_due(database(app), mailer_for(app.config)).claimed
    )
    schedule.register_job(
        app,
        "mail.forget_sent",
        timedelta(days=1),
        forget_sent_job,
        N_("Forget delivered mail after 30 days"),
    )
    background.register_task(app, "schedule", schedule.run_due_jobs)
