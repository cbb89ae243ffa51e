"""A year's indicators at 200k and a million exit responses, beside the one SQL GROUP BY under them.

Loads N volunteer exit responses (two answers each) with INSERT ... SELECT and builds their answer
counts (`flask surveys counts-rebuild`, timed), then times `year_results` (every indicator of the
year through the real providers, read from the count table, and the computations) beside the
floor: one plain GROUP BY producing the same answer counts by group from the responses. Also times
the same year's results recomputed from the responses (the reference providers: the portal before
the count table) and checks that both payloads are equal, and what keeping the counts costs a
submission beside storing it. Wall and CPU seconds (CPU: this process only; the database server's
time is in the wall figure).

    .venv/bin/python bench/indicators.py --responses 200000 1000000 --backend sqlite
    .venv/bin/python bench/indicators.py --responses 200000 1000000 --backend postgresql \
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
from dataclasses import replace
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
from surveys.answer_counts import AnswerTally  # noqa: E402
from surveys.answer_recount import rebuild_counts  # noqa: E402
from surveys.answering import submit_response  # noqa: E402
from surveys.indicators import SURVEY_OF_SOURCE, provider_for  # noqa: E402
from surveys.models import Campaign, Invitation  # noqa: E402

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


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds of `repeat` runs, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = run()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


SUBMITTED = {
    "assignment_end_date": "2025-05-30", "satisfied_experience": "fully_agree",
    "development_contribution": "somewhat_agree", "skills_gained": ["technical", "digital"],
    "recommend_volunteering": "yes_definitely", "next_step": "un_employment",
}  # fmt: skip


def submissions(app: Any, campaign_id: int, count: int) -> dict[str, float]:
    """Milliseconds per submission (wall and CPU): storing response and answers, then counting
    them (the count table's upsert)."""
    spent = dict.fromkeys(("store", "store_cpu", "count", "count_cpu"), 0.0)
    with database(app).transaction() as session:
        campaign = session.get(Campaign, campaign_id)
        definition = campaigns.campaign_definition(campaign)
        keys = {question.key for question in definition.questions}
        answers = {key: value for key, value in SUBMITTED.items() if key in keys}
        for number in range(count):
            invitation = Invitation(
                campaign_id=campaign_id, source="import", gender="female", age=25 + number % 30,
                contact_email=f"s{number}@bench.example",
            )  # fmt: skip
            session.add(invitation)
            session.flush()
            tally = AnswerTally()
            wall, cpu = time.perf_counter(), time.process_time()
            submit_response(session, invitation, definition, answers,
                            datetime(YEAR, 7, 1, tzinfo=UTC), "developing_2017", tally)  # fmt: skip
            stored, stored_cpu = time.perf_counter(), time.process_time()
            tally.apply(session)
            spent["store"] += stored - wall
            spent["store_cpu"] += stored_cpu - cpu
            spent["count"] += time.perf_counter() - stored
            spent["count_cpu"] += time.process_time() - stored_cpu
        session.rollback()
    return {key: value / count * 1000 for key, value in spent.items()}


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
    start = time.perf_counter()
    with database(app).transaction() as session:
        table_rows = rebuild_counts(session, None)
    rebuilt = time.perf_counter() - start
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    config = reporting_config(app)
    reference = replace(config, providers={
        **config.providers,
        **{source: provider_for(key, recount=True) for source, key in SURVEY_OF_SOURCE.items()},
    })  # fmt: skip

    def results(settings: Any) -> Callable[[], dict[str, Any]]:
        def run() -> dict[str, Any]:
            with database(app).transaction() as session:
                return dict(year_results(session, YEAR, settings))

        return run

    def floor() -> list[Any]:
        with engine.connect() as connection:
            return connection.execute(text(FLOOR)).all()

    floor()  # warm the page cache for all alike
    results(config)()
    portal_wall, portal_cpu, payload = timed(results(config), repeat)
    floor_wall, floor_cpu, rows = timed(floor, repeat)
    before_wall, before_cpu, recomputed = timed(results(reference), 1)
    if payload != recomputed:
        raise SystemExit("the figures from the count table differ from the recomputation")
    figures = {e["code"]: e for e in payload["indicators"]}
    valid = {"fully_agree", "somewhat_agree", "neither", "somewhat_disagree", "fully_disagree"}
    floor_valid = sum(row.n for row in rows if row.question_key == QUESTIONS[0]
                      and row.value_code in valid)  # fmt: skip
    if figures["1.2.1"]["valid_n"] != floor_valid:
        raise SystemExit(f"counts differ: {figures['1.2.1']['valid_n']} != {floor_valid}")
    submitted = submissions(app, campaign_id, 200)
    engine.dispose()
    return {
        "load": loaded, "rebuild": rebuilt, "table_rows": table_rows,
        "portal": (portal_wall, portal_cpu), "floor": (floor_wall, floor_cpu),
        "before": (before_wall, before_cpu), "groups": len(rows),
        "value": figures["1.2.1"]["value"], "valid_n": floor_valid,
        "submitted": submitted,
    }  # fmt: skip


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
    parser.add_argument("--responses", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not args.pg_url:
        if args.backend == "postgresql":
            raise SystemExit("--pg-url (or TEST_DATABASE_URL) is needed for PostgreSQL")
        backends.remove("postgresql")
    print(f"exit responses of reporting year {YEAR}; median of {args.repeat} runs"
          " (the recomputation: one run); seconds wall / CPU")  # fmt: skip
    for backend in backends:
        for responses in args.responses:
            with tempfile.TemporaryDirectory(prefix="bench-indicators-") as directory:
                workdir = Path(directory)
                drop: Callable[[], None] = lambda: None  # noqa: E731
                url = f"sqlite:///{workdir / 'bench.db'}"
                if backend == "postgresql":
                    url, drop = _pg_schema(args.pg_url)
                try:
                    r = bench(url, responses, args.repeat, workdir)
                finally:
                    drop()
            print(
                f"{backend:<10} {responses:>9,} | load {r['load']:6.1f} s, counts rebuilt"
                f" {r['rebuild']:5.1f} s ({r['table_rows']:,} rows) | year's 18 indicators"
                f" {r['portal'][0]:6.3f} / {r['portal'][1]:6.3f} | floor GROUP BY"
                f" {r['floor'][0]:6.3f} / {r['floor'][1]:6.3f} ({r['groups']:,} groups)"
                f" | ratio {r['portal'][0] / r['floor'][0]:5.3f}"
                f" | recomputed from responses {r['before'][0]:6.3f} / {r['before'][1]:6.3f}"
                f" | per submission: store {r['submitted']['store']:.2f} /"
                f" {r['submitted']['store_cpu']:.2f} ms, count {r['submitted']['count']:.2f} /"
                f" {r['submitted']['count_cpu']:.2f} ms"
                f" | 1.2.1 = {r['value']:.4f} of {r['valid_n']:,}"
            )


if __name__ == "__main__":
    main()
