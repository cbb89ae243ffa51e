"""`GET /api/v1/indicators?year=`: shape, permissions and errors as CONTRACT.md defines them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.auth import accounts
from portal.results.targets import ValueInput, save_value
from tests.factories import make_user
from tests.integration.results import builders


def test_staff_get_the_year_in_the_contract_shape(session: Session, signed_in: Callable) -> None:
    exit_2024 = builders.campaign(session, "volunteer_exit", 2024)
    for code in ["fully_agree"] * 4 + ["somewhat_agree", "neither", "dont_know"]:
        builders.volunteer(session, exit_2024, code, gender="female", category="national")
    builders.target(session, "1.2.1", 2024, 0.9)
    client = signed_in("staff")

    response = client.get("/api/v1/indicators?year=2024")

    assert response.status_code == 200
    body = response.get_json()
    assert (body["year"], body["framework"]) == (2024, "2022-2025")
    entry = next(e for e in body["indicators"] if e["code"] == "1.2.1")
    assert entry["unit"] == "percent"
    assert (entry["numerator"], entry["valid_n"], entry["excluded_n"]) == (5, 6, 1)
    assert entry["value"] == pytest.approx(5 / 6)
    assert entry["parts"] == pytest.approx({"fully_agree": 4 / 6, "somewhat_agree": 1 / 6})
    assert (entry["target"], entry["status"], entry["suppressed"]) == (0.9, "yellow", False)
    assert entry["performance"] == pytest.approx(5 / 6 / 0.9)
    assert len(entry["ci95"]) == 2
    assert entry["breakdown"]["female"]["valid_n"] == 6
    # Nobody is international: the group is empty, so it has no value.
    assert entry["breakdown"]["international"]["value"] is None
    assert set(entry["breakdown"]) == {
        "female", "national", "international", "youth", "disability", "onsite", "online",
        "global_south", "africa", "sids", "ldc", "lldc", "refugee",
    }  # fmt: skip


def test_suppressed_figure_is_null_in_the_api(session: Session, signed_in: Callable) -> None:
    exit_2024 = builders.campaign(session, "volunteer_exit", 2024)
    for _ in range(4):
        builders.volunteer(session, exit_2024, "fully_agree")
    client = signed_in("admin")

    entry = next(
        e for e in client.get("/api/v1/indicators?year=2024").get_json()["indicators"]
        if e["code"] == "1.2.1"
    )  # fmt: skip

    assert (entry["suppressed"], entry["value"], entry["status"]) == (
        True, None, "insufficient_data",
    )  # fmt: skip
    assert entry["valid_n"] is None and entry["numerator"] is None


def test_count_indicator_gives_its_breakdown_by_kind(signed_in: Callable) -> None:
    body = signed_in("staff").get("/api/v1/indicators?year=2023").get_json()

    entry = next(e for e in body["indicators"] if e["code"] == "3.1.2")
    assert (entry["unit"], entry["value"]) == ("count", 0)
    assert set(entry["breakdown"]) == {"member_state", "un_entity", "cso", "private_sector"}


def test_anonymous_callers_get_401_json(client: FlaskClient) -> None:
    response = client.get("/api/v1/indicators?year=2024")

    assert response.status_code == 401
    assert "error" in response.get_json()


@pytest.mark.parametrize(("role", "kind"), [("partner", "un_entity"), ("contributor", "cso")])
def test_partners_and_contributors_get_403(signed_in: Callable, role: str, kind: str) -> None:
    response = signed_in(role, kind).get("/api/v1/indicators?year=2024")

    assert response.status_code == 403
    assert "error" in response.get_json()


@pytest.mark.parametrize("query", ["", "?year=", "?year=abcd", "?year=99999", "?year=2019"])
def test_missing_or_bad_year_is_a_400_json_error(signed_in: Callable, query: str) -> None:
    response = signed_in("staff").get(f"/api/v1/indicators{query}")

    assert response.status_code == 400
    assert response.get_json()["error"]


def test_bearer_token_of_staff_is_accepted(
    app: Flask, session: Session, client: FlaskClient
) -> None:
    user = make_user(session, "staff")
    token = accounts.issue_api_token(session, user, "script")
    session.commit()

    response = client.get(
        "/api/v1/indicators?year=2024", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 200
    assert len(response.get_json()["indicators"]) == 18


def test_titles_come_in_the_requested_language(signed_in: Callable) -> None:
    client = signed_in("staff")

    body = client.get("/api/v1/indicators?year=2024&lang=zh").get_json()

    entry = next(e for e in body["indicators"] if e["code"] == "1.2")
    assert entry["title"] == "对联合国志愿人员表示满意的联合国合作伙伴百分比"
    assert client.get("/api/v1/indicators?year=2024&lang=xx").status_code == 400


def test_beyond_the_framework_the_api_says_so(signed_in: Callable) -> None:
    body = signed_in("staff").get("/api/v1/indicators?year=2026").get_json()

    assert (body["framework"], body["beyond_framework"]) == ("2022-2025", True)
    assert {e["target"] for e in body["indicators"]} == {None}


def test_rating_tolerance_is_read_from_the_app_setting(
    app: Flask, session: Session, signed_in: Callable
) -> None:
    builders.target(session, "1.1.1", 2024, 100)
    save_value(session, ValueInput("1.1.1", 2024, 91, {}, "HR"), None, datetime.now(UTC))
    client = signed_in("staff")

    def status() -> str:
        body = client.get("/api/v1/indicators?year=2024").get_json()
        return next(e["status"] for e in body["indicators"] if e["code"] == "1.1.1")

    assert status() == "yellow"
    app.config["PORTAL_RATING_TOLERANCE"] = 0.10
    assert status() == "green"
