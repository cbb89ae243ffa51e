"""Usage figures that can be trusted: views and downloads as events, robots and double clicks out.

The rules are COUNTER's (Code of Practice, release 5): a user agent on the COUNTER robots list is
not counted, and the same reader opening the same product (or file) again within 30 seconds is
one click. The reader is known only as a keyed hash of address and browser, with a key that
changes each day, and that hash is cleared once it can no longer serve (after a day).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from importlib.resources import files

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from knowledge.models import KnowledgeProduct, UsageEvent

DOUBLE_CLICK = timedelta(seconds=30)
VISITOR_KEPT = timedelta(days=1)
COUNTERS = {"view": KnowledgeProduct.view_count, "download": KnowledgeProduct.download_count}


@lru_cache(maxsize=1)
def _robots() -> re.Pattern[str]:
    text = files("knowledge").joinpath("counter_robots.txt").read_text(encoding="utf-8")
    patterns = [line for line in text.splitlines()[1:] if line.strip()]  # line 1: the source
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)


def is_robot(user_agent: str | None) -> bool:
    """Whether the user agent is a robot or crawler by the COUNTER list (no agent at all is)."""
    return not user_agent or _robots().search(user_agent) is not None


def visitor(secret: str, address: str | None, user_agent: str, now: datetime) -> str:
    """The reader as a hash that cannot be reversed, nor linked across days."""
    key = hmac.new(secret.encode(), now.date().isoformat().encode(), hashlib.sha256).digest()
    seen = f"{address or ''}\n{user_agent}".encode()
    return hmac.new(key, seen, hashlib.sha256).hexdigest()[:32]


def record(
    session: Session,
    product_id: int,
    kind: str,
    *,
    now: datetime,
    address: str | None,
    user_agent: str | None,
    secret: str,
) -> bool:
    """Count one view or download of a published product; False when it does not count."""
    if is_robot(user_agent):
        return False
    reader = visitor(secret, address, user_agent or "", now)
    clicked = session.scalar(
        select(UsageEvent.id)
        .where(
            UsageEvent.product_id == product_id,
            UsageEvent.kind == kind,
            UsageEvent.visitor == reader,
            UsageEvent.occurred_at > now - DOUBLE_CLICK,
        )
        .limit(1)
    )
    if clicked is not None:
        return False
    session.add(UsageEvent(product_id=product_id, kind=kind, occurred_at=now, visitor=reader))
    counter = COUNTERS[kind]
    session.execute(
        update(KnowledgeProduct)
        .where(KnowledgeProduct.id == product_id)
        .values({counter: counter + 1})
    )
    return True


@dataclass(frozen=True)
class Month:
    month: str  # YYYY-MM
    views: int
    downloads: int


def monthly(session: Session, product_id: int) -> list[Month]:
    """Counted views and downloads per calendar month (UTC), oldest first, months between
    the first and the last with events included at zero."""
    rows = session.execute(
        select(UsageEvent.occurred_at, UsageEvent.kind).where(UsageEvent.product_id == product_id)
    )
    counts: dict[str, dict[str, int]] = {}
    for occurred, kind in rows:
        slot = counts.setdefault(occurred.strftime("%Y-%m"), {"view": 0, "download": 0})
        slot[kind] += 1
    empty = {"view": 0, "download": 0}
    return [
        Month(m, counts.get(m, empty)["view"], counts.get(m, empty)["download"])
        for m in _months(counts)
    ]


def _months(counts: Iterable[str]) -> list[str]:
    present = sorted(counts)
    if not present:
        return []
    year, month = map(int, present[0].split("-"))
    last, months = present[-1], []
    while True:
        months.append(f"{year:04d}-{month:02d}")
        if months[-1] >= last:
            return months
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def forget_visitors(session: Session, now: datetime) -> int:
    """Clear the reader hashes no double click can need any more; the number cleared."""
    result = session.execute(
        update(UsageEvent)
        .where(UsageEvent.visitor.is_not(None), UsageEvent.occurred_at < now - VISITOR_KEPT)
        .values(visitor=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def forget_readers_job(session: Session, now: datetime) -> str:
    """The scheduled job's run: what it cleared, for the operations page."""
    return f"{forget_visitors(session, now)} reader hash(es) cleared"
