"""Export of 100k survey responses to CSV and XLSX: time and peak memory, beside a reference.

The reference dumps the same answers as raw rows (one per answer, no reshaping, no labels, no
neutralising) with the csv module from one streamed query: the floor any export has to pay.
Each export runs in a fresh process so that its peak resident memory is its own. Run:

    .venv/bin/python bench/export.py --responses 100000
    .venv/bin/python bench/export.py --responses 100000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_surveys
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH = 5000
COMMENTS = [
    "Great support from the field unit.",
    '=HYPERLINK("http://evil.example","click")',
    "+33 1 23 45 67 89",
    "Plus de formation avant le départ serait utile.",
    "希望能有更多交流机会。",
]


def _app(database_url: str, workdir: Path) -> Any:
    from portal import create_app

    return create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(workdir)}
    )


def generate(database_url: str, workdir: Path, count: int) -> int:
    """A fresh schema with one closed exit campaign of `count` responses; returns its id."""
    from sqlalchemy import insert

    from portal.db import Base, database, import_models
    from surveys import campaigns
    from surveys.answering import answer_rows
    from surveys.demo import demo_answers
    from surveys.models import Answer, Invitation, Response
    from surveys.rosters import RosterEntry

    app = _app(database_url, workdir)
    import_models()
    engine = database(app).engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    rng = random.Random(7)  # noqa: S311 - reproducible benchmark data
    with database(app).transaction() as session:
        campaign = campaigns.create_campaign(session, None, "volunteer_exit", 2025)
        campaigns.open_campaign(session, None, campaign.id)
        campaign_id, version_id = campaign.id, campaign.definition_version_id
        definition = campaigns.campaign_definition(campaign)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    volunteer = RosterEntry(line=1, email="x@bench.example", modality="onsite")
    for first in range(1, count + 1, BATCH):
        ids = range(first, min(first + BATCH, count + 1))
        invitations, responses, answers = [], [], []
        for number in ids:
            when = start + timedelta(minutes=number * 3)
            invitations.append(
                {
                    "id": number,
                    "campaign_id": campaign_id,
                    "source": "import",
                    "used_at": when,
                    "current_page": 0,
                    "reminder_count": 0,
                }
            )
            responses.append(
                {
                    "id": number,
                    "invitation_id": number,
                    "campaign_id": campaign_id,
                    "definition_version_id": version_id,
                    "submitted_at": when,
                    "reporting_year": 2025,
                    "gender": rng.choice(("female", "male")),
                    "category": "national",
                    "modality": "onsite",
                    "age_band": "18_29",
                    "youth": rng.random() < 0.3,
                    "global_south": True,
                    "africa": rng.random() < 0.4,
                    "refugee": False,
                }
            )
            given = demo_answers(definition, rng, volunteer)
            if rng.random() < 0.3:
                given["comments"] = rng.choice(COMMENTS)
            answers += answer_rows(definition, number, campaign_id, given)
        with database(app).transaction() as session:
            session.execute(insert(Invitation), invitations)
            session.execute(insert(Response), responses)
            session.execute(insert(Answer), answers)
    with database(app).transaction() as session:
        campaigns.close_campaign(session, None, campaign_id)
    engine.dispose()
    return campaign_id


def measure(fmt: str, database_url: str, workdir: Path, campaign_id: int, out: Path) -> None:
    """Run one export in this process and print its figures as JSON."""
    from sqlalchemy import select

    from portal.db import database
    from surveys import exports
    from surveys.models import Answer

    app = _app(database_url, workdir)
    baseline = _reset_peak_rss()
    started = time.perf_counter()
    with app.app_context(), out.open("wb") as handle:
        if fmt == "csv":
            exports.export_csv(database(app).transaction, campaign_id, "en", handle)
        elif fmt == "xlsx":
            exports.export_xlsx(database(app).transaction, campaign_id, "en", handle)
        else:
            _reference(database(app), select, Answer, campaign_id, handle)
    seconds = time.perf_counter() - started
    peak = _status_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak / 1024,
                "baseline_mb": baseline / 1024,
                "size_mb": out.stat().st_size / 1e6,
            }
        )
    )


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss() -> int:
    """Start the peak-RSS count afresh (Linux: "5" to clear_refs), so that the peak measured is
    the export's own; returns the resident memory (kB) before it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return _status_kb("VmRSS") or 0


def _reference(db: Any, select: Any, answer: Any, campaign_id: int, handle: Any) -> None:
    import io

    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    writer = csv.writer(text)
    query = (
        select(
            answer.response_id,
            answer.question_key,
            answer.value_code,
            answer.value_text,
            answer.value_number,
        )
        .where(answer.campaign_id == campaign_id)
        .order_by(answer.response_id)
        .execution_options(yield_per=BATCH)
    )
    with db.transaction() as session:
        for row in session.execute(query):
            writer.writerow(row)
    text.flush()
    text.detach()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--measure", choices=["csv", "xlsx", "reference"], help=argparse.SUPPRESS)
    parser.add_argument("--campaign", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        out = args.workdir / f"export.{args.measure}"
        measure(args.measure, args.database_url, args.workdir, args.campaign, out)
        return
    workdir = Path(tempfile.mkdtemp(prefix="bench-export-"))
    url = args.database_url or f"sqlite:///{workdir}/portal.db"
    started = time.perf_counter()
    campaign_id = generate(url, workdir, args.responses)
    print(
        f"generated {args.responses} responses on {url.split('@')[-1]} "
        f"in {time.perf_counter() - started:.0f} s"
    )
    for fmt in ("reference", "csv", "xlsx"):
        command = [
            sys.executable,
            __file__,
            "--measure",
            fmt,
            "--database-url",
            url,
            "--campaign",
            str(campaign_id),
            "--workdir",
            str(workdir),
        ]
        figures = json.loads(
            subprocess.run(command, check=True, capture_output=True, text=True)
            .stdout.strip()
            .splitlines()[-1]
        )
        print(
            f"{fmt:>9}: {figures['seconds']:6.1f} s, peak RSS {figures['peak_mb']:6.0f} MB "
            f"during the export ({figures['baseline_mb']:.0f} MB before it), "
            f"file {figures['size_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
