"""The year's results payload: figures from every provider, targets, ratings and year rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from portal.errors import InputError
from portal.results.reporting import (
    ReportingConfig,
    indicator_trend,
    parse_year,
    year_results,
)
from portal.results.targets import ValueInput, save_value
from tests.factories import make_org
from tests.integration.results import builders

CONTRACT_KEYS = {
    "code", "title", "unit", "value", "numerator", "valid_n", "excluded_n", "ci95", "parts",
    "target", "performance", "status", "suppressed", "breakdown",
}  # fmt: skip
NOW = datetime(2025, 3, 1, tzinfo=UTC)


def _entry(payload: dict, code: str) -> dict:
    return next(entry for entry in payload["indicators"] if entry["code"] == code)


def _staff_value(session: Session, code: str, year: int, value: float, **breakdown: float) -> None:
    save_value(session, ValueInput(code, year, value, breakdown, "HR system, March"), None, NOW)


def test_every_framework_indicator_is_listed_in_annex_order_with_the_contract_keys(
    session: Session, config: ReportingConfig
) -> None:
    payload = year_results(session, 2024, config)

    assert (payload["year"], payload["framework"], payload["beyond_framework"]) == (
        2024, "2022-2025", False,
    )  # fmt: skip
    assert [entry["code"] for entry in payload["indicators"]][:4] == [
        "1.1",
        "1.2",
        "1.1.1",
        "1.1.2",
    ]
    assert len(payload["indicators"]) == 18
    for entry in payload["indicators"]:
        assert CONTRACT_KEYS <= set(entry), entry["code"]


def test_survey_figure_excludes_non_substantive_answers_and_parts_add_up(
    session: Session, config: ReportingConfig
) -> None:
    exit_2024 = builders.campaign(session, "volunteer_exit", 2024)
    answers = ["fully_agree"] * 3 + ["somewhat_agree"] * 2 + ["neither", "fully_disagree"]
    for code in [*answers, "dont_know", "not_applicable", None]:
        builders.volunteer(session, exit_2024, code)
    builders.invite(session, exit_2024, 10)

    entry = _entry(year_results(session, 2024, config), "1.2.1")

    assert entry["value"] == pytest.approx(5 / 7)
    assert (entry["numerator"], entry["valid_n"], entry["excluded_n"]) == (5, 7, 3)
    assert entry["parts"] == pytest.approx({"fully_agree": 3 / 7, "somewhat_agree": 2 / 7})
    assert entry["ci95"][0] < 5 / 7 < entry["ci95"][1]
    assert (entry["invited"], entry["completed"]) == (20, 10)
    assert entry["response_rate"] == pytest.approx(0.5)
    assert entry["status"] == "no_target"


def test_figure_below_k_is_suppressed_with_no_value_and_insufficient_data(
    session: Session, config: ReportingConfig
) -> None:
    exit_2024 = builders.campaign(session, "volunteer_exit", 2024)
    for _ in range(config.suppress_below - 1):
        builders.volunteer(session, exit_2024, "fully_agree")
    builders.target(session, "1.2.1", 2024, 0.9)

    entry = _entry(year_results(session, 2024, config), "1.2.1")

    assert entry["suppressed"] is True
    assert entry["value"] is None and entry["numerator"] is None and entry["valid_n"] is None
    assert entry["ci95"] is None and entry["parts"] is None
    assert (entry["status"], entry["performance"], entry["target"]) == (
        "insufficient_data", None, 0.9,
    )  # fmt: skip
    assert all(group["value"] is None for group in entry["breakdown"].values())


def test_k_answers_are_shown(session: Session, config: ReportingConfig) -> None:
    exit_2024 = builders.campaign(session, "volunteer_exit", 2024)
    for _ in range(config.suppress_below):
        builders.volunteer(session, exit_2024, "somewhat_agree")

    entry = _entry(year_results(session, 2024, config), "1.2.1")

    assert (entry["suppressed"], entry["value"], entry["valid_n"]) == (False, 1.0, 5)


def test_exit_answer_counts_in_the_year_of_its_utc_date(
    session: Session, config: ReportingConfig
) -> None:
    exit_2024 = builders.campaign(session, "volunteer_exit", 2024)
    for _ in range(5):
        builders.volunteer(session, exit_2024, "fully_agree",
                           submitted_at=datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC))  # fmt: skip
    for _ in range(6):
        builders.volunteer(session, exit_2024, "fully_disagree",
                           submitted_at=datetime(2025, 1, 1, 0, 0, 1, tzinfo=UTC))  # fmt: skip

    in_2024 = _entry(year_results(session, 2024, config), "1.2.1")
    in_2025 = _entry(year_results(session, 2025, config), "1.2.1")

    assert (in_2024["valid_n"], in_2024["value"]) == (5, 1.0)
    assert (in_2025["valid_n"], in_2025["value"]) == (6, 0.0)


def test_partner_answer_counts_in_its_campaign_year_whenever_submitted(
    session: Session, config: ReportingConfig
) -> None:
    partner_2024 = builders.campaign(session, "partner", 2024)
    org = make_org(session)
    for _ in range(5):
        invitation = builders.partner_answer(
            session, partner_2024, org, {"expectations_met": "fully_agree"}
        )
        assert invitation.used_at is not None

    assert _entry(year_results(session, 2024, config), "1.2")["valid_n"] == 5
    assert _entry(year_results(session, 2025, config), "1.2")["value"] is None


def test_green_at_exactly_95_percent_of_target_and_yellow_just_below(
    session: Session, config: ReportingConfig
) -> None:
    builders.target(session, "1.1.1", 2024, 100)
    builders.target(session, "1.1.1", 2023, 100)
    _staff_value(session, "1.1.1", 2024, 95)
    _staff_value(session, "1.1.1", 2023, 94.9)

    at_95 = _entry(year_results(session, 2024, config), "1.1.1")
    below = _entry(year_results(session, 2023, config), "1.1.1")

    assert (at_95["status"], at_95["performance"]) == ("green", pytest.approx(0.95))
    assert below["status"] == "yellow"


@pytest.mark.parametrize(
    ("days", "status"), [(40, "green"), (47.25, "green"), (47.3, "yellow"), (60, "yellow")]
)
def test_lead_time_is_rated_lower_is_better(
    session: Session, config: ReportingConfig, days: float, status: str
) -> None:
    builders.target(session, "2.1", 2024, 45)
    _staff_value(session, "2.1", 2024, days, national=30, international=days + 5)

    entry = _entry(year_results(session, 2024, config), "2.1")

    assert (entry["direction"], entry["status"]) == ("lower", status)
    assert entry["breakdown"]["national"] == {"value": 30, "suppressed": False, "unit": "days"}


def test_tolerance_comes_from_the_config(session: Session, config: ReportingConfig) -> None:
    builders.target(session, "1.1.1", 2024, 100)
    _staff_value(session, "1.1.1", 2024, 91)
    wider = replace(config, tolerance=0.10)

    assert _entry(year_results(session, 2024, config), "1.1.1")["status"] == "yellow"
    assert _entry(year_results(session, 2024, wider), "1.1.1")["status"] == "green"


def test_staff_indicator_without_a_value_has_insufficient_data(
    session: Session, config: ReportingConfig
) -> None:
    builders.target(session, "2.1.1", 2024, 0.1)

    entry = _entry(year_results(session, 2024, config), "2.1.1")

    assert (entry["value"], entry["status"], entry["target"]) == (None, "insufficient_data", 0.1)


def test_staff_value_carries_its_source_note(session: Session, config: ReportingConfig) -> None:
    _staff_value(session, "1.1.2", 2024, 11100, female=0.56, youth=2900)

    entry = _entry(year_results(session, 2024, config), "1.1.2")

    assert (entry["value"], entry["source_note"]) == (11100, "HR system, March")
    assert entry["breakdown"]["female"]["unit"] == "percent"
    assert entry["breakdown"]["youth"]["value"] == 2900


def test_year_after_the_framework_reports_no_target(
    session: Session, config: ReportingConfig
) -> None:
    builders.target(session, "1.1.1", 2025, 100)
    _staff_value(session, "1.1.1", 2026, 120)

    payload = year_results(session, 2026, config)

    assert (payload["framework"], payload["beyond_framework"]) == ("2022-2025", True)
    assert all(entry["target"] is None for entry in payload["indicators"])
    assert _entry(payload, "1.1.1")["status"] == "no_target"


def test_knowledge_counts_follow_the_framework_period_and_published_only(
    session: Session, config: ReportingConfig
) -> None:
    unv, cso, academia = (
        make_org(session, "unv"),
        make_org(session, "cso"),
        make_org(session, "academia"),
    )
    builders.product(session, unv, date(2021, 12, 31))  # before the period
    builders.product(session, unv, date(2022, 1, 1))
    builders.product(session, unv, date(2024, 12, 31))
    builders.product(session, unv, date(2024, 6, 1), status="submitted")
    builders.product(session, unv, date(2025, 1, 1))  # after the reporting year
    builders.product(session, cso, date(2023, 5, 5))
    builders.product(session, academia, date(2023, 5, 5))
    builders.product(session, make_org(session, "member_state"), date(2024, 3, 3),
                     product_type="vnr", integrated=True, countries=("KEN",))  # fmt: skip
    builders.product(session, make_org(session, "member_state"), date(2024, 3, 3),
                     product_type="vnr", integrated=False, countries=("SEN",))  # fmt: skip

    payload = year_results(session, 2024, config)

    assert _entry(payload, "3.1.1")["value"] == 2
    contributors = _entry(payload, "3.1.2")
    assert contributors["value"] == 3
    assert contributors["breakdown"]["cso"]["value"] == 1
    assert contributors["breakdown"]["member_state"]["value"] == 2
    vnr = _entry(payload, "3.1")
    assert (vnr["value"], vnr["numerator"], vnr["valid_n"]) == (0.5, 1, 2)


def test_year_before_the_first_framework_is_refused() -> None:
    with pytest.raises(InputError, match="No results framework covers 2019"):
        parse_year("2019")
    with pytest.raises(InputError):
        parse_year("20x5")
    assert parse_year(" 2024 ") == 2024


def test_trend_computes_each_year_and_adds_earlier_reports(
    session: Session, config: ReportingConfig
) -> None:
    exit_2023 = builders.campaign(session, "volunteer_exit", 2023)
    for code in ["fully_agree"] * 4 + ["neither"]:
        builders.volunteer(session, exit_2023, code)
    builders.target(session, "1.2.1", 2023, 0.9)

    trend = indicator_trend(session, "1.2.1", range(2022, 2025), config)

    assert [point["year"] for point in trend["points"]] == [2022, 2023, 2024]
    assert [point["value"] for point in trend["points"]] == [None, 0.8, None]
    assert trend["points"][1]["status"] == "yellow"
    assert any(f["year"] == 2017 and f["value"] == 0.91 for f in trend["history"])
