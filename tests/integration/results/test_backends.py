"""The same data set gives the same figures on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from portal import create_app
from portal.db import create_schema, database
from portal.results.reporting import indicator_trend, reporting_config, year_results
from portal.results.targets import ValueInput, save_value
from tests.conftest import FAST_HASH, PG_URL, _truncate_all
from tests.factories import make_org
from tests.integration.results import builders

ENTERED = datetime(2025, 2, 1, tzinfo=UTC)
LIKERT = ["fully_agree", "somewhat_agree", "neither", "somewhat_disagree", "fully_disagree",
          "dont_know", "not_applicable", None]  # fmt: skip
NATIONALITIES = ["KEN", "FRA", "FJI", "NPL", "BOL", "SYR", "BRA", None]


def build_fixed_data_set(session: Session) -> None:
    """Partners of two organisations, 60 exit answers across groups and years, products."""
    undp, unicef = make_org(session, "un_entity"), make_org(session, "un_entity")
    partner_2024 = builders.campaign(session, "partner", 2024)
    for number in range(14):
        answers = {
            "expectations_met": LIKERT[number % 7],
            "recruitment_efficient": LIKERT[(number + 3) % 8],
        }
        builders.partner_answer(
            session,
            partner_2024,
            undp if number % 2 else unicef,
            {key: code for key, code in answers.items() if code is not None},
        )
    builders.invite(session, partner_2024, 6)
    exit_2024 = builders.campaign(session, "volunteer_exit", 2024)
    for number in range(60):
        moment = datetime(2024, 12, 31, 23, 59, tzinfo=UTC) if number % 10 else datetime(
            2025, 1, 1, 0, 1, tzinfo=UTC)  # fmt: skip
        builders.volunteer(
            session, exit_2024, LIKERT[number % 8], LIKERT[(number * 3) % 8], moment,
            gender=("female", "male", "other", None)[number % 4],
            category=("national", "international", None)[number % 3],
            modality=("onsite", "online")[number % 5 == 0],
            age=(17, 18, 29, 30, 45, None)[number % 6],
            disability=(True, False, None)[number % 3 == 0],
            nationality=NATIONALITIES[number % 8],
            refugee=number % 11 == 0,
        )  # fmt: skip
    unv, cso = make_org(session, "unv"), make_org(session, "cso")
    for published in (date(2022, 3, 1), date(2023, 12, 31), date(2024, 1, 1)):
        builders.product(session, unv, published)
    builders.product(session, cso, date(2024, 5, 5))
    builders.product(session, make_org(session, "member_state"), date(2024, 3, 3),
                     product_type="vnr", integrated=True, countries=("KEN", "SEN"))  # fmt: skip
    builders.product(session, unv, date(2023, 7, 7), product_type="unsdcf", integrated=False)
    builders.support(session, "unct", 2023, "cca_unsdcf", recipient_country="KEN")
    builders.support(session, "member_state", 2024, "national_policy", recipient_country="SEN")
    builders.target(session, "1.2.1", 2024, 0.6, baseline=0.91, baseline_year=2017)
    builders.target(session, "2.1", 2024, 45)
    save_value(session, ValueInput("2.1", 2024, 47.5, {"national": 30}, "ERP"), None, ENTERED)


def _results(app: Flask) -> list[dict[str, Any]]:
    config = reporting_config(app)
    with database(app).transaction() as session:
        payloads = [year_results(session, year, config) for year in (2023, 2024, 2025)]
        payloads.append(indicator_trend(session, "1.2.1", range(2022, 2026), config))
    return payloads


def _app(url: str, tmp_path: Path) -> Flask:
    return create_app({
        "TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": url,
        "SECRET_KEY": "test", "PORTAL_DATA_DIR": str(tmp_path / "data"),
        "PASSWORD_HASH_METHOD": FAST_HASH,
    })  # fmt: skip


def test_fixed_data_set_gives_the_pinned_figures(app: Flask) -> None:
    with database(app).transaction() as session:
        build_fixed_data_set(session)

    in_2023, in_2024, in_2025, _trend = _results(app)

    exit_2024 = next(e for e in in_2024["indicators"] if e["code"] == "1.2.1")
    partners = next(e for e in in_2024["indicators"] if e["code"] == "1.2")
    lead_time = next(e for e in in_2024["indicators"] if e["code"] == "2.1")
    assert (exit_2024["valid_n"], exit_2024["numerator"], exit_2024["excluded_n"]) == (34, 14, 20)
    assert exit_2024["status"] == "yellow"
    assert (partners["valid_n"], partners["numerator"], partners["excluded_n"]) == (10, 4, 4)
    assert (partners["invited"], partners["completed"]) == (20, 14)
    assert (lead_time["status"], lead_time["value"]) == ("yellow", 47.5)
    exit_2025 = next(e for e in in_2025["indicators"] if e["code"] == "1.2.1")
    assert (exit_2025["valid_n"], exit_2025["numerator"], exit_2025["excluded_n"]) == (5, 2, 1)
    assert next(e for e in in_2024["indicators"] if e["code"] == "3.1.1")["value"] == 4
    assert next(e for e in in_2023["indicators"] if e["code"] == "3.2")["valid_n"] == 1


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL is not set")
def test_sqlite_and_postgresql_give_identical_payloads(tmp_path: Path, pg_url: str) -> None:
    sqlite_app = _app(f"sqlite:///{tmp_path / 'same.db'}", tmp_path)
    create_schema(sqlite_app)
    pg_app = _app(pg_url, tmp_path)
    try:
        for app in (sqlite_app, pg_app):
            with database(app).transaction() as session:
                build_fixed_data_set(session)
        from_sqlite, from_postgresql = _results(sqlite_app), _results(pg_app)
    finally:
        _truncate_all(pg_app)
        database(pg_app).engine.dispose()
        database(sqlite_app).engine.dispose()

    assert from_sqlite == from_postgresql
    exit_2024 = next(e for e in from_sqlite[1]["indicators"] if e["code"] == "1.2.1")
    assert exit_2024["valid_n"] == 34  # the data set is in both, not absent from both
