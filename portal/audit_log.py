"""Reading the audit trail: filtered pages for administrators and the recorded, formula-safe CSV
export; details pass through the log redaction, so no address, link or token is shown."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from portal.audit import record
from portal.formulas import safe_cell
from portal.logs import redact
from portal.models import AuditEvent, User
from portal.paging import Page, paginate

PER_PAGE = 50
EXPORT_BATCH = 2000
CSV_COLUMNS = ("id", "at_utc", "actor_id", "action", "object_type", "object_id", "details")
# Keys whose values are never shown, whatever an action put there (the trail should hold none).
_WITHHELD_KEY = re.compile("password|secret|hash|email|link|url", re.IGNORECASE)
WITHHELD = "[withheld]"

Transaction = Callable[[], AbstractContextManager[Session]]
# A spreadsheet runs a cell starting with one of these as a formula (tab and CR: as DDE), leading
# blanks looked through. (The results exports apply the same rule; the core cannot import them.)


@dataclass(frozen=True)
class AuditFilters:
    """None: no filter. `no_actor` keeps only what no signed-in person did (command line,
    worker, visitors); `until` is the last day included. Days are UTC days."""

    actor_id: int | None = None
    no_actor: bool = False
    action: str | None = None
    object_type: str | None = None
    object_id: int | None = None
    since: date | None = None
    until: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _filtered(query: Select[Any], filters: AuditFilters) -> Select[Any]:
    if filters.no_actor:
        query = query.where(AuditEvent.actor_id.is_(None))
    elif filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id is not None:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.since:
        query = query.where(AuditEvent.at >= _start_of(filters.since))
    if filters.until:
        query = query.where(AuditEvent.at < _start_of(filters.until + timedelta(days=1)))
    return query


def find_events(
    session: Session, filters: AuditFilters, page: int = 1, per_page: int = PER_PAGE
) -> tuple[Page[AuditEvent], dict[int, User]]:
    """One page of matching events, newest first, and the accounts that acted in them."""
    query = _filtered(select(AuditEvent), filters).order_by(AuditEvent.id.desc())
    found = paginate(session, query, page, per_page)
    ids = {event.actor_id for event in found.items if event.actor_id is not None}
    actors = {user.id: user for user in session.scalars(select(User).where(User.id.in_(ids)))}
    return found, actors


def known_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def known_object_types(session: Session) -> list[str]:
    query = select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)
    return list(session.scalars(query))


def shown_details(details: dict[str, Any] | None) -> dict[str, str]:
    """An event's details as text, with anything that could be personal or secret withheld."""
    shown = {}
    for key, value in sorted((details or {}).items()):
        if _WITHHELD_KEY.search(key):
            shown[key] = WITHHELD
        elif value is None or isinstance(value, bool | int | float):
            shown[key] = json.dumps(value)  # nothing to redact in a number
        else:
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            shown[key] = redact(text)
    return shown


@dataclass(frozen=True)
class AuditExport:
    """A recorded export: its filters and the last event it covers (later ones are left out)."""

    filters: AuditFilters
    up_to: int
    rows: int


def export_audit_log(session: Session, actor: User | None, filters: AuditFilters) -> AuditExport:
    """The action: record who exported which part of the trail, and fix what the file holds."""
    bounds = _filtered(select(func.count(), func.max(AuditEvent.id)), filters)  # type: ignore[arg-type]
    count, last = session.execute(bounds).one()
    criteria = {key: _plain(value) for key, value in asdict(filters).items() if value}
    record(session, actor, "portal.audit_log_exported", "audit_event", rows=count, filters=criteria)
    session.flush()
    return AuditExport(filters, int(last or 0), int(count))


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


_COLUMNS = (
    AuditEvent.id,
    AuditEvent.at,
    AuditEvent.actor_id,
    AuditEvent.action,
    AuditEvent.object_type,
    AuditEvent.object_id,
    AuditEvent.details,
)


def csv_row(row: Sequence[Any]) -> list[Any]:
    """One event's cells from its columns (in CSV_COLUMNS order), formula-safe."""
    event_id, at, actor_id, action, object_type, object_id, details = row
    shown = json.dumps(shown_details(details), ensure_ascii=False, sort_keys=True)
    at_utc = at.astimezone(UTC).isoformat(timespec="seconds")
    cells = [event_id, at_utc, actor_id, action, object_type, object_id, shown]
    return [safe_cell(cell) for cell in cells]


def iter_csv(transaction: Transaction, export: AuditExport) -> Iterator[str]:
    """The export's CSV text, oldest event first, read in batches of short transactions.

    Identities appear as account numbers only: the file travels further than the page does.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    after = 0
    while True:
        with transaction() as session:
            query = _filtered(select(*_COLUMNS), export.filters).where(
                AuditEvent.id > after, AuditEvent.id <= export.up_to
            )
            batch = session.execute(query.order_by(AuditEvent.id).limit(EXPORT_BATCH)).all()
            writer.writerows(csv_row(row) for row in batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(batch) < EXPORT_BATCH:
            return
        after = batch[-1][0]
