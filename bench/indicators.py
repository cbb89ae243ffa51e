"""A year's indicators at a million exit responses, beside the one SQL GROUP BY they rest on.

Loads N volunteer exit responses (two answers each) with INSERT ... SELECT, then times
`year_results` (every indicator of the year through the real providers and computations) and
the floor: one plain GROUP BY producing the same answer counts by group. Prints both and the ratio.

    .venv/bin/python bench/indicators.py --responses 1000000 --backend sqlite
    .venv/bin/python bench/indicators.py --backend postgresql \
        --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402
from portal.db import UTCDateTime, create_schema, database  # noqa: E402
from portal.results.reporting import reporting_config, year_results  # noqa: E402
from surveys import campaigns  # noqa: E402

YEAR = 2025
QUESTIONS = ("satisfied_experience", "development_contribution")
GROUPS = ("gender", "category", "modality", "youth", "disability", "global_south", "africa",
          "sids", "ldc", "lldc", "refugee")  # fmt: skip
# Answer shares out of 100 (fully agree ... not applicable); the rest of the 100 is skipped.
ANSWER_CUTS = ((55, "fully_agree"), (85, "somewhat_agree"), (91, "neither"),
               (94, "somewhat_disagree"), (96, "fully_disagree"), (98, "dont_know"),
               (99, "not_applicable"))  # fmt: skip
# A volunteer's attributes follow one of PROFILES profiles, as real rosters repeat few patterns.
PROFILES = 1009


def _flag(expression: str, null_every: int) -> str:
    return f"CASE WHEN p % {null_every} = 0 THEN NULL ELSE ({expression}) END"


def _answer_case(column: str) -> str:
    whens = " ".join(f"WHEN {column} < {cut} THEN '{code}'" for cut, code in ANSWER_CUTS)
    return f"CASE {whens} END"


def load(engine: Any, campaign_id: int, version_id: int, count: int) -> None:
    """Invitations, responses and answers, generated inside the database (portable SQL)."""
    submitted = datetime(YEAR, 6, 1, 12, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO survey_invitation (campaign_id, source, contact_email, reminder_count,"
                " current_page, created_at, used_at) WITH RECURSIVE seq(n) AS"
                " (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :count)"
                " SELECT :campaign, 'import', 'v' || n || '@bench.example', 0, 0, :at, :at FROM seq"
            ).bindparams(bindparam("at", type_=UTCDateTime())),
            {"count": count, "campaign": campaign_id, "at": submitted},
        )
        connection.execute(
            text(
                "INSERT INTO survey_response (invitation_id, campaign_id, definition_version_id,"
                " submitted_at, reporting_year, gender, category, modality, youth, disability,"
                " global_south, africa, sids, ldc, lldc, refugee) "
                f"SELECT id, campaign_id, :version, :at, {YEAR},"
                " CASE p % 4 WHEN 0 THEN 'female' WHEN 1 THEN 'male' WHEN 2 THEN 'female'"
                "  ELSE 'undisclosed' END,"
                " CASE WHEN p % 5 < 2 THEN 'national' ELSE 'international' END,"
                " CASE WHEN p % 7 = 0 THEN 'online' ELSE 'onsite' END,"
                f" {_flag('p % 3 = 0', 31)}, {_flag('p % 23 = 0', 29)},"
                f" {_flag('p % 10 < 7', 37)}, {_flag('p % 10 < 4', 37)},"
                f" {_flag('p % 13 = 0', 37)}, {_flag('p % 10 < 3', 37)},"
                f" {_flag('p % 11 = 0', 37)}, p % 43 = 0"
                f" FROM (SELECT id, campaign_id, (id % {PROFILES} * 7919 + id / {PROFILES})"
                f" % {PROFILES} AS p"
                "  FROM survey_invitation WHERE campaign_id = :campaign) AS invited"
            ).bindparams(bindparam("at", type_=UTCDateTime())),
            {"version": version_id, "at": submitted, "campaign": campaign_id},
        )
        for salt, question in enumerate(QUESTIONS, start=1):
            # Integer arithmetic that stays inside 32 bits for tens of millions of rows.
            draw = f"(id * {(37, 53)[salt - 1]} + id / {(7, 11)[salt - 1]}) % 100"
            connection.execute(
                text(
                    "INSERT INTO survey_answer (response_id, campaign_id, question_key, value_code)"
                    f" SELECT id, campaign_id, :question, {_answer_case('draw')} FROM"
                    f" (SELECT id, campaign_id, {draw} AS draw FROM survey_response"
                    "  WHERE campaign_id = :campaign) AS drawn WHERE draw < 99"
                ),
                {"question": question, "campaign": campaign_id},
            )
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


FLOOR = (
    "SELECT q.question_key, a.value_code, "
    + ", ".join(f"r.{group}" for group in GROUPS)
    + ", count(*) AS n FROM survey_response r"
    " CROSS JOIN (SELECT 'satisfied_experience' AS question_key"
    "  UNION ALL SELECT 'development_contribution') q"
    " LEFT JOIN survey_answer a ON a.response_id = r.id AND a.question_key = q.question_key"
    f" WHERE r.reporting_year = {YEAR} GROUP BY q.question_key, a.value_code, "
    + ", ".join(f"r.{group}" for group in GROUPS)
)


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of `repeat` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench(url: str, responses: int, repeat: int, workdir: Path) -> dict[str, Any]:
    app = create_app({
        "DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(workdir / "instance"),
        "PORTAL_DATA_DIR": str(workdir / "data"),
    })  # fmt: skip
    create_schema(app)
    engine = database(app).engine
    with database(app).transaction() as session:
        campaign = campaigns.create_campaign(session, None, "volunteer_exit", YEAR, title="bench")
        campaigns.open_campaign(session, None, campaign.id, now=datetime(YEAR, 1, 1, tzinfo=UTC))
        campaign_id, version_id = campaign.id, campaign.definition_version_id
    start = time.perf_counter()
    load(engine, campaign_id, version_id, responses)
    loaded = time.perf_counter() - start
    config = reporting_config(app)

    def portal() -> dict[str, Any]:
        with database(app).transaction() as session:
            return year_results(session, YEAR, config)

    def floor() -> list[Any]:
        with engine.connect() as connection:
            return connection.execute(text(FLOOR)).all()

    floor()  # warm the page cache for both alike
    portal_time, payload = timed(portal, repeat)
    floor_time, rows = timed(floor, repeat)
    figures = {e["code"]: e for e in payload["indicators"]}
    valid = {"fully_agree", "somewhat_agree", "neither", "somewhat_disagree", "fully_disagree"}
    floor_valid = sum(row.n for row in rows if row.question_key == QUESTIONS[0]
                      and row.value_code in valid)  # fmt: skip
    if figures["1.2.1"]["valid_n"] != floor_valid:
        raise SystemExit(f"counts differ: {figures['1.2.1']['valid_n']} != {floor_valid}")
    engine.dispose()
    return {
        "load": loaded,
        "portal": portal_time,
        "floor": floor_time,
        "groups": len(rows),
        "value": figures["1.2.1"]["value"],
        "valid_n": floor_valid,
    }


def _pg_schema(url: str) -> tuple[str, Callable[[], None]]:
    """A fresh schema for the run (dropped afterwards) so the bench never touches other tables."""
    schema = "bench_indicators"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not args.pg_url:
        if args.backend == "postgresql":
            raise SystemExit("--pg-url (or TEST_DATABASE_URL) is needed for PostgreSQL")
        backends.remove("postgresql")
    print(f"{args.responses:,} exit responses, reporting year {YEAR}, median of {args.repeat} runs")
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix="bench-indicators-") as directory:
            workdir = Path(directory)
            drop: Callable[[], None] = lambda: None  # noqa: E731
            url = f"sqlite:///{workdir / 'bench.db'}"
            if backend == "postgresql":
                url, drop = _pg_schema(args.pg_url)
            try:
                result = bench(url, args.responses, args.repeat, workdir)
            finally:
                drop()
        print(
            f"{backend:<10} load {result['load']:7.1f} s | year's 18 indicators"
            f" {result['portal']:7.3f} s | floor GROUP BY {result['floor']:7.3f} s"
            f" ({result['groups']:,} groups) | ratio {result['portal'] / result['floor']:5.2f}"
            f" | 1.2.1 = {result['value']:.4f} of {result['valid_n']:,}"
        )


if __name__ == "__main__":
    main()
