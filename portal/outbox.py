"""The mail outbox as staff see it: items waiting or failed, and the retry action (page and CLI)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.db import utcnow
from portal.errors import InputError, NotFound
from portal.markers import N_
from portal.models import OutboxMessage, User

OBJECT_TYPE = "outbox_message"
WAITING = ("queued", "sending")


def waiting_or_failed(session: Session, *, failed_only: bool = False) -> list[OutboxMessage]:
    """Items not delivered yet, oldest first: queued, being sent, or failed for good."""
    states = ("failed",) if failed_only else (*WAITING, "failed")
    return list(
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.state.in_(states)).order_by(OutboxMessage.id)
        )
    )


def next_attempt(item: OutboxMessage) -> datetime | None:
    """When the worker will try the item next (None: failed, it waits for a retry)."""
    if item.state == "queued":
        return item.due_at
    if item.state == "sending":
        return item.claimed_until  # if the worker holding it stops, the lease ends then
    return None


def retry(
    session: Session,
    actor: User | None,
    ids: Sequence[int] | None,
    *,
    now: datetime | None = None,
) -> list[int]:
    """The action: make deferred or failed items due now (`ids=None`: every one of them).

    An item being sent is left to its worker; an unknown or delivered item is refused by id.
    """
    now = now or utcnow()
    if ids is None:
        query = select(OutboxMessage).where(OutboxMessage.state.in_(("queued", "failed")))
        items = list(session.scalars(query.order_by(OutboxMessage.id)))
    else:
        items = []
        for item_id in dict.fromkeys(ids):
            item = session.get(OutboxMessage, item_id)
            if item is None:
                raise NotFound(f"outbox item {item_id}")
            if item.state not in ("queued", "failed"):
                raise InputError(
                    N_("Outbox item %(id)s is being sent or was sent; it cannot be retried."),
                    id=item_id,
                )
            items.append(item)
    for item in items:
        item.state = "queued"
        item.due_at = now
    session.flush()
    retried = [item.id for item in items]
    audit.record(session, actor, "portal.outbox_retried", OBJECT_TYPE, None, ids=retried)
    return retried
