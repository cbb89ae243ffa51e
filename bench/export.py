"""Export of survey responses to CSV, XLSX, SPSS and Stata: time and peak memory, beside references.

The CSV's reference ("reference") dumps the same answers as raw rows (one per answer, no
reshaping, no labels, no neutralising) with the csv module from one streamed query: the floor any
export has to pay. The XLSX's reference ("writer") is XlsxWriter alone, with the export's options,
writing the export's rows and codebook built in memory before the clock starts. The SPSS and Stata
files are read back with pyreadstat. Each run is a fresh process so that its peak resident memory
is its own; the sizes are the first N responses of one generated campaign. Run:

    .venv/bin/python bench/export.py --responses 20000 100000
    .venv/bin/python bench/export.py --responses 20000 100000 \
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


def measure(
    fmt: str, database_url: str, workdir: Path, campaign_id: int, up_to: int, out: Path
) -> None:
    """Run one export (or reference) in this process and print its figures as JSON."""
    from portal.db import database
    from surveys import exports

    app = _app(database_url, workdir)
    db = database(app)
    prebuilt = _prebuilt(app, db, campaign_id, up_to) if fmt == "writer" else None
    baseline = _reset_peak_rss()
    cpu, started = time.process_time(), time.perf_counter()
    with app.app_context(), out.open("wb") as handle:
        if fmt == "reference":
            _reference(db, campaign_id, up_to, handle)
        elif prebuilt is not None:
            _writer_alone(*prebuilt, handle)
        else:
            exports.write_identifiable(db.transaction, campaign_id, fmt, "en", handle, up_to)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _status_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures = {
        "seconds": seconds,
        "cpu": cpu,
        "peak_mb": peak / 1024,
        "baseline_mb": baseline / 1024,
        "size_mb": out.stat().st_size / 1e6,
    }
    if fmt in ("sav", "dta"):
        figures["check"] = _read_back(fmt, out)
    print(json.dumps(figures))


def _prebuilt(app: Any, db: Any, campaign_id: int, up_to: int) -> tuple[list[Any], list[Any]]:
    """The XLSX export's rows and codebook, built in memory before the clock starts."""
    from surveys.codebooks import codebook_rows
    from surveys.export_files import ResponseExport, export_columns
    from surveys.response_rows import iter_rows

    with app.app_context():
        rows = list(iter_rows(db.transaction, campaign_id, "en", up_to))
        export = ResponseExport(campaign_id, "xlsx", "en", len(rows) - 2, up_to, "x.xlsx")
        book = codebook_rows(export_columns(db.transaction, export), "en")
    return rows, book


def _writer_alone(rows: list[Any], book: list[Any], handle: Any) -> None:
    """XlsxWriter alone (constant memory, the export's options) writing pre-built rows."""
    from xlsxwriter import Workbook

    from surveys.spreadsheets import XLSX_OPTIONS

    workbook = Workbook(handle, XLSX_OPTIONS)
    for name, content in (("responses", rows), ("codebook", book)):
        sheet = workbook.add_worksheet(name)
        for number, row in enumerate(content):
            sheet.write_row(number, 0, row)
    workbook.close()


def _read_back(fmt: str, path: Path) -> str:
    """What pyreadstat reads back: rows, variables, and one variable's labels."""
    import pyreadstat

    frame, meta = (pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta)(str(path))
    key = "satisfied_experience"
    values = meta.variable_value_labels[key]
    first = frame[key].dropna().iloc[0]
    return (
        f"{len(frame)} rows x {len(frame.columns)} variables; {key}: "
        f"label {meta.column_names_to_labels[key][:40]!r}..., {len(values)} value labels, "
        f"first value {first:g} = {values[first]!r}"
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


def _reference(db: Any, campaign_id: int, up_to: int, handle: Any) -> None:
    """The floor: the same answers as raw rows, one per answer, with the csv module."""
    import io

    from sqlalchemy import select

    from surveys.models import Answer

    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    writer = csv.writer(text)
    query = (
        select(
            Answer.response_id,
            Answer.question_key,
            Answer.value_code,
            Answer.value_text,
            Answer.value_number,
        )
        .where(Answer.campaign_id == campaign_id, Answer.response_id <= up_to)
        .order_by(Answer.response_id)
        .execution_options(yield_per=BATCH)
    )
    with db.transaction() as session:
        for row in session.execute(query):
            writer.writerow(row)
    text.flush()
    text.detach()


FORMATS = ("reference", "csv", "writer", "xlsx", "sav", "dta")
REFERENCE = {"csv": "reference", "xlsx": "writer"}  # each export's reference


def _run(fmt: str, url: str, workdir: Path, campaign_id: int, up_to: int) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--measure",
        fmt,
        "--database-url",
        url,
        "--campaign",
        str(campaign_id),
        "--up-to",
        str(up_to),
        "--workdir",
        str(workdir),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--responses", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--measure", choices=FORMATS, help=argparse.SUPPRESS)
    parser.add_argument("--campaign", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--up-to", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        out = args.workdir / f"export.{args.measure}"
        measure(args.measure, args.database_url, args.workdir, args.campaign, args.up_to, out)
        return
    workdir = Path(tempfile.mkdtemp(prefix="bench-export-"))
    url = args.database_url or f"sqlite:///{workdir}/portal.db"
    started = time.perf_counter()
    campaign_id = generate(url, workdir, max(args.responses))
    print(
        f"generated {max(args.responses)} responses on {url.split('@')[-1]} "
        f"in {time.perf_counter() - started:.0f} s"
    )
    for size in sorted(args.responses):
        print(f"-- {size} responses")
        results: dict[str, dict[str, Any]] = {}
        for fmt in args.formats:
            figures = results[fmt] = _run(fmt, url, workdir, campaign_id, size)
            line = (
                f"{fmt:>9}: {figures['seconds']:6.1f} s ({figures['cpu']:6.1f} CPU-s), "
                f"peak RSS {figures['peak_mb']:5.0f} MB ({figures['baseline_mb']:.0f} MB before "
                f"it), file {figures['size_mb']:.0f} MB"
            )
            reference = results.get(REFERENCE.get(fmt, ""))
            if reference:
                line += (
                    f"; x{figures['seconds'] / reference['seconds']:.2f} "
                    f"(CPU x{figures['cpu'] / reference['cpu']:.2f}) its reference"
                )
            print(line)
            if "check" in figures:
                print(f"{'':>11}read back: {figures['check']}")


if __name__ == "__main__":
    main()
