"""The staff pages: results matrix, indicator page with charts, notes, downloads, year rules."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import csrf_from
from tests.integration.results import builders


def _main(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.get_data(as_text=True)
    return page[page.index("<main") : page.index("</main>")]


def _matrix_row(main: str, code: str, year: int) -> str:
    """The indicator's row of its outcome's table (its tile comes before it)."""
    start = main.index(f'<th scope="row"><a href="/results/{code}?year={year}">')
    return main[start:].split("</tr>")[0]


def _exit_answers(session: Session, year: int, codes: list[str]) -> None:
    to = builders.campaign(session, "volunteer_exit", year)
    for number, code in enumerate(codes):
        gender = "female" if number % 2 else "male"
        category = "national" if number % 3 else "international"
        builders.volunteer(session, to, code, gender=gender, category=category, age=25)


def test_dashboard_is_the_matrix_with_rating_text(session: Session, signed_in: Callable) -> None:
    _exit_answers(session, 2024, ["fully_agree"] * 9 + ["fully_disagree"])
    builders.target(session, "1.2.1", 2024, 0.94)
    client = signed_in("staff")

    main = _main(client, "/results/?year=2024")

    assert "Results 2024" in main
    for code in ("1.1", "1.2", "1.2.1", "2.1.1", "3.2.2"):
        assert f'href="/results/{code}?year=2024"' in main
    row = _matrix_row(main, "1.2.1", 2024)
    # % of target with one decimal (0.9 / 0.94), as the rating reads it.
    assert "90.0%" in row and "94.0%" in row and "95.7%" in row
    assert "badge--green" in row and "Green: on target" in row
    assert "n = 10 valid answers" in row and "95% interval (Wilson)" in row
    assert "Source: Volunteer exit questionnaire." in row
    assert "Yellow" not in row


def test_suppressed_figure_shows_no_value_on_screen(session: Session, signed_in: Callable) -> None:
    _exit_answers(session, 2024, ["fully_agree"] * 4)
    builders.target(session, "1.2.1", 2024, 0.9)
    client = signed_in("staff")

    main = _main(client, "/results/?year=2024")
    row = _matrix_row(main, "1.2.1", 2024)
    page = _main(client, "/results/1.2.1?year=2024")

    assert "Suppressed" in row and "Insufficient data" in row
    assert "100.0%" not in row and "100.0%" not in page
    assert "Suppressed: fewer valid answers than the publication threshold" in page


def test_indicator_page_has_charts_tables_notes_and_downloads(
    session: Session, signed_in: Callable
) -> None:
    _exit_answers(session, 2024, ["fully_agree"] * 14 + ["neither"] * 6)
    _exit_answers(session, 2023, ["fully_agree"] * 5)
    client = signed_in("staff")

    main = _main(client, "/results/1.2.1?year=2024")

    assert re.search(r'<svg [^>]*class="chart chart-trend" role="img"', main)
    assert re.search(r'<svg [^>]*class="chart chart-bar" role="img"', main)
    assert not re.search(r"\sstyle=", main)
    assert "<caption>Data of the chart: 1.2.1 across the years</caption>" in main
    assert "<caption>Data of the chart: 1.2.1 by group, 2024</caption>" in main
    assert 'href="/results/1.2.1/chart/trend.svg?year=2024"' in main
    assert 'href="/results/1.2.1/chart/breakdown-percent.svg?year=2024"' in main
    assert "n = 20 valid answers" in main
    assert "Figures of earlier reports" in main  # 91% in 2017


def test_chart_downloads_as_an_svg_file(session: Session, signed_in: Callable) -> None:
    _exit_answers(session, 2024, ["fully_agree"] * 12)
    client = signed_in("staff")

    response = client.get("/results/1.2.1/chart/breakdown-percent.svg?year=2024")

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).startswith("<svg xmlns=")
    assert client.get("/results/1.2.1/chart/pie.svg?year=2024").status_code == 404


def test_unknown_indicator_is_404_and_bad_year_is_400(signed_in: Callable) -> None:
    client = signed_in("staff")

    assert client.get("/results/9.9?year=2024").status_code == 404
    assert client.get("/results/1.2?year=1999").status_code == 400
    assert client.get("/results/?year=soon").status_code == 400


def test_year_after_the_framework_says_there_is_no_target(signed_in: Callable) -> None:
    client = signed_in("staff")

    main = _main(client, "/results/?year=2026")
    indicator = _main(client, "/results/1.1?year=2026")

    assert "2026 is beyond the framework period 2022-2025" in main
    assert "2026 is beyond the framework period 2022-2025" in indicator
    assert "Save the target" not in indicator


def test_pages_follow_the_chosen_language(signed_in: Callable) -> None:
    client = signed_in("staff")
    client.post("/language", data={"lang": "zh", "csrf_token": csrf_from(client, "/")})

    main = _main(client, "/results/1.2?year=2024")

    assert "对联合国志愿人员表示满意的联合国合作伙伴百分比" in main


def test_staff_see_the_results_link_and_partners_do_not(signed_in: Callable) -> None:
    page = signed_in("staff").get("/").get_data(as_text=True)

    assert 'href="/results/"' in page and 'href="/results/data"' in page
    assert 'href="/results/partner"' not in page
