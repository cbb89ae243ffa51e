"""`surveys import-responses` of exit-questionnaire rows, beside the reference of inserting the
same invitations, responses and answers as pre-built rows (the floor of the database itself).

Run (SQLite in a temporary directory, or PostgreSQL with --database-url):

    .venv/bin/python bench/import_responses.py --rows 20000 100000
    .venv/bin/python bench/import_responses.py --rows 20000 100000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_import
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from portal import create_app  # noqa: E402
from portal.db import Base, database, import_models  # noqa: E402
from surveys import campaigns  # noqa: E402
from surveys.answering import answer_rows  # noqa: E402
from surveys.models import Answer, Invitation, Response  # noqa: E402

COLUMNS = ["email", "gender", "age", "nationality", "submitted_at", "satisfied_experience",
           "development_contribution", "skills_gained", "recommend_volunteering",
           "comments"]  # fmt: skip
ANSWERS = {
    "satisfied_experience": ("fully_agree", "somewhat_agree"),
    "development_contribution": ("fully_agree", "somewhat_agree", "dont_know"),
    "skills_gained": ("technical", "digital; technical"),
    "recommend_volunteering": ("yes_probably", "yes_definitely", "probably_not"),
}


def _csv(path: Path, rows: int, rng: random.Random) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(rows):
            writer.writerow(
                [f"v{n}@bench.example", rng.choice(("female", "male")), str(rng.randint(18, 70)),
                 rng.choice(("KEN", "ECU", "FRA", "IND")), f"2025-03-{rng.randint(1, 28):02d}",
                 *(rng.choice(choices) for choices in ANSWERS.values()),
                 rng.choice(("", "", "Good mentoring."))]
            )  # fmt: skip


def _fresh(app: object) -> int:
    engine = database(app).engine  # type: ignore[arg-type]
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with database(app).transaction() as session:  # type: ignore[arg-type]
        campaign = campaigns.create_campaign(session, None, "volunteer_exit", 2025)
        campaigns.open_campaign(session, None, campaign.id)
        return campaign.id


def _reference(app: object, campaign_id: int, rows: int, rng: random.Random) -> float:
    """The same rows inserted as pre-built dictionaries, 5,000 responses a batch."""
    with database(app).transaction() as session:  # type: ignore[arg-type]
        campaign = campaigns.get_campaign(session, campaign_id)
        definition = campaigns.campaign_definition(campaign)
        version = campaign.definition_version_id
    when = datetime(2025, 3, 4, 12, tzinfo=UTC)
    started = time.perf_counter()
    with database(app).transaction() as session:  # type: ignore[arg-type]
        for first in range(1, rows + 1, 5000):
            ids = range(first, min(first + 5000, rows + 1))
            session.execute(insert(Invitation), [
                {"id": n, "campaign_id": campaign_id, "source": "import", "used_at": when,
                 "contact_email": f"v{n}@bench.example", "gender": "female", "age": 30,
                 "nationality": "KEN", "current_page": 0, "reminder_count": 0}
                for n in ids])  # fmt: skip
            session.execute(insert(Response), [
                {"id": n, "invitation_id": n, "campaign_id": campaign_id,
                 "definition_version_id": version, "submitted_at": when, "reporting_year": 2025,
                 "gender": "female", "age_band": "30_39", "youth": False, "global_south": True,
                 "africa": True} for n in ids])  # fmt: skip
            answers = []
            for n in ids:
                given = {key: rng.choice(choices).split("; ") if key == "skills_gained"
                         else rng.choice(choices) for key, choices in ANSWERS.items()}  # fmt: skip
                answers += answer_rows(definition, n, campaign_id, given)
            session.execute(insert(Answer), answers)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[20000])
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    tmp = Path(tempfile.mkdtemp(prefix="bench-responses-"))
    url = args.database_url or f"sqlite:///{tmp / 'portal.db'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(tmp),
                      "PORTAL_DATA_DIR": str(tmp / "data")})  # fmt: skip
    import_models()
    print(f"surveys import-responses ({database(app).backend}), "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    for rows in args.rows:
        rng = random.Random(7)  # noqa: S311 - reproducible benchmark data
        path = tmp / f"responses-{rows}.csv"
        _csv(path, rows, rng)
        campaign_id = _fresh(app)
        started, cpu = time.perf_counter(), time.process_time()
        result = app.test_cli_runner().invoke(
            args=["surveys", "import-responses", str(campaign_id), str(path)]
        )
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        with database(app).transaction() as session:
            stored = session.scalar(select(func.count()).select_from(Response))
        if result.exit_code != 0 or stored != rows:
            print(f"{rows:>8} rows: import failed ({stored} stored): {result.output[:300]}")
        else:
            print(f"{rows:>8} rows: import {took:7.1f} s  {rows / took:8.0f} rows/s"
                  f"  ({cpu:.1f} s CPU)")  # fmt: skip
        campaign_id = _fresh(app)
        floor = _reference(app, campaign_id, rows, rng)
        print(
            f"{rows:>8} rows: reference (pre-built rows) {floor:7.1f} s  {rows / floor:8.0f} rows/s"
        )


if __name__ == "__main__":
    main()
