"""Printed figures that reproduce the rating, and "no data" told apart from "suppressed"."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from portal.results.presentation import performance_text
from tests.conftest import Auth
from tests.factories import make_org, make_user
from tests.integration.results import builders

# 18 of 20 agree with both questions: 0.9. Targets put 1.2.1 at 94.96% and 1.2.2 at 95.04% of
# target, either side of the 95% boundary of the default tolerance (0.05).
VALUE = 0.9
BELOW, ABOVE = round(VALUE / 0.9496, 6), round(VALUE / 0.9504, 6)


def _main(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.get_data(as_text=True)
    return page[page.index("<main") : page.index("</main>")]


def _row(main: str, code: str) -> str:
    """The indicator's row of its outcome's table (its tile comes before it)."""
    start = main.index(f'<th scope="row"><a href="/results/{code}?year=2024">')
    return main[start:].split("</tr>")[0]


def _current_rows(page: str) -> str:
    """The reporting year's row of each of the partner's tiles (earlier years come before it)."""
    parts = page.split('<tr class="glance-table__current">')[1:]
    return "\n".join(part.split("</tr>")[0] for part in parts)


def _around_the_boundary(session: Session) -> None:
    to = builders.campaign(session, "volunteer_exit", 2024)
    for number in range(20):
        code = "fully_agree" if number < 18 else "fully_disagree"
        builders.volunteer(session, to, code, code, gender="female", category="national")
    builders.target(session, "1.2.1", 2024, BELOW)
    builders.target(session, "1.2.2", 2024, ABOVE)


def test_performance_either_side_of_the_boundary_prints_as_its_rating(
    session: Session, signed_in: Callable
) -> None:
    _around_the_boundary(session)
    client = signed_in("staff")

    main = _main(client, "/results/?year=2024")
    below, above = _row(main, "1.2.1"), _row(main, "1.2.2")

    # Whole percents printed 95% for both; one decimal would print 95.0% for both.
    assert "94.96%" in below and "Yellow: below target" in below and "95.0%" not in below
    assert "95.0%" in above and "Green: on target" in above and "94.96%" not in above
    card = _main(client, "/results/1.2.1?year=2024")
    assert re.search(r'card__figure">\s*94\.96%', card)


def test_the_exports_carry_the_exact_performance_of_both_ratings(
    session: Session, signed_in: Callable
) -> None:
    _around_the_boundary(session)
    client = signed_in("staff")

    text = client.get("/results/export/csv?year=2024").data.decode("utf-8-sig")
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(text)) if r["breakdown"] == "total"}
    workbook = load_workbook(io.BytesIO(client.get("/results/export/xlsx?year=2024").data))
    sheet = workbook["results"]
    header = [cell.value for cell in sheet[1]]
    cells = {r[header.index("code")]: r for r in sheet.iter_rows(min_row=2, values_only=True)}

    for code, status, side in (("1.2.1", "yellow", -1), ("1.2.2", "green", 1)):
        performance = float(rows[code]["performance"])
        assert rows[code]["status"] == status
        assert performance == pytest.approx(0.95 + side * 0.0004, abs=1e-6)
        assert cells[code][header.index("performance")] == pytest.approx(performance, abs=1e-12)
        assert cells[code][header.index("status")] == status


@pytest.mark.parametrize(
    ("locale", "performance", "status", "direction", "text"),
    [
        ("en", 0.9496, "yellow", "higher", "94.96%"),
        ("en", 0.9504, "green", "higher", "95.0%"),
        ("en", 0.95, "green", "higher", "95.0%"),
        ("en", 0.87654, "yellow", "higher", "87.7%"),
        ("en", 1.0504, "yellow", "lower", "105.04%"),
        ("en", 1.0496, "green", "lower", "105.0%"),
        ("en", 1.23456, "no_target", "higher", "123.5%"),
        ("fr", 0.9496, "yellow", "higher", "94,96%"),
        ("es", 1.0504, "yellow", "lower", "105,04%"),
    ],
)
def test_performance_text_is_one_decimal_unless_the_boundary_needs_more(
    app: Flask, locale: str, performance: float, status: str, direction: str, text: str
) -> None:
    with app.test_request_context(), force_locale(locale):
        assert performance_text(performance, status, direction) == text
        assert performance_text(None, status, direction) == "—"


def _trend_years(session: Session) -> None:
    """2022: 3 answers (suppressed); 2023: none at all (no data); 2024: 10 answers, 2 women."""
    to_2022 = builders.campaign(session, "volunteer_exit", 2022)
    for _ in range(3):
        builders.volunteer(session, to_2022, "fully_agree", category="national")
    builders.invite(session, builders.campaign(session, "volunteer_exit", 2023), 4)
    to_2024 = builders.campaign(session, "volunteer_exit", 2024)
    for number in range(10):
        gender = "female" if number < 2 else "male"
        builders.volunteer(session, to_2024, "fully_agree", gender=gender, category="national")


def _table(main: str, caption: str) -> dict[str, str]:
    """Label -> value cell of the data table of a chart."""
    table = main[main.index(f"<caption>Data of the chart: {caption}</caption>") :]
    table = table[: table.index("</table>")]
    cells = re.findall(r'<th scope="row">([^<]*)</th>\s*<td class="num">([^<]*)</td>', table)
    return dict(cells)


def test_charts_and_tables_tell_no_data_from_suppressed(
    session: Session, signed_in: Callable
) -> None:
    _trend_years(session)
    client = signed_in("staff")

    main = _main(client, "/results/1.2.1?year=2024")
    trend = _table(main, "1.2.1 across the years")
    groups = _table(main, "1.2.1 by group, 2024")
    svg = client.get("/results/1.2.1/chart/trend.svg?year=2024").get_data(as_text=True)
    bars = client.get("/results/1.2.1/chart/breakdown-percent.svg?year=2024").get_data(as_text=True)

    assert (trend["2022"], trend["2023"], trend["2024"]) == ("Suppressed", "No data", "100.0%")
    assert groups["Women"] == "Suppressed"  # 2 answers: a figure withheld
    assert groups["International UN Volunteers"] == "No data"  # nobody in the group
    assert groups["National UN Volunteers"] == "100.0%"
    assert re.search(r"<desc [^>]*>[^<]*2022: Suppressed; 2023: No data; 2024: 100.0%", svg)
    assert ">No data</text>" in svg and ">Suppressed</text>" in svg
    assert re.search(r">International UN Volunteers</text><text [^>]*>No data</text>", bars)
    assert re.search(r">Women</text><text [^>]*>Suppressed</text>", bars)


def test_the_dashboard_says_no_data_for_a_year_nobody_answered(
    session: Session, signed_in: Callable
) -> None:
    _trend_years(session)
    client = signed_in("staff")

    empty = _row(_main(client, "/results/?year=2023").replace("year=2023", "year=2024"), "1.2.1")
    small = _row(_main(client, "/results/?year=2022").replace("year=2022", "year=2024"), "1.2.1")

    assert "No data" in empty and "Suppressed" not in empty
    assert "Response rate 0.0% (0 of 4 invited)." in empty
    assert "Suppressed" in small and "No data" not in small
    assert "Insufficient data" in empty and "Insufficient data" in small


def _api(client: FlaskClient, year: int) -> dict[str, Any]:
    body = client.get(f"/api/v1/indicators?year={year}").get_json()
    return {entry["code"]: entry for entry in body["indicators"]}


def test_the_api_adds_no_data_and_keeps_its_shape(session: Session, signed_in: Callable) -> None:
    _trend_years(session)
    client = signed_in("staff")

    empty, small, shown = (_api(client, year)["1.2.1"] for year in (2023, 2022, 2024))

    assert (empty["value"], empty["suppressed"], empty["no_data"]) == (None, False, True)
    assert empty["status"] == "insufficient_data" and "suppression" not in empty
    assert (small["value"], small["suppressed"], small["suppression"]) == (None, True, "below_k")
    assert "no_data" not in small and "no_data" not in shown
    assert shown["breakdown"]["international"] == {
        "value": None, "numerator": None, "valid_n": None, "excluded_n": None, "excluded": None,
        "ci95": None, "parts": None, "suppressed": False, "no_data": True, "unit": "percent",
    }  # fmt: skip
    assert shown["breakdown"]["female"]["suppressed"] is True
    assert "no_data" not in shown["breakdown"]["female"]


def test_csv_and_xlsx_mark_no_data_apart_from_suppressed(
    session: Session, signed_in: Callable
) -> None:
    _trend_years(session)
    client = signed_in("staff")

    text = client.get("/results/export/csv?year=2024").data.decode("utf-8-sig")
    rows = {(r["code"], r["breakdown"]): r for r in csv.DictReader(io.StringIO(text))}
    empty_year = client.get("/results/export/csv?year=2023").data.decode("utf-8-sig")
    total_2023 = next(r for r in csv.DictReader(io.StringIO(empty_year)) if r["code"] == "1.2.1")
    workbook = load_workbook(io.BytesIO(client.get("/results/export/xlsx?year=2024").data))
    sheet = workbook["international"]
    header = [cell.value for cell in sheet[1]]
    international = next(
        dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row[0] == "1.2.1"
    )

    nobody, few = rows[("1.2.1", "international")], rows[("1.2.1", "female")]
    assert (nobody["value"], nobody["suppressed"], nobody["no_data"]) == ("", "false", "true")
    assert (few["value"], few["suppressed"], few["no_data"]) == ("", "true", "false")
    assert few["suppression"] == "below_k" and nobody["suppression"] == ""
    assert (total_2023["suppressed"], total_2023["no_data"]) == ("false", "true")
    assert (international["value"], international["suppressed"], international["no_data"]) == (
        None, False, True,
    )  # fmt: skip


def _partner_page(session: Session, auth: Auth, client: FlaskClient, answers: int) -> str:
    org = make_org(session, "un_entity")
    to = builders.campaign(session, "partner", 2024)
    for _ in range(answers):
        builders.partner_answer(
            session,
            to,
            org,
            {"expectations_met": "fully_agree", "recruitment_efficient": "neither"},
        )
    user = make_user(session, "partner", org=org)
    session.commit()
    auth.login(user.email)
    return _main(client, "/results/partner?year=2024")


def test_partner_view_says_no_data_when_nobody_of_the_organisation_answered(
    session: Session, client: FlaskClient, auth: Auth
) -> None:
    page = _partner_page(session, auth, client, 0)

    assert _current_rows(page).count("No data") == 2
    assert "Not shown: fewer than" not in page


def test_partner_view_still_withholds_a_few_answers(
    session: Session, client: FlaskClient, auth: Auth
) -> None:
    rows = _current_rows(_partner_page(session, auth, client, 3))

    assert rows.count("Not shown: fewer than 5 answers from your organisation.") == 2
    assert "No data" not in rows


def test_the_dashboard_says_how_many_unstated_vnrs_were_left_out(
    session: Session, signed_in: Callable
) -> None:
    state = make_org(session, "member_state")
    vnr = {"product_type": "vnr", "published": date(2024, 7, 1)}
    builders.product(session, state, integrated=True, countries=("KEN",), **vnr)
    builders.product(session, state, integrated=False, countries=("ECU",), **vnr)
    builders.product(session, state, integrated=None, countries=("PER",), **vnr)
    client = signed_in("staff")

    row = _row(_main(client, "/results/?year=2024"), "3.1")

    assert "50.0%" in row and "1 of 2." in row
    assert "1 left out: whether volunteering is integrated is not stated." in row
