"""The administrators' audit log over a large trail: a filtered page and the CSV export, beside a
reference.

The trail has `--events` rows spread over many actors, actions and objects. Each filtered page
(by actor, by action, by object, by a week, all) is timed as the page's service reads it (count plus
the page's rows and actors), with the indexes of migration 0009 and again without them (the
reference: the same queries on the table as it was before). The export is timed against a plain
dump of the same rows with the csv module (no redaction, no formula neutralising). Run:

    .venv/bin/python bench/audit_log.py --events 300000
    .venv/bin/python bench/audit_log.py --events 300000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_audit
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ACTIONS = [f"feature{n}.thing_{kind}" for n in range(8) for kind in ("created", "changed", "gone")]
OBJECT_TYPES = ["user", "knowledge_product", "survey_campaign", "organisation", "outbox_message"]
INDEXES = ("ix_audit_event_actor_id", "ix_audit_event_action", "ix_audit_event_object")
START = datetime(2026, 1, 1, tzinfo=UTC)
BATCH = 10_000


def _app(database_url: str, workdir: Path) -> Any:
    from portal import create_app

    return create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(workdir)}
    )


def generate(app: Any, count: int) -> None:
    from sqlalchemy import insert

    from portal.db import Base, database, import_models
    from portal.models import AuditEvent, User

    import_models()
    engine = database(app).engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    rng = random.Random(15)
    with database(app).transaction() as session:
        session.execute(
            insert(User),
            [{"email": f"person{n}@bench.example", "role": "staff"} for n in range(1, 201)],
        )
    for first in range(0, count, BATCH):
        rows = [
            {
                "at": START + timedelta(seconds=30 * (first + n)),
                "actor_id": rng.choice([None, *range(1, 201)]),
                "action": rng.choice(ACTIONS),
                "object_type": rng.choice(OBJECT_TYPES),
                "object_id": rng.randint(1, 20_000),
                "details": {"count": n, "note": "=SUM(A1)" if n % 50 == 0 else "ok"},
            }
            for n in range(min(BATCH, count - first))
        ]
        with database(app).transaction() as session:
            session.execute(insert(AuditEvent), rows)


def filters_to_time() -> dict[str, Any]:
    from portal.audit_log import AuditFilters

    week = START.date() + timedelta(days=30)
    return {
        "everything": AuditFilters(),
        "one actor": AuditFilters(actor_id=17),
        "one action": AuditFilters(action=ACTIONS[5]),
        "one object": AuditFilters(object_type="user", object_id=4242),
        "one week": AuditFilters(since=week, until=week + timedelta(days=6)),
    }


def best_of(runs: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return min(times)


def time_pages(app: Any) -> dict[str, float]:
    from portal.audit_log import find_events
    from portal.db import database

    results = {}
    for name, filters in filters_to_time().items():
        with database(app).transaction() as session:
            # The last page: the deepest OFFSET an administrator can ask for.
            pages = find_events(session, filters)[0].pages
            results[name] = best_of(3, lambda f=filters, p=pages: find_events(session, f, p))
    return results


def drop_indexes(app: Any) -> None:
    from sqlalchemy import text

    from portal.db import database

    with database(app).engine.begin() as connection:
        for name in INDEXES:
            connection.execute(text(f"DROP INDEX {name}"))


def time_export(app: Any) -> tuple[float, float, int]:
    from sqlalchemy import select

    from portal.audit_log import AuditFilters, export_audit_log, iter_csv
    from portal.db import database
    from portal.models import AuditEvent

    with database(app).transaction() as session:
        export = export_audit_log(session, None, AuditFilters())
    began = time.perf_counter()
    size = sum(len(chunk) for chunk in iter_csv(database(app).transaction, export))
    ours = time.perf_counter() - began

    began = time.perf_counter()
    out = io.StringIO()
    writer = csv.writer(out)
    with database(app).engine.connect() as connection:
        query = select(AuditEvent.__table__).order_by(AuditEvent.id)
        for row in connection.execution_options(yield_per=BATCH).execute(query):
            writer.writerow(row)
    reference = time.perf_counter() - began
    return ours, reference, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        app = _app(url, Path(tmp))
        began = time.perf_counter()
        generate(app, args.events)
        took = time.perf_counter() - began
        print(f"{args.events} events generated in {took:.1f} s ({url.split(':')[0]})")
        with app.test_request_context():
            indexed = time_pages(app)
            ours, reference, size = time_export(app)
            drop_indexes(app)
            plain = time_pages(app)
        print(f"{'last page of':<14} {'indexed (0009)':>15} {'no index (ref.)':>16}")
        for name in indexed:
            print(f"{name:<14} {indexed[name] * 1000:>12.1f} ms {plain[name] * 1000:>13.1f} ms")
        print(
            f"export of {args.events} events: {ours:.2f} s ({args.events / ours:,.0f} rows/s, "
            f"{size / 1e6:.1f} MB); reference csv dump: {reference:.2f} s "
            f"({args.events / reference:,.0f} rows/s)"
        )


if __name__ == "__main__":
    main()
