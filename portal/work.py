"""The staff home's pending work: each part of the portal registers a count with the page where
that work is done, and the permission that shows it (as the health checks and navigation do)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import Flask, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import AccountRequest, OutboxMessage

#: "This week": today and the six days after it, whatever weekday today is.
WEEK = timedelta(days=7)

Count = Callable[[Session, date], int]
_COUNTS = "portal_work_counts"


@dataclass(frozen=True)
class WorkCount:
    key: str
    label: Any  # a lazy_gettext string
    endpoint: str
    visible: Callable[[Any], bool]
    count: Count
    order: int
    url_values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PendingWork:
    key: str
    label: str
    url: str
    count: int


def register_count(
    app: Flask,
    key: str,
    label: Any,
    endpoint: str,
    visible: Callable[[Any], bool],
    count: Count,
    order: int,
    **url_values: str,
) -> None:
    """Add a count of pending work, shown to users for whom `visible(user)` holds, linking to
    `endpoint` (with `url_values`, such as a filter) where the work is done."""
    entry = WorkCount(
        key, label, endpoint, visible, count, order, tuple(sorted(url_values.items()))
    )
    app.extensions.setdefault(_COUNTS, []).append(entry)


def pending_work(app: Flask, session: Session, user: Any, today: date) -> list[PendingWork]:
    """The counts this user may see, in their registered order."""
    entries = sorted(app.extensions.get(_COUNTS, []), key=lambda entry: entry.order)
    return [
        PendingWork(
            entry.key,
            str(entry.label),
            url_for(entry.endpoint, **dict(entry.url_values)),
            entry.count(session, today),
        )
        for entry in entries
        if entry.visible(user)
    ]


def pending_account_requests(session: Session, _today: date) -> int:
    query = select(func.count()).where(AccountRequest.state == "pending")
    return int(session.scalar(query) or 0)


def failed_mails(session: Session, _today: date) -> int:
    query = select(func.count()).where(OutboxMessage.state == "failed")
    return int(session.scalar(query) or 0)
